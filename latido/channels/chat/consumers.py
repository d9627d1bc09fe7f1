"""Websocket consumers of the live chat: thin — services do the work, groups carry the news.

Groups: `chat.<id>` (the visitor and the accepting agent of one chat), `chat.team.<id>` (the
agents of a team, told when its waiting queue changes) and `chat.all` (agents who see all).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

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


def as_chat_id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("This chat does not exist.")) from None
