"""Read-only queries of the social channel."""

from __future__ import annotations

from latido.channels.social.models import SocialMessage
from latido.tickets.models import Ticket


def undelivered_replies(ticket: Ticket) -> list[SocialMessage]:
    """Outgoing social replies of the ticket that failed (waiting for a retry or given up)."""
    return list(SocialMessage.objects.filter(
        ticket=ticket, direction=SocialMessage.Direction.OUTBOUND,
        state=SocialMessage.State.FAILED,
    ).select_related("account").order_by("-created_at", "-id"))
