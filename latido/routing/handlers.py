"""Event-pipeline handlers of routing."""

from __future__ import annotations

from latido.routing.services import ticket_auto_assign
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent


def auto_assign(event_ids: list[int]) -> None:
    """New tickets and escalations land in a queue; queues set to auto-assign pick an agent."""
    ticket_ids = (
        TicketEvent.objects.filter(
            pk__in=event_ids, type__in=[EventType.CREATED, EventType.ESCALATED,
                                        EventType.DEESCALATED]
        )
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    for ticket_id in ticket_ids:
        ticket_auto_assign(ticket_id=ticket_id)
