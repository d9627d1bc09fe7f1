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


@register.inclusion_tag("channels/_email_cc.html", takes_context=True)
def email_cc_panel(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    """The ticket's CC list, with a form for agents who may reply.

    Only on tickets that came in by email: other pages pay no query for it.
    """
    from latido.accounts.models import User
    from latido.accounts.roles import Perm
    from latido.channels.email.cc import ticket_cc_addresses
    from latido.tickets.enums import Channel

    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or user.is_customer or ticket.channel != Channel.EMAIL:
        return {"show": False}
    addresses = ticket_cc_addresses(ticket)
    return {"show": True, "ticket": ticket, "addresses": addresses,
            "can_edit": user.can(Perm.TICKET_REPLY), "value": ", ".join(addresses),
            "csrf_token": context.get("csrf_token")}
