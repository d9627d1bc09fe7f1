"""Event-pipeline handlers of routing."""

from __future__ import annotations

import logging

from django.db import transaction

from latido.core import pipeline
from latido.routing.services import ticket_auto_assign
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent

logger = logging.getLogger(__name__)


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
    # One transaction and one follow-up pipeline job for the whole run (not one per ticket);
    # a savepoint per ticket, so one failing assignment does not undo the others. The first
    # failure is raised after the others commit.
    failure: Exception | None = None
    with transaction.atomic(), pipeline.batched():
        for ticket_id in list(ticket_ids):
            try:
                with transaction.atomic(), pipeline.batched():
                    ticket_auto_assign(ticket_id=ticket_id)
            except Exception as exc:
                logger.exception("auto-assign of %s failed", ticket_id)
                failure = failure or exc
    if failure is not None:
        raise failure
