"""Websocket consumers of the live chat: thin — services do the work, groups carry the news.

Groups: `chat.<id>` (the visitor and the accepting agent of one chat), `chat.team.<id>` (the
agents of a team, told when its waiting queue changes) and `chat.all` (agents who see all).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.accounts.selectors import team_ids_for
from latido.channels.chat import selectors, services
from latido.channels.chat.models import ChatSession, ChatStatus, ChatWidget
from latido.core.errors import DomainError, NotFound, ValidationError

ALL_GROUP = "chat.all"
REFUSED = 4403  # close code for a refused handshake or a user who may not chat


def chat_group(chat_id: int) -> str:
    return f"chat.{chat_id}"


def team_group(team_id: int) -> str:
    return f"chat.team.{team_id}"


def language_for(code: str) -> str:
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return str(settings.LANGUAGE_CODE)


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """Shared plumbing: error replies and fan-out to the chat's and the queue's groups."""

    async def reply_error(self, error: DomainError) -> None:
        await self.send_json({"type": "error", "code": error.code, "message": error.message})

    async def broadcast(self, chat_id: int, payload: dict[str, Any]) -> None:
        assert self.channel_layer is not None
        await self.channel_layer.group_send(chat_group(chat_id),
                                            {**payload, "chat_id": chat_id})

    async def notify_queue(self, team_id: int) -> None:
        assert self.channel_layer is not None
        for group in (team_group(team_id), ALL_GROUP):
            await self.channel_layer.group_send(group, {"type": "queue.changed"})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.reply_error(ValidationError(_("Bad message."), code="bad_message"))
            return
        with translation.override(self.language()):
            handler = getattr(self, "do_" + content["type"].replace("-", "_"), None)
            if handler is None:
                await self.reply_error(ValidationError(_("Unknown message type."),
                                                       code="bad_message"))
                return
            try:
                await handler(content)
            except DomainError as error:
                await self.reply_error(error)

    def language(self) -> str:
        """The `lang` of the websocket URL's query, when Latido speaks it."""
        query = parse_qs(bytes(self.scope.get("query_string", b"")).decode("latin-1"))
        return language_for(query.get("lang", [""])[0])


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("This chat does not exist.")) from None


# --- The visitor's side -------------------------------------------------------------------

def _widget(key: str) -> ChatWidget | None:
    return ChatWidget.objects.select_related("team").filter(public_key=key, active=True).first()


def _status(chat_id: int) -> str | None:
    return ChatSession.objects.filter(pk=chat_id).values_list("status", flat=True).first()


def _visitor_view(session: ChatSession) -> dict[str, Any]:
    return {"chat_id": session.pk, "status": session.status,
            "agent_name": session.agent.name if session.agent else "",
            "lines": selectors.transcript(session=session)}


def _start(widget: ChatWidget, origin: str | None, content: dict[str, Any]
           ) -> tuple[ChatSession, str, dict[str, Any]]:
    session, token = services.chat_start(
        widget=widget, origin=origin, name=str(content.get("name") or ""),
        email=str(content.get("email") or ""), message=str(content.get("message") or ""))
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

    async def connect(self) -> None:
        key = self.scope["url_route"]["kwargs"]["key"]
        self.widget = await database_sync_to_async(_widget)(key)
        if self.widget is None or not self.widget.allows_origin(header(self.scope, b"origin")):
            await self.close(code=REFUSED)  # before accept: the handshake gets a 403
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.timer is not None:
            self.timer.cancel()
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
        if session.status == ChatStatus.WAITING:
            remaining = self.widget.wait_timeout_seconds - session.waited_seconds
            self.timer = asyncio.create_task(self._offer_later(max(0, remaining)))
        elif session.status == ChatStatus.ACTIVE:
            await self.broadcast(session.pk, {"type": "chat.presence", "online": True})

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
            self.widget, header(self.scope, b"origin"), content)
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

    async def do_message(self, content: dict[str, Any]) -> None:
        session = await database_sync_to_async(_fresh)(self._session())
        message = await database_sync_to_async(services.chat_post)(
            session=session, body=str(content.get("body") or ""))
        await self.broadcast(session.pk, {"type": "chat.line",
                                          "line": selectors.line_of(message)})

    async def do_typing(self, content: dict[str, Any]) -> None:
        session = self._session()
        await self.broadcast(session.pk, {"type": "chat.typing", "who": "visitor",
                                          "on": bool(content.get("on")),
                                          "sender": self.channel_name})

    async def do_leave_message(self, content: dict[str, Any]) -> None:
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
        await self.send_json({"type": "line", "line": event["line"]})

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "who": event["who"], "on": event["on"],
                                  "name": event.get("name", "")})

    async def chat_state(self, event: dict[str, Any]) -> None:
        if event["status"] != ChatStatus.WAITING and self.timer is not None:
            self.timer.cancel()
        await self.send_json({"type": "state", "status": event["status"],
                              "agent_name": event.get("agent_name", ""),
                              "left_message": event.get("left_message", False)})

    async def chat_presence(self, event: dict[str, Any]) -> None:
        return  # only agents care whether the visitor is still on the page


# --- The agent's side ---------------------------------------------------------------------

def _agent(user_id: int) -> User | None:
    user = User.objects.filter(pk=user_id).first()
    if user is None or selectors.chat_visible_q(user) is None:
        return None
    return user


def _agent_groups(user: User) -> list[str]:
    if user.can(Perm.SEE_ALL):
        groups = [ALL_GROUP]
    else:
        groups = [team_group(t) for t in sorted(team_ids_for(user=user))]
    return groups + [chat_group(s.pk) for s in selectors.active_chats_for(agent=user)]


def _own_chat(user: User, chat_id: int) -> ChatSession:
    session = selectors.chat_for_agent(agent=user, chat_id=chat_id)
    if session is None or session.agent_id != user.pk:
        raise NotFound(_("This chat does not exist."))
    return session


class AgentConsumer(ChatConsumer):
    """/ws/chat/agent/ — a signed-in agent's console (same-site Origin checked by the router)."""

    user_id: int = 0
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        scope_user = self.scope.get("user")
        user = (await database_sync_to_async(_agent)(scope_user.pk)
                if scope_user is not None and scope_user.is_authenticated else None)
        if user is None:
            await self.close(code=REFUSED)
            return
        self.user_id = user.pk
        await self.accept()
        for group in await database_sync_to_async(_agent_groups)(user):
            await self._join(group)
        await self.send_snapshot()

    async def _join(self, group: str) -> None:
        assert self.channel_layer is not None
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)

    async def disconnect(self, code: int) -> None:
        assert self.channel_layer is not None
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def me(self) -> User:
        user = await database_sync_to_async(_agent)(self.user_id)
        if user is None:
            await self.close(code=REFUSED)
            raise NotFound(_("You may not take chats."))
        return user

    async def send_snapshot(self) -> None:
        user = await database_sync_to_async(_agent)(self.user_id)
        if user is None:
            await self.close(code=REFUSED)
            return
        await self.send_json(await database_sync_to_async(selectors.console_snapshot)(
            agent=user))

    async def do_accept(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(services.chat_accept)(
            chat_id=_int(content.get("chat_id")), agent=user)
        await self._join(chat_group(session.pk))
        await self.broadcast(session.pk, {"type": "chat.state", "status": ChatStatus.ACTIVE,
                                          "agent_name": user.name})
        await self.notify_queue(session.widget.team_id)

    async def do_message(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(_own_chat)(user, _int(content.get("chat_id")))
        message = await database_sync_to_async(services.chat_post)(
            session=session, agent=user, body=str(content.get("body") or ""))
        await self.broadcast(session.pk, {"type": "chat.line",
                                          "line": selectors.line_of(message)})

    async def do_typing(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(_own_chat)(user, _int(content.get("chat_id")))
        await self.broadcast(session.pk, {"type": "chat.typing", "who": "agent",
                                          "name": user.name, "on": bool(content.get("on")),
                                          "sender": self.channel_name})

    async def do_end(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(_own_chat)(user, _int(content.get("chat_id")))
        ended = await database_sync_to_async(services.chat_end)(session=session, agent=user)
        await self.broadcast(session.pk, {"type": "chat.state", "status": ended.status})

    # Group events
    async def chat_line(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "line", "chat_id": event["chat_id"],
                              "line": event["line"]})

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "chat_id": event["chat_id"],
                                  "who": event["who"], "on": event["on"]})

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "state", "chat_id": event["chat_id"],
                              "status": event["status"],
                              "left_message": event.get("left_message", False)})
        if event["status"] != ChatStatus.ACTIVE:
            assert self.channel_layer is not None
            group = chat_group(event["chat_id"])
            if group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)
                self.groups_joined.remove(group)
            await self.send_snapshot()

    async def chat_presence(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "presence", "chat_id": event["chat_id"],
                              "online": event["online"]})

    async def queue_changed(self, event: dict[str, Any]) -> None:
        await self.send_snapshot()

