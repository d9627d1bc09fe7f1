"""The customer portal: my requests, a new request, one request with its public conversation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core.errors import DomainError, NotFound
from latido.portal.forms import ListFilterForm, PortalReplyForm, RequestForm
from latido.portal.services import portal_request_create
from latido.tickets.enums import SOLVED_STATES, UNSOLVED, Channel
from latido.tickets.models import Ticket
from latido.tickets.presentation import present_timeline
from latido.tickets.selectors import (
    TicketFilters,
    attachment_get_for,
    ticket_get_for,
    ticket_list,
    ticket_timeline_for,
)
from latido.tickets.services import ticket_reply
from latido.tickets.views.common import attachment_response, see_other

PAGE_SIZE = 20
View = Callable[..., HttpResponseBase]


def _customer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.can(Perm.PORTAL):
        raise Http404
    return user


def customer_required(view: View) -> View:
    """Anonymous visitors go to sign in; staff get a 404 (the portal is for customers)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _customer(request)
        return view(request, *args, **kwargs)

    return wrapper


def _ticket_url(ticket: Ticket) -> str:
    return reverse("portal:ticket", args=[ticket.reference])


@customer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    form = ListFilterForm(request.GET)
    page, error, status = None, "", 200
    if form.is_valid():
        show = form.cleaned_data.get("show")
        statuses = {"open": [str(s) for s in UNSOLVED],
                    "solved": [str(s) for s in SOLVED_STATES]}.get(show or "")
        try:
            page = ticket_list(actor=user, filters=TicketFilters(status=statuses),
                               cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
        except DomainError as err:
            error, status = err.message, err.http_status
    else:
        error, status = _("This filter is not valid."), 400
    return render(request, "portal/list.html", {"form": form, "page": page, "error": error},
                  status=status)


@customer_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    if request.method != "POST":
        return render(request, "portal/new.html", {"form": RequestForm()})
    form = RequestForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "portal/new.html", {"form": form}, status=400)
    try:
        ticket = portal_request_create(
            actor=user, subject=form.cleaned_data["subject"],
            description=form.cleaned_data["description"],
            attachments=form.cleaned_data["attachments"],
        )
    except DomainError as err:
        form.add_error(None, err.message)
        return render(request, "portal/new.html", {"form": form}, status=err.http_status)
    messages.success(request, _("Thank you. Your request %(ref)s was received.")
                     % {"ref": ticket.reference})
    return see_other(_ticket_url(ticket))


def _load(request: HttpRequest, ref: str) -> tuple[User, Ticket]:
    user = _customer(request)
    try:
        return user, ticket_get_for(actor=user, ticket_id=ref)
    except NotFound as exc:
        raise Http404 from exc


def _render_ticket(request: HttpRequest, user: User, ticket: Ticket, *,
                   form: PortalReplyForm | None = None, status: int = 200) -> HttpResponse:
    context = {
        "ticket": ticket, "form": form or PortalReplyForm(),
        "timeline": present_timeline(ticket_timeline_for(actor=user, ticket=ticket)),
        "attachment_url": "portal:attachment",
    }
    return render(request, "portal/ticket.html", context, status=status)


@customer_required
@require_GET
def ticket_page(request: HttpRequest, ref: str) -> HttpResponse:
    user, ticket = _load(request, ref)
    return _render_ticket(request, user, ticket)


@customer_required
@require_POST
def ticket_reply_view(request: HttpRequest, ref: str) -> HttpResponse:
    user, ticket = _load(request, ref)
    form = PortalReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_ticket(request, user, ticket, form=form, status=400)
    try:
        ticket_reply(ticket=ticket, actor=user, body=form.cleaned_data["body"],
                     attachments=form.cleaned_data["attachments"], channel=Channel.PORTAL)
    except DomainError as err:
        if err.http_status == 404:
            raise Http404 from err
        form.add_error(None, err.message)
        return _render_ticket(request, user, ticket, form=form, status=err.http_status)
    messages.success(request, _("Your reply was sent."))
    return see_other(_ticket_url(ticket))


@customer_required
@require_GET
def attachment_download(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        att = attachment_get_for(actor=_customer(request), token=token)
    except NotFound as exc:
        raise Http404 from exc
    return attachment_response(att)
