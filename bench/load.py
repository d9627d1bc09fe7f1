"""Drive a running Latido over HTTP and print latency percentiles and throughput.

    .venv/bin/python bench/load.py --scenario list --concurrency 16 --seconds 20 \\
        --url http://127.0.0.1:8100 --info bench/results/info.json

Scenarios: create = POST /api/v1/tickets; list = GET /api/v1/tickets?<query>; queue = the
team queue's first page /agent/queues/<id>/ (signed in through the sign-in form; with
--queue-api the API /api/v1/queues/<id>/tickets instead); ticket = the agent ticket page
/agent/tickets/<id>/ of the generated ticket with ten messages.

The hot loop is a small HTTP/1.1 keep-alive client on asyncio streams, so the load generator
spends little CPU next to the server it measures; --processes splits the clients over several
processes. Progress goes to stderr; the last stdout line is one JSON object. Only loopback
addresses are accepted, and every run is bounded by --seconds and --max-requests.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import multiprocessing as mp
import os
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.procinfo import (  # noqa: E402
    cpu_seconds,
    cpu_used,
    pids_with_cmdline,
    server_memory,
    server_pids,
)

SCENARIOS = ("create", "queue", "ticket", "list")
MAX_SECONDS = 600


# --- statistics -----------------------------------------------------------------------

def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below it."""
    if not sorted_values:
        return 0.0
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    rank = math.ceil(p / 100 * len(sorted_values))
    return sorted_values[rank - 1]


def summarize(latencies_ms: list[float], *, errors: int, elapsed: float) -> dict[str, Any]:
    """Throughput of successful requests and nearest-rank percentiles of their latency."""
    values = sorted(latencies_ms)
    ok = len(values)
    return {
        "requests": ok + errors, "ok": ok, "errors": errors,
        "rps": round(ok / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(values, 50), 2), "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "max_ms": round(values[-1], 2) if values else 0.0,
        "mean_ms": round(sum(values) / ok, 2) if ok else 0.0,
    }


# --- a minimal HTTP/1.1 client ------------------------------------------------------------

class HttpConnection:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(head + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip()
                   for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            payload = await self._chunked()
        else:
            payload = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Plan:
    """What every client sends; picklable so worker processes get the same plan."""

    scenario: str
    host: str
    port: int
    path: str
    headers: dict[str, str]
    requester_ids: list[int] = field(default_factory=list)
    team_id: int | None = None
    expect: tuple[int, ...] = (200,)
    per_connection: int = 10

    def request(self, n: int) -> tuple[bytes, bytes]:
        body = b""
        headers = dict(self.headers)
        method = "GET"
        if self.scenario == "create":
            method = "POST"
            payload: dict[str, Any] = {
                "subject": f"Bench: cannot sign in (run request {n})",
                "body": "Hello,\n\nSince this morning the app says my password is wrong.\n\n"
                        "Thanks, Ana",
                "requester_id": self.requester_ids[n % len(self.requester_ids)],
                "channel": "email", "priority": 2 + n % 2,
            }
            if self.team_id:
                payload["team_id"] = self.team_id
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
            headers["Content-Length"] = str(len(body))
        head = f"{method} {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode(), body


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    first_error: str = ""
    sent: int = 0  # every request, warm-up included


async def _client(plan: Plan, k: int, start: float, deadline: float, budget: list[int],
                  result: Result, counter: Any) -> None:
    conn = HttpConnection(plan.host, plan.port)
    n = k * 1_000_000
    on_this_connection = 0
    while budget[0] > 0:
        now = time.perf_counter()
        if now >= deadline:
            break
        budget[0] -= 1
        n += 1
        head, body = plan.request(n)
        if on_this_connection >= plan.per_connection:
            # A fresh connection now and then lets the kernel hand it to whichever worker
            # accepts first, so one busy worker does not keep every client for the whole run.
            conn.close()
            on_this_connection = 0
        on_this_connection += 1
        t0 = time.perf_counter()
        try:
            status, payload = await conn.request(head, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            conn.close()
            status, payload = 0, repr(exc).encode()
        t1 = time.perf_counter()
        with counter.get_lock():
            counter.value += 1
        if t0 < start:
            continue  # warm-up: connections, caches, JIT-free but cold buffers
        key = str(status)
        result.statuses[key] = result.statuses.get(key, 0) + 1
        if status in plan.expect:
            result.latencies_ms.append((t1 - t0) * 1000)
        else:
            result.errors += 1
            if not result.first_error:
                result.first_error = f"{status}: {payload[:300].decode('utf-8', 'replace')}"
    conn.close()


async def _run_clients(plan: Plan, clients: int, warmup: float, seconds: float,
                       max_requests: int, counter: Any) -> Result:
    result = Result()
    start = time.perf_counter() + warmup
    deadline = start + seconds
    budget = [max_requests]
    await asyncio.gather(*(_client(plan, k, start, deadline, budget, result, counter)
                           for k in range(clients)))
    result.elapsed = min(time.perf_counter(), deadline) - start
    return result


def _worker(plan: Plan, clients: int, warmup: float, seconds: float, max_requests: int,
            counter: Any, out: Any) -> None:
    out.put(asdict(asyncio.run(_run_clients(plan, clients, warmup, seconds, max_requests,
                                            counter))))


def run(plan: Plan, *, concurrency: int, seconds: float, warmup: float, processes: int,
        max_requests: int, progress: bool = True) -> Result:
    """Run `concurrency` clients split over `processes` processes; merge their results."""
    counter = mp.Value("q", 0)
    stop = threading.Event()

    def report() -> None:
        began = time.monotonic()
        while not stop.wait(1.0):
            print(f"  {time.monotonic() - began:5.1f}s  {counter.value} requests",
                  file=sys.stderr, flush=True)

    reporter = threading.Thread(target=report, daemon=True)
    if progress:
        reporter.start()
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0)
              for i in range(processes)]
    per_process = max_requests // processes
    try:
        if processes == 1:
            parts = [asyncio.run(_run_clients(plan, concurrency, warmup, seconds, max_requests,
                                              counter))]
        else:
            ctx = mp.get_context("fork")
            out = ctx.Queue()
            procs = [ctx.Process(target=_worker, daemon=True,
                                 args=(plan, n, warmup, seconds, per_process, counter, out))
                     for n in shares if n]
            for p in procs:
                p.start()
            parts = [Result(**out.get(timeout=warmup + seconds + 120)) for _ in procs]
            for p in procs:
                p.join()
    finally:
        stop.set()
    merged = Result(elapsed=max(p.elapsed for p in parts), sent=counter.value)
    for part in parts:
        merged.latencies_ms += part.latencies_ms
        merged.errors += part.errors
        merged.first_error = merged.first_error or part.first_error
        for key, value in part.statuses.items():
            merged.statuses[key] = merged.statuses.get(key, 0) + value
    return merged


# --- setting up a scenario --------------------------------------------------------------

def check_loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit("load.py: --url must be http://<loopback address>:<port>")
    host = parts.hostname
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError(host)
        except ValueError:
            raise SystemExit(f"load.py: {host} is not a loopback address; refusing.") from None
    return ("127.0.0.1" if host == "localhost" else host), parts.port or 80


def sign_in(url: str, email: str, password: str) -> str:
    """Sign in through the sign-in form; return the Cookie header of the session."""
    import httpx

    with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as client:
        page = client.get("/signin/")
        page.raise_for_status()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit("load.py: no CSRF token on the sign-in page")
        done = client.post("/signin/", data={"csrfmiddlewaretoken": token.group(1),
                                             "username": email, "password": password},
                           headers={"Referer": f"{url}/signin/"})
        if done.status_code not in (302, 303) or "sessionid" not in client.cookies:
            raise SystemExit(f"load.py: sign-in failed ({done.status_code})")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def build_plan(args: argparse.Namespace, info: dict[str, Any]) -> Plan:
    host, port = check_loopback(args.url)
    token = args.token or info.get("token")
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    api = args.scenario in ("create", "list") or (args.scenario == "queue" and args.queue_api)
    if api and not token:
        raise SystemExit("load.py: --token (or --info) is required for API scenarios")
    if args.scenario == "create":
        ids = [int(i) for i in (args.requester_ids or info.get("requester_ids") or [])]
        if not ids:
            raise SystemExit("load.py: --requester-ids (or --info) is required for create")
        return Plan("create", host, port, "/api/v1/tickets", auth, requester_ids=ids,
                    team_id=args.team_id or info.get("team_id"), expect=(200, 201))
    if args.scenario == "list":
        return Plan("list", host, port, f"/api/v1/tickets?{args.list_query}", auth)
    if args.scenario == "queue":
        queue_id = args.queue_id or info.get("queue_id")
        if args.queue_api:
            return Plan("queue", host, port, f"/api/v1/queues/{queue_id}/tickets", auth)
        path = f"/agent/queues/{queue_id}/"
    else:
        path = f"/agent/tickets/{args.ticket_id or info.get('ticket_id')}/"
    email, password = args.email or info.get("email"), args.password or info.get("password")
    if not email or not password:
        raise SystemExit("load.py: --email and --password (or --info) are required for pages")
    cookie = sign_in(args.url.rstrip("/"), email, password)
    return Plan(args.scenario, host, port, path, {"Cookie": cookie})


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", choices=SCENARIOS, required=True)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--url", default="http://127.0.0.1:8100")
    p.add_argument("--token", help="API token (create, list, queue with --queue-api)")
    p.add_argument("--info", type=Path, help="the JSON written by generate.py --info-out")
    p.add_argument("--email")
    p.add_argument("--password")
    p.add_argument("--queue-id", type=int)
    p.add_argument("--queue-api", action="store_true", help="queue: use the API, not the page")
    p.add_argument("--ticket-id", type=int)
    p.add_argument("--team-id", type=int)
    p.add_argument("--requester-ids", type=lambda v: v.split(","))
    p.add_argument("--list-query", default="limit=25")
    p.add_argument("--path", help="GET this path instead of the scenario's own (e.g. a baseline)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds sent but not measured")
    p.add_argument("--requests-per-connection", type=int, default=10,
                   help="reconnect after this many requests (spreads clients over workers)")
    p.add_argument("--processes", type=int, default=1, help="load-generator processes")
    p.add_argument("--max-requests", type=int, default=2_000_000)
    p.add_argument("--server-pid", type=int, action="append",
                   help="server process to measure (default: whoever listens on the port)")
    p.add_argument("--db-name", help="also count the CPU of PostgreSQL backends of this "
                   "database (default: db_name from --info)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    if not (1 <= args.concurrency <= 1024 and 0 < args.seconds <= MAX_SECONDS
            and 1 <= args.processes <= args.concurrency and args.max_requests >= 1):
        p.error(f"need 1 <= concurrency <= 1024, 0 < seconds <= {MAX_SECONDS}, "
                "1 <= processes <= concurrency")
    info = json.loads(args.info.read_text(encoding="utf-8")) if args.info else {}
    plan = build_plan(args, info)
    plan.per_connection = max(1, args.requests_per_connection)
    if args.path:
        plan.scenario, plan.path, plan.expect = args.scenario, args.path, (200, 404)
    pids = args.server_pid or server_pids(plan.port)
    before = server_memory(pids)
    db_name = args.db_name or info.get("db_name")
    db_pids = pids_with_cmdline(f" {db_name} ") if db_name else []
    cpu_before = (cpu_seconds(pids), cpu_seconds(db_pids), time.process_time())
    print(f"{args.scenario}: {args.concurrency} clients for {args.seconds}s "
          f"(+{args.warmup}s warm-up) on {plan.path}; server pids {pids}", file=sys.stderr)
    result = run(plan, concurrency=args.concurrency, seconds=args.seconds, warmup=args.warmup,
                 processes=args.processes, max_requests=args.max_requests,
                 progress=not args.quiet)
    after = server_memory(pids)
    db_pids = pids_with_cmdline(f" {db_name} ") if db_name else []
    handled = max(1, result.sent)  # warm-up included: its CPU is in the samples too
    server_cpu = cpu_seconds(pids)
    cpu = {  # CPU milliseconds per request: what the machine must pay for each one
        "server": cpu_used(cpu_before[0], server_cpu),
        "database": cpu_used(cpu_before[1], cpu_seconds(db_pids)) if db_name else None,
        "load_generator": time.process_time() - cpu_before[2] if args.processes == 1 else None,
    }
    summary = {
        "scenario": args.scenario, "concurrency": args.concurrency,
        "seconds": round(result.elapsed, 2), "path": plan.path.split("?")[0]
        if args.scenario != "list" else plan.path,
        **summarize(result.latencies_ms, errors=result.errors, elapsed=result.elapsed),
        "statuses": result.statuses, "processes": args.processes,
        "requests_per_connection": plan.per_connection,
        "cpu_ms_per_request": {k: round(v * 1000 / handled, 2) if v is not None else None
                               for k, v in cpu.items()},
        "server_cpu_seconds_by_pid": {  # shows how evenly the workers shared the clients
            str(pid): round(t - cpu_before[0].get(pid, 0.0), 2) for pid, t in server_cpu.items()},
        "load_average": os.getloadavg()[0],
        "server_rss_mb_before": before, "server_rss_mb": after,
        "worker_rss_max_mb": max((float(str(m["rss_mb"])) for m in after.values()
                                  if m["worker"]), default=None),
    }
    if result.first_error:
        print(f"first error: {result.first_error}", file=sys.stderr)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
