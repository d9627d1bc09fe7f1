"""Event-pipeline handlers of the channels app."""

from __future__ import annotations

from latido.channels.email.outbound import NOT_AGENT_ROLES, outbound_create
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent


def send_email_replies(event_ids: list[int]) -> None:
    """An agent's public reply on an email ticket is mailed to the requester (once per event)."""
    events = (TicketEvent.objects.filter(pk__in=event_ids, type=EventType.REPLY)
              .exclude(actor_role__in=NOT_AGENT_ROLES)  # customers' own mail
              .select_related("message", "ticket__requester").order_by("id"))
    for event in events:
        outbound_create(event=event)
