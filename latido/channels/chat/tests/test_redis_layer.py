"""Scaled out: visitor and agent on two "workers" joined only by the Redis channel layer.

A private redis-server is started on a free loopback port (Debian's redis-server, which
scripts/test.sh installs); the visitor's consumer uses one layer connection and the agent's
another, as two uvicorn workers on different machines would.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from channels.layers import channel_layers
from channels.testing.websocket import WebsocketCommunicator
from channels_redis.core import RedisChannelLayer

from latido.channels.chat.agent import AgentConsumer
from latido.channels.chat.models import ChatSession, ChatStatus
from latido.tickets.models import Message

from .test_consumers import run, started, until, visitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    server = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/sbin:/usr/bin")
    if server is None:  # no binary, but scripts/test.sh found a Redis answering on 6379
        yield "redis://127.0.0.1:6379/0"
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def two_redis_workers(settings, redis_url) -> Iterator[None]:
    layer = {"BACKEND": "channels_redis.core.RedisChannelLayer",
             "CONFIG": {"hosts": [redis_url], "prefix": f"latido-test-{secrets.token_hex(4)}"}}
    settings.CHANNEL_LAYERS = {"default": layer, "worker2": dict(layer)}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_visitor_and_agent_on_different_workers_chat_through_redis(
        two_redis_workers, widget, world):
    async def scenario() -> None:
        guest = visitor(widget)  # worker 1 ("default" layer)
        chat = await started(guest)
        console = WebsocketCommunicator(
            AgentConsumer.as_asgi(channel_layer_alias="worker2"), "/ws/chat/agent/",
            headers=[(b"host", b"help.example"), (b"origin", b"https://help.example")])
        console.scope["user"] = world.tier1  # worker 2
        assert (await console.connect())[0]
        assert (await until(console, "snapshot"))["waiting"][0]["id"] == chat["chat_id"]
        await console.send_json_to({"type": "accept", "chat_id": chat["chat_id"]})
        assert (await until(guest, "state"))["status"] == "active"
        await guest.send_json_to({"type": "typing", "on": True})
        assert (await until(console, "typing"))["who"] == "visitor"
        await console.send_json_to({"type": "message", "chat_id": chat["chat_id"],
                                    "body": "Hello from the other worker"})
        assert (await until(guest, "line"))["line"]["text"] == "Hello from the other worker"
        await guest.send_json_to({"type": "message", "body": "Got it"})
        assert (await until(console, "line"))["line"]["text"] == "Hello from the other worker"
        assert (await until(console, "line"))["line"]["text"] == "Got it"
        await guest.disconnect()
        await console.disconnect()

    run(scenario)
    # Two separate layer connections: only Redis could carry the messages between them.
    first, second = channel_layers["default"], channel_layers["worker2"]
    assert first is not second
    assert isinstance(first, RedisChannelLayer)
    assert isinstance(second, RedisChannelLayer)
    session = ChatSession.objects.get()
    assert session.status == ChatStatus.ACTIVE
    assert session.agent == world.tier1
    assert list(Message.objects.filter(ticket=session.ticket).order_by("id")
                .values_list("body_text", flat=True)) == [
        "Where is my parcel?", "Hello from the other worker", "Got it"]
