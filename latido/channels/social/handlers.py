"""Event-pipeline handlers of the social channel."""

from __future__ import annotations

from latido.channels.social.outbound import NOT_AGENT_ROLES, social_reply_create
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent


def send_social_replies(event_ids: list[int]) -> None:
    """An agent's public reply on a social ticket goes to the connector (once per message)."""
    events = (TicketEvent.objects.filter(pk__in=event_ids, type=EventType.REPLY)
              .exclude(actor_role__in=NOT_AGENT_ROLES)  # customers' own messages
              .select_related("message", "ticket").order_by("id"))
    for event in events:
        social_reply_create(event=event)
