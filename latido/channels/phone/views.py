"""Phone pages for agents: log a call, open a ticket from a call, the incoming-call banner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.channels.phone.forms import CallForm, CallTicketForm, LinkCallForm
from latido.channels.phone.selectors import (
    open_ticket_of_caller,
    screen_pops_for,
    unlinked_call_for,
)
from latido.channels.phone.services import call_create_ticket, call_link, call_log, call_pop_dismiss
from latido.core.errors import DomainError, NotFound
from latido.tickets.models import Ticket
from latido.tickets.page_selectors import sidebar_for
from latido.tickets.selectors import ticket_get_for
from latido.tickets.views.common import actor_of, agent_required, see_other


def contact_url(contact_id: int) -> str:
    """The agent's customer record page (tickets:contact), by path if that page is not there."""
    try:
        return reverse("tickets:contact", args=[contact_id])
    except NoReverseMatch:
        return f"/agent/contacts/{contact_id}/"


def ticket_url(ticket: Ticket) -> str:
    return reverse("tickets:ticket", args=[ticket.reference])


def _worker(request: HttpRequest) -> User:
    """Only agents log calls: collaborators and customers get a 404."""
    user = actor_of(request)
    if not user.can(Perm.TICKET_WORK):
        raise Http404
    return user


def _ticket(user: User, ref: str) -> Ticket:
    try:
        return ticket_get_for(actor=user, ticket_id=ref)
    except NotFound as exc:
        raise Http404 from exc


def _failed(form: Any, exc: DomainError) -> None:
    form.add_error(None, exc.message)


def call_form_initial(ticket: Ticket) -> dict[str, Any]:
    """The requester's first phone number prefilled."""
    phones = sorted(i.value for i in ticket.requester.identities.all() if i.kind == "phone")
    return {"number": phones[0] if phones else ""}


@agent_required
@require_http_methods(["GET", "POST"])
def log_call(request: HttpRequest, ref: str) -> HttpResponse:
    user = _worker(request)
    ticket = _ticket(user, ref)
    form = CallForm(request.POST or None, initial=call_form_initial(ticket))
    if request.method == "POST" and form.is_valid():
        try:
            call_log(actor=user, ticket=ticket, details=form.details())
        except DomainError as exc:
            _failed(form, exc)
        else:
            messages.success(request, _("Call logged."))
            return see_other(ticket_url(ticket) + "#calls")
    status = 400 if form.is_bound else 200
    return render(request, "phone/log_call.html", {
        "ticket": ticket, "form": form, "sidebar": sidebar_for(actor=user)}, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def new_ticket(request: HttpRequest) -> HttpResponse:
    user = _worker(request)
    call = None
    call_id = request.GET.get("call", "")
    if call_id:
        try:
            call = unlinked_call_for(actor=user, call_id=int(call_id))
        except (ValueError, NotFound) as exc:
            raise Http404 from exc
    initial: dict[str, Any] = {}
    if call is not None:
        initial = {"number": call.number, "direction": call.direction,
                   "caller_name": call.contact.name if call.contact else call.caller_name,
                   "duration_minutes": call.duration_seconds // 60,
                   "duration_seconds": call.duration_seconds % 60}
    form = CallTicketForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = call_create_ticket(actor=user, details=form.details(), subject=data["subject"],
                                      description=data.get("description") or "", call=call)
        except DomainError as exc:
            _failed(form, exc)
        else:
            assert done.ticket is not None
            messages.success(request, _("Ticket %(ref)s created from the call.") % {
                "ref": done.ticket.reference})
            return see_other(ticket_url(done.ticket))
    status = 400 if form.is_bound else 200
    return render(request, "phone/new_ticket.html", {
        "form": form, "call": call, "sidebar": sidebar_for(actor=user), "kind": "phone"},
        status=status)


@agent_required
@require_POST
def link_call(request: HttpRequest, ref: str, call_id: int) -> HttpResponse:
    user = _worker(request)
    ticket = _ticket(user, ref)
    try:
        call = unlinked_call_for(actor=user, call_id=call_id)
    except NotFound as exc:
        raise Http404 from exc
    form = LinkCallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The call could not be linked: check the outcome and notes."))
        return see_other(ticket_url(ticket) + "#calls")
    try:
        call_link(actor=user, call=call, ticket=ticket, outcome=form.cleaned_data["outcome"],
                  notes=form.cleaned_data["notes"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Call linked to this ticket."))
    return see_other(ticket_url(ticket) + "#calls")


# htmx stops polling on this status: a signed-out tab gets no sign-in page in its banner.
STOP_POLLING = 286


@require_GET
def screen_pop(request: HttpRequest) -> HttpResponseBase:
    """The incoming-call banner, polled by the agent pages."""
    if not request.user.is_authenticated:
        return HttpResponse(status=STOP_POLLING)
    return _agent_screen_pop(request)


@agent_required
def _agent_screen_pop(request: HttpRequest) -> HttpResponse:
    return _pops_response(request, actor_of(request))


@agent_required
@require_POST
def screen_pop_dismiss(request: HttpRequest, call_id: int) -> HttpResponse:
    user = actor_of(request)
    try:
        call_pop_dismiss(actor=user, call_id=call_id)
    except NotFound as exc:
        raise Http404 from exc
    if not getattr(request, "htmx", False):
        return see_other(reverse("tickets:queue"))
    return _pops_response(request, user)


def _pops_response(request: HttpRequest, user: User) -> HttpResponse:
    pops = [{"call": call,
             "contact_url": contact_url(call.contact_id) if call.contact_id else "",
             "open_ticket": call.ticket or open_ticket_of_caller(actor=user, call=call)}
            for call in screen_pops_for(actor=user)]
    response = render(request, "phone/_screen_pop.html", {"pops": pops})
    response["Cache-Control"] = "no-store"
    return response
