"""Background work of the live chat."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django_tasks import task

from latido.channels.chat import services
from latido.channels.chat.consumers import ALL_GROUP, chat_group, team_group

logger = logging.getLogger(__name__)


@task()
def sweep_stale_chats() -> list[int]:
    """Close chats whose visitor is gone, even when no agent console is open to notice.

    The agents' consoles also sweep when they connect; this periodic job makes sure a chat
    never waits (or holds an agent's capacity) forever. Each closed chat is announced to its
    chat and queue groups, as the console does. Returns the ids of the chats it closed.
    """
    gone = services.chat_sweep_stale()
    layer = get_channel_layer()
    for session in gone:
        if layer is None:
            break
        try:
            async_to_sync(layer.group_send)(chat_group(session.pk), {
                "type": "chat.state", "status": session.status, "left_message": False,
                "chat_id": session.pk})
            for group in (team_group(session.widget.team_id), ALL_GROUP):
                async_to_sync(layer.group_send)(group, {"type": "queue.changed"})
        except Exception:  # the chat is closed either way; a console resyncs on reconnect
            logger.exception("could not announce the close of chat %s", session.pk)
    return [session.pk for session in gone]
