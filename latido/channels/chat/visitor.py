"""The visitor's websocket: start or resume a chat, lines, typing, leave a message."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from latido.channels.chat import selectors, services
from latido.channels.chat.consumers import REFUSED, ChatConsumer, chat_group, header
from latido.channels.chat.models import ChatSession, ChatStatus, ChatWidget
from latido.core.errors import ValidationError

# A visitor sends at most LINES_PER_WINDOW lines in LINE_WINDOW seconds.
LINES_PER_WINDOW = 20
LINE_WINDOW = 30.0
HEARTBEAT_SECONDS = 20.0
# Replies written elsewhere (an agent on the ticket page) reach the widget within this time.
POLL_SECONDS = 5.0

def client_ip(scope: dict[str, Any]) -> str | None:
    """The visitor's address; behind LATIDO_TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For."""
    proxies = int(getattr(settings, "LATIDO_TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = [part.strip() for part in (header(scope, b"x-forwarded-for") or "").split(",")
                 if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    client = scope.get("client") or (None,)
    return client[0]


def _widget(key: str) -> ChatWidget | None:
    return ChatWidget.objects.select_related("team").filter(public_key=key, active=True).first()


def _status(chat_id: int) -> str | None:
    return ChatSession.objects.filter(pk=chat_id).values_list("status", flat=True).first()


def _visitor_view(session: ChatSession) -> dict[str, Any]:
    return {"chat_id": session.pk, "status": session.status,
            "left_message": session.left_message,
            "agent_name": session.agent.name if session.agent else "",
            "lines": selectors.transcript(session=session)}


def _start(widget: ChatWidget, origin: str | None, ip: str | None, content: dict[str, Any]
           ) -> tuple[ChatSession, str, dict[str, Any]]:
    session, token = services.chat_start(
        widget=widget, origin=origin, name=str(content.get("name") or ""),
        email=str(content.get("email") or ""), message=str(content.get("message") or ""),
        ip=ip)
    return session, token, _visitor_view(session)


def _resume(widget: ChatWidget, token: str) -> tuple[ChatSession, dict[str, Any]]:
    session = services.chat_for_visitor(widget=widget, token=token)
    return session, _visitor_view(session)


def _fresh(session: ChatSession) -> ChatSession:
    return (ChatSession.objects.select_related("ticket", "contact", "agent", "widget")
            .get(pk=session.pk))


class VisitorConsumer(ChatConsumer):
    """/ws/chat/visitor/<key>/ — a visitor on a site listed in the widget's allowed origins."""

    widget: ChatWidget | None = None
    session: ChatSession | None = None
    timer: asyncio.Task[None] | None = None
    heartbeat: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.recent_lines: deque[float] = deque(maxlen=LINES_PER_WINDOW)
        self.last_typing = 0.0
        self.sent_ids: set[int] = set()
        key = self.scope["url_route"]["kwargs"]["key"]
        self.widget = await database_sync_to_async(_widget)(key)
        if self.widget is None or not self.widget.allows_origin(header(self.scope, b"origin")):
            await self.close(code=REFUSED)  # before accept: the handshake gets a 403
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for task in (self.timer, self.heartbeat):
            if task is not None:
                task.cancel()
        session = self.session
        if session is None:
            return
        assert self.channel_layer is not None
        await self.channel_layer.group_discard(chat_group(session.pk), self.channel_name)
        status = await database_sync_to_async(_status)(session.pk)
        if status == ChatStatus.WAITING:
            await database_sync_to_async(services.chat_abandon)(session=session)
            await self.broadcast(session.pk, {"type": "chat.state", "status":
                                              ChatStatus.ABANDONED, "left_message": False})
            await self.notify_queue(session.widget.team_id)
        elif status == ChatStatus.ACTIVE:
            await self.broadcast(session.pk, {"type": "chat.presence", "online": False})

    async def _joined(self, session: ChatSession, view: dict[str, Any], token: str = "") -> None:
        assert self.channel_layer is not None
        assert self.widget is not None
        self.session = session
        if session.status in (ChatStatus.WAITING, ChatStatus.ACTIVE):
            await self.channel_layer.group_add(chat_group(session.pk), self.channel_name)
        await self.send_json({"type": "started", "token": token, **view})
        self.sent_ids = {int(line["id"]) for line in view["lines"]}
        if session.status in (ChatStatus.WAITING, ChatStatus.ACTIVE):
            self.heartbeat = asyncio.create_task(self._beat(session))
        if session.status == ChatStatus.WAITING:
            remaining = self.widget.wait_timeout_seconds - session.waited_seconds
            self.timer = asyncio.create_task(self._offer_later(max(0, remaining)))
        elif session.status == ChatStatus.ACTIVE:
            await self.broadcast(session.pk, {"type": "chat.presence", "online": True})

    async def _beat(self, session: ChatSession) -> None:
        """Keep the chat marked as seen, and pass on public replies written outside the chat."""
        await database_sync_to_async(services.chat_seen)(session=session)
        last_seen = time.monotonic()
        while True:
            await asyncio.sleep(POLL_SECONDS)
            # Every line the widget lacks, whatever the order its transaction committed in.
            for line in await database_sync_to_async(selectors.transcript)(
                    session=session, skip=self.sent_ids):
                await self.send_line(line)
            if time.monotonic() - last_seen >= HEARTBEAT_SECONDS:
                await database_sync_to_async(services.chat_seen)(session=session)
                last_seen = time.monotonic()

    async def send_line(self, line: dict[str, Any]) -> None:
        if int(line["id"]) in self.sent_ids:
            return  # already sent (by the poll, or in the transcript of "started")
        self.sent_ids.add(int(line["id"]))
        await self.send_json({"type": "line", "line": line})

    async def _offer_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.session is not None and (
                await database_sync_to_async(_status)(self.session.pk) == ChatStatus.WAITING):
            await self.send_json({"type": "offer_message"})

    async def do_start(self, content: dict[str, Any]) -> None:
        assert self.widget is not None
        if self.session is not None:
            raise ValidationError(_("This chat has already started."), code="already_started")
        session, token, view = await database_sync_to_async(_start)(
            self.widget, header(self.scope, b"origin"), client_ip(self.scope), content)
        await self._joined(session, view, token)
        await self.notify_queue(self.widget.team_id)

    async def do_resume(self, content: dict[str, Any]) -> None:
        assert self.widget is not None
        if self.session is not None:
            raise ValidationError(_("This chat has already started."), code="already_started")
        session, view = await database_sync_to_async(_resume)(
            self.widget, str(content.get("token") or ""))
        await self._joined(session, view, str(content.get("token")))

    def _session(self) -> ChatSession:
        if self.session is None:
            raise ValidationError(_("Start a chat first."), code="not_started")
        return self.session

    def _throttle(self) -> None:
        now = time.monotonic()
        if (len(self.recent_lines) == LINES_PER_WINDOW
                and now - self.recent_lines[0] < LINE_WINDOW):
            raise services.RateLimited(_("You are sending messages too fast. Please wait a "
                                         "moment."))
        self.recent_lines.append(now)

    async def do_message(self, content: dict[str, Any]) -> None:
        self._throttle()
        session = await database_sync_to_async(_fresh)(self._session())
        message = await database_sync_to_async(services.chat_post)(
            session=session, body=str(content.get("body") or ""))
        await self.broadcast(session.pk, {"type": "chat.line",
                                          "line": selectors.line_of(message)})

    async def do_typing(self, content: dict[str, Any]) -> None:
        session = self._session()
        now = time.monotonic()
        if content.get("on") and now - self.last_typing < 1.0:
            return  # a typing indicator needs no more than one relay a second
        self.last_typing = now if content.get("on") else 0.0
        await self.broadcast(session.pk, {"type": "chat.typing", "who": "visitor",
                                          "on": bool(content.get("on")),
                                          "sender": self.channel_name})

    async def do_leave_message(self, content: dict[str, Any]) -> None:
        self._throttle()
        session = await database_sync_to_async(_fresh)(self._session())
        await database_sync_to_async(services.chat_leave_message)(
            session=session, body=str(content.get("body") or ""))
        if self.timer is not None:
            self.timer.cancel()
        await self.broadcast(session.pk, {"type": "chat.state", "status": ChatStatus.ABANDONED,
                                          "left_message": True})
        await self.notify_queue(session.widget.team_id)

    async def do_end(self, content: dict[str, Any]) -> None:
        session = await database_sync_to_async(_fresh)(self._session())
        ended = await database_sync_to_async(services.chat_end)(session=session)
        await self.broadcast(session.pk, {"type": "chat.state", "status": ended.status,
                                          "left_message": ended.left_message})
        await self.notify_queue(session.widget.team_id)

    # Group events
    async def chat_line(self, event: dict[str, Any]) -> None:
        await self.send_line(event["line"])

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "who": event["who"], "on": event["on"],
                                  "name": event.get("name", "")})

    async def chat_state(self, event: dict[str, Any]) -> None:
        if event["status"] != ChatStatus.WAITING and self.timer is not None:
            self.timer.cancel()
        if event["status"] in (ChatStatus.ENDED, ChatStatus.ABANDONED) and self.heartbeat:
            self.heartbeat.cancel()  # the chat is over: nothing more to pass on or keep alive
        await self.send_json({"type": "state", "status": event["status"],
                              "agent_name": event.get("agent_name", ""),
                              "left_message": event.get("left_message", False)})

    async def chat_presence(self, event: dict[str, Any]) -> None:
        return  # only agents care whether the visitor is still on the page


