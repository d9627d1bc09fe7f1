"""Template tags of the social channel for the agent ticket page (tickets cannot import it)."""

from __future__ import annotations

from typing import Any

from django import template

from latido.channels.social.selectors import undelivered_replies
from latido.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("social/_delivery_notice.html")
def social_delivery_notice(ticket: Ticket) -> dict[str, Any]:
    """A notice for each social reply of the ticket that failed to reach the customer."""
    return {"failures": undelivered_replies(ticket)}
