"""Reads of the phone channel; every read by a person goes through the ticket access rule."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.channels.phone.models import Call
from latido.core.errors import NotFound
from latido.tickets.access import can_see_internal, require_visible
from latido.tickets.enums import UNSOLVED
from latido.tickets.models import Ticket
from latido.tickets.selectors import visible_tickets

# A banner of a call the telephony system never reported as over disappears after this.
POP_MAX_AGE = timedelta(hours=2)
UNLINKED_LIMIT = 10


def calls_for_ticket(*, actor: User, ticket: Ticket) -> QuerySet[Call]:
    """The ticket's calls; customers never see calls (NotFound like any hidden thing)."""
    require_visible(actor, ticket.pk)
    if not can_see_internal(actor):
        raise NotFound(_("Call not found."))
    return Call.objects.filter(ticket=ticket).select_related("agent").order_by(
        "-started_at", "-id")


def ticket_call_panel(*, ticket: Ticket) -> tuple[list[Call], list[Call]]:
    """For the agent ticket page (the ticket already loaded through the access rule): the
    ticket's calls, and its requester's reported calls on no ticket yet, in one query."""
    rows = list(
        Call.objects.filter(Q(ticket=ticket) | Q(contact_id=ticket.requester_id,
                                                 ticket__isnull=True))
        .select_related("agent").order_by("-started_at", "-id")
    )
    calls = [c for c in rows if c.ticket_id == ticket.pk]
    unlinked = [c for c in rows if c.ticket_id is None][:UNLINKED_LIMIT]
    return calls, unlinked


def unlinked_call_for(*, actor: User, call_id: int) -> Call:
    """A reported call on no ticket yet, for an agent to open a ticket from or link."""
    call = (Call.objects.select_related("contact", "agent")
            .filter(pk=call_id, ticket__isnull=True).first() if actor.is_agent else None)
    if call is None:
        raise NotFound(_("Call not found."))
    return call


def screen_pops_for(*, actor: User) -> list[Call]:
    """Live calls the telephony system routed to this agent, newest first."""
    if not actor.is_agent:
        return []
    since = timezone.now() - POP_MAX_AGE
    return list(
        Call.objects.filter(agent=actor, state__in=[Call.State.RINGING, Call.State.ANSWERED],
                            pop_dismissed_at__isnull=True, started_at__gte=since)
        .select_related("contact", "ticket").order_by("-started_at", "-id")[:3]
    )



def open_ticket_of_caller(*, actor: User, call: Call) -> Ticket | None:
    """The caller's most recently updated open ticket that this agent may see."""
    if call.contact_id is None:
        return None
    return (visible_tickets(actor=actor)
            .filter(requester_id=call.contact_id, status__in=UNSOLVED, merged_into__isnull=True)
            .order_by("-updated_at", "-id").first())
