"""A tiny OAuth2 authorization server on loopback for the XOAUTH2 tests.

``POST /token`` takes ``grant_type=refresh_token`` and issues a new access token (``at-1``,
``at-2``, …); ``POST /introspect`` answers dovecot's token introspection (RFC 7662 shape:
``{"active": true, "username": …}``) for the tokens it issued and has not revoked.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

CLIENT_ID = "latido-imap"
CLIENT_SECRET = "client-secret-value"
REFRESH_TOKEN = "refresh-token-value"


@dataclass
class AuthState:
    username: str
    lifetime: int = 3600
    issued: list[str] = field(default_factory=list)
    active: set[str] = field(default_factory=set)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    introspections: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.lifetime = 3600
            self.issued.clear()
            self.active.clear()
            self.token_requests.clear()
            self.introspections.clear()

    def revoke_all(self) -> None:
        with self.lock:
            self.active.clear()


def _handler(state: AuthState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            return {k: v[0] for k, v in parse_qs(raw).items()}

        def _json(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            form = self._form()
            if self.path == "/token":
                self._token(form)
            elif self.path == "/introspect":
                token = form.get("token", "")
                with state.lock:
                    state.introspections.append(token)
                    active = token in state.active
                self._json(200, {"active": True, "username": state.username} if active
                           else {"active": False})
            else:
                self._json(404, {"error": "not_found"})

        def _token(self, form: dict[str, str]) -> None:
            with state.lock:
                state.token_requests.append(form)
            if (form.get("grant_type") != "refresh_token" or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET):
                self._json(401, {"error": "invalid_client"})
                return
            if form.get("refresh_token") != REFRESH_TOKEN:
                self._json(400, {"error": "invalid_grant",
                                 "error_description": "The refresh token is not valid."})
                return
            with state.lock:
                token = f"at-{len(state.issued) + 1}"
                state.issued.append(token)
                state.active.add(token)
                lifetime = state.lifetime
            self._json(200, {"access_token": token, "token_type": "Bearer",
                             "expires_in": lifetime, "scope": form.get("scope", "")})

    return Handler


@dataclass
class AuthServer:
    state: AuthState
    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_auth_server(username: str) -> AuthServer:
    state = AuthState(username=username)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return AuthServer(state=state, server=server, thread=thread)
