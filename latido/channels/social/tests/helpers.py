"""Test support for the social channel: a real connector on loopback and a signed poster."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.test import Client

from latido.channels.signing import sign, verify

INBOUND_SECRET = "inbound-secret-for-tests"
OUTBOUND_SECRET = "outbound-secret-for-tests"
INBOUND_ENV = "LATIDO_TEST_SOCIAL_IN"
OUTBOUND_ENV = "LATIDO_TEST_SOCIAL_OUT"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    def signature_valid(self, secret: str = OUTBOUND_SECRET) -> bool:
        try:
            verify(secret, self.headers.get("X-Latido-Timestamp"),
                   self.headers.get("X-Latido-Signature"), self.body)
        except Exception:  # noqa: BLE001 - any refusal means "not valid"
            return False
        return True


@dataclass
class Connector:
    """An HTTP server on 127.0.0.1 that records every POST and answers scripted statuses."""

    statuses: list[int] = field(default_factory=list)  # consumed in order, then 200
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/latido/replies"

    def start(self) -> None:
        connector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                connector.received.append(Received(
                    path=self.path, headers=dict(self.headers.items()),
                    body=self.rfile.read(length)))
                status = connector.statuses.pop(0) if connector.statuses else 200
                payload = b'{"ok": true}' if status < 300 else b"connector is down"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def message(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "platform": "whatsapp", "account": "+34900100200", "handle": "+34600111222",
        "display_name": "Lucía Pérez", "message_id": "wamid.1", "thread_id": "conv-1",
        "text": "My order 1001 has not arrived.\nCan you check?",
        "sent_at": "2026-11-22T10:00:00+00:00", "attachments": [],
    }
    data.update(overrides)
    return data


def post(account_id: int, payload: dict[str, Any] | bytes, *, secret: str = INBOUND_SECRET,
         timestamp: str | None = None, signature: str | None = None, headers: bool = True,
         content_type: str = "application/json") -> Any:
    """POST to the inbound webhook through Django's test client, signed like a connector."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    stamp = str(int(time.time())) if timestamp is None else timestamp
    extra = {}
    if headers:
        extra = {"HTTP_X_LATIDO_TIMESTAMP": stamp,
                 "HTTP_X_LATIDO_SIGNATURE": signature or sign(secret, stamp, body)}
    return Client().post(f"/api/v1/channels/social/inbound/{account_id}", data=body,
                         content_type=content_type, **extra)
