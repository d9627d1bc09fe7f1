"""Template tags of the phone channel for the agent pages (tickets cannot import channels)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.channels.phone.forms import CallForm, LinkCallForm
from latido.channels.phone.selectors import ticket_call_panel
from latido.channels.phone.views import call_form_initial
from latido.tickets.access import can_see_internal
from latido.tickets.models import Ticket

register = template.Library()


@register.filter
def call_duration(seconds: int | None) -> str:
    """`75` → "1 min 15 s"."""
    minutes, secs = divmod(int(seconds or 0), 60)
    if minutes == 0:
        return _("%(s)d s") % {"s": secs}
    return _("%(m)d min %(s)d s") % {"m": minutes, "s": secs}


def _user(context: template.Context) -> User | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


@register.inclusion_tag("phone/_ticket_calls.html", takes_context=True)
def phone_calls(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    """The ticket's calls, and for agents the "Log a call" form and calls to link here.

    `ticket` is the page's ticket, already loaded through the access rule for this user.
    """
    user = _user(context)
    if user is None or not can_see_internal(user):
        return {"show": False}
    works = user.can(Perm.TICKET_WORK)
    calls, unlinked = ticket_call_panel(ticket=ticket)
    if works:
        # Shared with the requester's email on the page's side panel: one query for both.
        prefetch_related_objects([ticket.requester], "identities")
    return {
        "show": True, "ticket": ticket, "calls": calls,
        "form": CallForm(initial=call_form_initial(ticket)) if works else None,
        "unlinked": unlinked if user.is_agent and works else [],
        "link_form": LinkCallForm(auto_id=False) if works else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("phone/_pop_poller.html", takes_context=True)
def phone_screen_pop(context: template.Context) -> dict[str, Any]:
    """A placeholder that polls for incoming-call banners (agents only)."""
    user = _user(context)
    return {"enabled": user is not None and user.can(Perm.TICKET_WORK)}
