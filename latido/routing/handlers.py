"""Event-pipeline handlers of routing."""

from __future__ import annotations

import logging

from django.db import transaction

from latido.core import pipeline
from latido.routing.services import ticket_auto_assign, tickets_auto_assign
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent

logger = logging.getLogger(__name__)


def auto_assign(event_ids: list[int]) -> None:
    """New tickets and escalations land in a queue; queues set to auto-assign pick an agent.

    All the run's tickets are assigned together (``tickets_auto_assign``); if that fails,
    each ticket is assigned on its own under a savepoint, so one failing assignment does not
    undo the others, and the first failure is raised after the others commit. One follow-up
    pipeline job for the whole run either way.
    """
    ticket_ids = list(
        TicketEvent.objects.filter(
            pk__in=event_ids, type__in=[EventType.CREATED, EventType.ESCALATED,
                                        EventType.DEESCALATED]
        )
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    if not ticket_ids:
        return
    try:
        with transaction.atomic(), pipeline.batched():
            tickets_auto_assign(ticket_ids=ticket_ids)
        return
    except Exception:
        logger.warning("auto-assign of %d tickets together failed; one by one",
                       len(ticket_ids), exc_info=True)
    failure: Exception | None = None
    with transaction.atomic(), pipeline.batched():
        for ticket_id in ticket_ids:
            try:
                with transaction.atomic(), pipeline.batched():
                    ticket_auto_assign(ticket_id=ticket_id)
            except Exception as exc:
                logger.exception("auto-assign of %s failed", ticket_id)
                failure = failure or exc
    if failure is not None:
        raise failure
