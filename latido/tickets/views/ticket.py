"""The agent's ticket page and its actions: reply, note, update, assign, escalate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from latido.tickets.forms import (
    AssignForm,
    DeescalateForm,
    EscalateForm,
    NoteForm,
    ReplyForm,
    UpdateForm,
)
from latido.tickets.models import Ticket
from latido.tickets.page_selectors import assignable_agents_for, sidebar_for
from latido.tickets.presentation import present_timeline
from latido.tickets.selectors import attachment_get_for, ticket_get_for, ticket_timeline_for
from latido.tickets.services import (
    ticket_assign,
    ticket_deescalate,
    ticket_escalate,
    ticket_note,
    ticket_reply,
    ticket_update,
)
from latido.tickets.views.common import (
    actor_of,
    agent_required,
    attachment_response,
    see_other,
    with_labels,
)
from latido.tickets.views.widgets import use_fast_widgets

Call = Callable[[User, Ticket, Any], object]


def ticket_url(ticket: Ticket) -> str:
    return reverse("tickets:ticket", args=[ticket.reference])


def _load(request: HttpRequest, ref: str) -> tuple[User, Ticket]:
    user = actor_of(request)
    try:
        return user, ticket_get_for(actor=user, ticket_id=ref)
    except NotFound as exc:
        raise Http404 from exc


def _agents(user: User, ticket: Ticket) -> list[User]:
    agents = assignable_agents_for(ticket=ticket)
    if user.is_agent and all(a.pk != user.pk for a in agents):
        agents.append(user)
    return agents


def _render(request: HttpRequest, user: User, ticket: Ticket, *, status: int = 200,
            **bound: forms.Form) -> HttpResponse:
    perms = {
        "reply": user.can(Perm.TICKET_REPLY), "note": user.can(Perm.TICKET_NOTE),
        "update": user.can(Perm.TICKET_UPDATE), "assign": user.can(Perm.TICKET_ASSIGN),
        "escalate": user.can(Perm.TICKET_ESCALATE),
    }
    versioned = {"version": ticket.version}
    with_labels([ticket])
    context: dict[str, Any] = {
        "ticket": ticket, "perms": perms, "reload_url": ticket_url(ticket),
        "timeline": present_timeline(ticket_timeline_for(actor=user, ticket=ticket)),
        "sidebar": sidebar_for(actor=user), "attachment_url": "tickets:attachment",
        "reply_form": ReplyForm() if perms["reply"] else None,
        "note_form": NoteForm() if perms["note"] else None,
    }
    if perms["update"]:
        context["update_form"] = UpdateForm.for_ticket(ticket)
    if perms["assign"]:
        context["assign_form"] = AssignForm(
            initial={**versioned, "assignee": ticket.assignee_id}, agents=_agents(user, ticket))
    if perms["escalate"]:
        context["escalate_form"] = EscalateForm(initial=versioned, ticket=ticket)
        context["deescalate_form"] = DeescalateForm(initial=versioned, ticket=ticket)
    context.update(bound)
    use_fast_widgets(context.values())
    return render(request, "tickets/ticket.html", context, status=status)


def _run(request: HttpRequest, ref: str, *, key: str,
         make_form: Callable[[User, Ticket], forms.Form], call: Call, done: str) -> HttpResponse:
    """Parse the form, call one service, and map its DomainError onto the page."""
    user, ticket = _load(request, ref)
    form = make_form(user, ticket)
    if not form.is_valid():
        return _render(request, user, ticket, status=400, **{key: form})
    try:
        call(user, ticket, form)
    except DomainError as err:
        if err.http_status == 404:
            raise Http404 from err
        if isinstance(err, PermissionDenied):
            messages.error(request, err.message)
            return _render(request, user, ticket, status=err.http_status)
        form.add_error(None, err.message)
        if isinstance(err, Conflict):
            form.stale = True  # type: ignore[attr-defined]
        return _render(request, user, ticket, status=err.http_status, **{key: form})
    messages.success(request, done)
    return see_other(ticket_url(ticket))


@agent_required
@require_GET
def ticket_page(request: HttpRequest, ref: str) -> HttpResponse:
    user, ticket = _load(request, ref)
    return _render(request, user, ticket)


@agent_required
@require_POST
def ticket_reply_view(request: HttpRequest, ref: str) -> HttpResponse:
    return _run(
        request, ref, key="reply_form", done=_("Reply sent."),
        make_form=lambda u, t: ReplyForm(request.POST, request.FILES),
        call=lambda u, t, f: ticket_reply(
            ticket=t, actor=u, body=f.cleaned_data["body"],
            status=f.cleaned_data["status"] or None,
            attachments=f.cleaned_data["attachments"], channel=t.channel),
    )


@agent_required
@require_POST
def ticket_note_view(request: HttpRequest, ref: str) -> HttpResponse:
    return _run(
        request, ref, key="note_form", done=_("Internal note added."),
        make_form=lambda u, t: NoteForm(request.POST, request.FILES),
        call=lambda u, t, f: ticket_note(ticket=t, actor=u, body=f.cleaned_data["body"],
                                         attachments=f.cleaned_data["attachments"]),
    )


@agent_required
@require_POST
def ticket_update_view(request: HttpRequest, ref: str) -> HttpResponse:
    return _run(
        request, ref, key="update_form", done=_("Ticket updated."),
        make_form=lambda u, t: UpdateForm(request.POST),
        call=lambda u, t, f: ticket_update(
            ticket=t, actor=u, expected_version=f.cleaned_data["version"],
            status=f.cleaned_data["status"], priority=f.cleaned_data["priority"],
            type=f.cleaned_data["type"], category=f.cleaned_data["category"],
            tags=f.tag_list()),
    )


@agent_required
@require_POST
def ticket_assign_view(request: HttpRequest, ref: str) -> HttpResponse:
    return _run(
        request, ref, key="assign_form", done=_("Assignment saved."),
        make_form=lambda u, t: AssignForm(request.POST, agents=_agents(u, t)),
        call=lambda u, t, f: ticket_assign(
            ticket=t, actor=u, assignee=f.assignee_user(),
            expected_version=f.cleaned_data["version"]),
    )


@agent_required
@require_POST
def ticket_escalate_view(request: HttpRequest, ref: str) -> HttpResponse:
    return _run(
        request, ref, key="escalate_form", done=_("Ticket escalated."),
        make_form=lambda u, t: EscalateForm(request.POST, ticket=t),
        call=lambda u, t, f: ticket_escalate(
            ticket=t, actor=u, to_tier=f.cleaned_data["to_tier"],
            handoff_note=f.cleaned_data["handoff_note"], reason=f.cleaned_data["reason"],
            expected_version=f.cleaned_data["version"]),
    )


@agent_required
@require_POST
def ticket_deescalate_view(request: HttpRequest, ref: str) -> HttpResponse:
    return _run(
        request, ref, key="deescalate_form", done=_("Ticket sent back."),
        make_form=lambda u, t: DeescalateForm(request.POST, ticket=t),
        call=lambda u, t, f: ticket_deescalate(
            ticket=t, actor=u, to_tier=f.cleaned_data["to_tier"], note=f.cleaned_data["note"],
            expected_version=f.cleaned_data["version"]),
    )


@agent_required
@require_GET
def attachment_download(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        att = attachment_get_for(actor=actor_of(request), token=token)
    except NotFound as exc:
        raise Http404 from exc
    return attachment_response(att)
