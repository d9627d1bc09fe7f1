"""Outgoing email whose sending attempt never finished: the worker died while sending it.

Claiming a row for sending sets its state to "sending" and ``next_attempt_at`` to the
attempt's deadline (claim time + ``SENDING_TIMEOUT``). A row still "sending" after its deadline
belongs to a worker that died (``kill -9``, out of memory, lost host) before, during or after
the SMTP server accepted the message; nothing tells which. It is never sent again
automatically: each email goes out at most once, and a resend with the same Message-ID is
de-duplicated by few receiving servers, so the customer would likely see it twice. The row
becomes "failed" with no further attempt, its error says the outcome is unknown (shown on the
agent's ticket page with the other undelivered emails), and an internal note asks the agent
to check with the customer before sending it again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.channels.models import OutboundEmail
from latido.tickets.services import ticket_note

logger = logging.getLogger(__name__)

# Far longer than any SMTP conversation (Django's backend has no timeout by default, but a
# server that accepted nothing within this time has dropped the connection long ago).
SENDING_TIMEOUT = timedelta(minutes=15)


def sending_deadline() -> object:
    """What a claim stores in ``next_attempt_at``: when the attempt counts as lost."""
    return timezone.now() + SENDING_TIMEOUT


def stuck_sending() -> QuerySet[OutboundEmail]:
    """Rows still "sending" after their deadline (or, claimed before deadlines were kept,
    created longer ago than the timeout)."""
    now = timezone.now()
    return OutboundEmail.objects.filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - SENDING_TIMEOUT),
        state=OutboundEmail.State.SENDING,
    ).order_by("id")


def outbound_give_up_stuck(*, limit: int = 500) -> int:
    """Mark lost sending attempts failed (outcome unknown) and note them on their tickets."""
    given_up = 0
    for row in stuck_sending().select_related("ticket")[:limit]:
        error = _("Delivery unknown: the worker stopped while handing this email to the mail "
                  "server, so it may or may not have arrived. It is not sent again "
                  "automatically; check with the recipient before sending it again.")
        with transaction.atomic():
            # Conditional: a worker that was only slow and finished meanwhile wins.
            changed = OutboundEmail.objects.filter(
                pk=row.pk, state=OutboundEmail.State.SENDING,
                next_attempt_at=row.next_attempt_at,
            ).update(state=OutboundEmail.State.FAILED, attempts=F("attempts") + 1,
                     next_attempt_at=None, last_error=error)
            if not changed:
                continue
            ticket_note(ticket=row.ticket, actor=None, body=_(
                "The email to %(to)s (subject \"%(subject)s\") may not have been delivered: "
                "the worker sending it stopped midway. It was not sent again automatically; "
                "check with the recipient before sending it again."
            ) % {"to": row.to_address, "subject": row.subject})
        logger.warning("outgoing email %s: sending attempt lost, marked failed", row.pk)
        given_up += 1
    return given_up
