"""Read-only queries of the channels app."""

from __future__ import annotations

from django.db.models import QuerySet

from latido.channels.models import OutboundEmail
from latido.tickets.models import Ticket


def outbound_for_ticket(ticket: Ticket) -> QuerySet[OutboundEmail]:
    """The ticket's outgoing emails, newest first."""
    return OutboundEmail.objects.filter(ticket=ticket).order_by("-created_at", "-id")


def undelivered_for_ticket(ticket: Ticket) -> list[OutboundEmail]:
    """Outgoing emails of the ticket that failed (waiting for a retry or given up)."""
    return list(outbound_for_ticket(ticket).filter(state=OutboundEmail.State.FAILED))
