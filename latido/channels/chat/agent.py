"""The agent console's websocket: the waiting queue, accept, lines, typing, end."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.accounts.selectors import team_ids_for
from latido.channels.chat import selectors, services
from latido.channels.chat.consumers import (
    ALL_GROUP,
    REFUSED,
    ChatConsumer,
    as_chat_id,
    chat_group,
    header,
    team_group,
)
from latido.channels.chat.models import ChatSession, ChatStatus
from latido.core.errors import NotFound


def same_site(scope: dict[str, Any]) -> bool:
    """The console's page is Latido's own: Origin is this host (or a CSRF-trusted origin).

    The session cookie goes with any cross-site websocket, so like Django's CSRF check this
    refuses other sites even where ALLOWED_HOSTS is broad.
    """
    origin = header(scope, b"origin") or ""
    if origin and origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    host = (header(scope, b"host") or "").lower()
    return bool(host) and urlsplit(origin).netloc.lower() == host


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
        if not same_site(self.scope):
            await self.close(code=REFUSED)
            return
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
        for gone in await database_sync_to_async(services.chat_sweep_stale)():
            await self.broadcast(gone.pk, {"type": "chat.state", "status": gone.status,
                                           "left_message": False})
            await self.notify_queue(gone.widget.team_id)
        await self.send_json(await database_sync_to_async(selectors.console_snapshot)(
            agent=user))

    async def do_accept(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(services.chat_accept)(
            chat_id=as_chat_id(content.get("chat_id")), agent=user)
        await self._join(chat_group(session.pk))
        await self.broadcast(session.pk, {"type": "chat.state", "status": ChatStatus.ACTIVE,
                                          "agent_name": user.name})
        await self.notify_queue(session.widget.team_id)

    async def do_message(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(_own_chat)(user, as_chat_id(content.get("chat_id")))
        message = await database_sync_to_async(services.chat_post)(
            session=session, agent=user, body=str(content.get("body") or ""))
        await self.broadcast(session.pk, {"type": "chat.line",
                                          "line": selectors.line_of(message)})

    async def do_typing(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(_own_chat)(user, as_chat_id(content.get("chat_id")))
        await self.broadcast(session.pk, {"type": "chat.typing", "who": "agent",
                                          "name": user.name, "on": bool(content.get("on")),
                                          "sender": self.channel_name})

    async def do_end(self, content: dict[str, Any]) -> None:
        user = await self.me()
        session = await database_sync_to_async(_own_chat)(user, as_chat_id(content.get("chat_id")))
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

