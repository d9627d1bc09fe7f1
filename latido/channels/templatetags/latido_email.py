"""Template tags of the channels app for other apps' pages (tickets cannot import channels)."""

from __future__ import annotations

from typing import Any

from django import template

from latido.channels.selectors import undelivered_for_ticket
from latido.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("channels/_outbound_notice.html")
def email_delivery_notice(ticket: Ticket) -> dict[str, Any]:
    """A notice for each email reply of the ticket that failed to reach the customer."""
    return {"failures": undelivered_for_ticket(ticket)}
