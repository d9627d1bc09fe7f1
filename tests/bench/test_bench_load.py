"""bench/load.py: nearest-rank statistics, the small HTTP client, and its safety checks."""

from __future__ import annotations

import asyncio
import multiprocessing
import subprocess
import sys

import pytest

from bench.load import (
    HttpConnection,
    Plan,
    Result,
    _run_clients,
    check_loopback,
    percentile,
    summarize,
)
from bench.procinfo import server_memory, server_pids


def test_nearest_rank_percentiles_of_one_to_a_hundred():
    values = [float(v) for v in range(1, 101)]
    assert [percentile(values, p) for p in (1, 50, 95, 99, 100)] == [1.0, 50.0, 95.0, 99.0,
                                                                      100.0]


def test_nearest_rank_takes_the_next_value_up_never_interpolates():
    values = [10.0, 20.0, 30.0]
    # ranks: ceil(0.5 * 3) = 2, ceil(0.95 * 3) = 3, ceil(0.34 * 3) = 2, ceil(0.33 * 3) = 1
    assert percentile(values, 50) == 20.0
    assert percentile(values, 95) == 30.0
    assert percentile(values, 34) == 20.0
    assert percentile(values, 33) == 10.0


def test_percentile_of_one_value_and_of_none():
    assert percentile([7.5], 99) == 7.5
    assert percentile([], 50) == 0.0
    with pytest.raises(ValueError, match="p must be"):
        percentile([1.0], 0)


def test_summarize_sorts_counts_errors_and_rates_successes_only():
    latencies = [float(v) for v in (5, 1, 4, 2, 3, 10, 9, 8, 7, 6)]
    summary = summarize(latencies, errors=3, elapsed=2.0)
    assert summary == {
        "requests": 13, "ok": 10, "errors": 3, "rps": 5.0, "p50_ms": 5.0, "p95_ms": 10.0,
        "p99_ms": 10.0, "max_ms": 10.0, "mean_ms": 5.5,
    }


def test_only_loopback_targets_are_accepted():
    assert check_loopback("http://127.0.0.1:8100") == ("127.0.0.1", 8100)
    assert check_loopback("http://localhost:9000/") == ("127.0.0.1", 9000)
    assert check_loopback("http://[::1]:8000") == ("::1", 8000)
    for url in ("http://10.0.0.5:8000", "http://192.168.1.2", "http://example.com:80",
                "https://127.0.0.1:8000"):
        with pytest.raises(SystemExit):
            check_loopback(url)


def test_create_requests_carry_json_for_rotating_requesters():
    plan = Plan("create", "127.0.0.1", 8100, "/api/v1/tickets", {"Authorization": "Bearer x"},
                requester_ids=[11, 12], team_id=3, expect=(201,))
    head, body = plan.request(1)
    assert head.startswith(b"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1:8100\r\n")
    assert b"Content-Length: %d\r\n" % len(body) in head
    assert b'"requester_id": 12' in body
    assert b'"team_id": 3' in body
    assert b'"requester_id": 11' in plan.request(2)[1]


async def _serve_twice(responses: list[bytes]) -> tuple[list[tuple[int, bytes]], list[bytes]]:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for response in responses:
            seen.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(response)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    conn = HttpConnection("127.0.0.1", port)
    got = [await conn.request(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n") for _ in responses]
    conn.close()
    server.close()
    await server.wait_closed()
    return got, seen


def test_client_reads_sized_and_chunked_bodies_on_one_connection():
    sized = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    chunked = (b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
    got, seen = asyncio.run(_serve_twice([sized, chunked]))
    assert got == [(200, b"hello"), (404, b"abcdefg")]
    assert len(seen) == 2  # both requests went over the same kept-alive connection


def test_server_processes_are_found_by_their_listening_port():
    code = ("import socket, time; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
            "print(s.getsockname()[1], flush=True); time.sleep(30)")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        port = int(child.stdout.readline())
        assert server_pids(port) == [child.pid]
        mem = server_memory([child.pid])
        assert list(mem) == [str(child.pid)]
        assert mem[str(child.pid)]["rss_mb"] > 1
        assert mem[str(child.pid)]["worker"] is True  # a lone server process is its own worker
    finally:
        child.kill()
        child.wait()
    assert server_pids(port) == []


async def _drive(per_connection: int, max_requests: int) -> tuple[Result, int]:
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except asyncio.IncompleteReadError:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    plan = Plan("list", "127.0.0.1", port, "/x", {}, per_connection=per_connection)
    counter = multiprocessing.Value("q", 0)
    result = await _run_clients(plan, 1, 0.0, 30.0, max_requests, counter)
    server.close()
    await server.wait_closed()
    return result, connections


def test_clients_stop_at_the_request_budget_and_reconnect_as_asked():
    result, connections = asyncio.run(_drive(per_connection=3, max_requests=7))
    assert len(result.latencies_ms) == 7
    assert (result.errors, result.statuses) == (0, {"200": 7})
    assert connections == 3  # requests 1-3, 4-6 and 7
