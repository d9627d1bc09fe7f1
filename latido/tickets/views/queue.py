"""The agent's queue page: mine, each team's queue per tier, unassigned; keyset pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from latido.accounts.models import Queue, User
from latido.accounts.roles import Perm
from latido.core.errors import DomainError, NotFound
from latido.tickets.forms import ALL_STATUSES, QueueFilterForm
from latido.tickets.page_selectors import sidebar_for
from latido.tickets.selectors import TicketFilters, queue_get_for, ticket_list
from latido.tickets.views.common import actor_of, agent_required, is_partial, with_labels
from latido.tickets.views.widgets import use_fast_widgets

PAGE_SIZE = 25
LIST_TARGET = "ticket-list"


def _filters(form: QueueFilterForm, *, user: User, kind: str, queue: Queue | None
             ) -> TicketFilters:
    data = form.cleaned_data
    status = data.get("status") or ""
    return TicketFilters(
        status=[status] if status and status != ALL_STATUSES else None,
        open_only=not status,
        priority=[data["priority"]] if data.get("priority") else None,
        tier=[data["tier"]] if data.get("tier") else None,
        channel=[data["channel"]] if data.get("channel") else None,
        assignee=user.pk if kind == "mine" else None,
        unassigned=kind == "unassigned",
        queue=queue.pk if queue else None,
    )


def _title(kind: str, queue: Queue | None) -> str:
    if queue is not None:
        return queue.label
    return {"mine": _("My tickets"), "unassigned": _("Unassigned"),
            "invited": _("Tickets I am invited to")}.get(kind, _("Tickets"))


@agent_required
@require_GET
def queue_page(request: HttpRequest, kind: str = "home", queue_id: int | None = None
               ) -> HttpResponse:
    user = actor_of(request)
    works = user.can(Perm.TICKET_WORK)
    if kind == "home":
        kind = "mine" if works else "invited"
    elif not works:
        raise Http404
    queue = None
    if queue_id is not None:
        try:
            queue = queue_get_for(actor=user, queue_id=queue_id)
        except NotFound as exc:
            raise Http404 from exc
    form = QueueFilterForm(request.GET)
    use_fast_widgets([form])
    page, error, status = None, "", 200
    if form.is_valid():
        try:
            page = ticket_list(
                actor=user, filters=_filters(form, user=user, kind=kind, queue=queue),
                sort=form.sort_key(), cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE,
            )
            with_labels(page.items)
        except DomainError as err:
            error, status = err.message, err.http_status
    else:
        error, status = _("Some filters are not valid."), 400
    context = {
        "kind": kind, "queue": queue, "title": _title(kind, queue), "form": form,
        "page": page, "error": error, "sidebar": sidebar_for(actor=user),
        "list_target": LIST_TARGET,
    }
    template = "tickets/queue_partial.html" if is_partial(request, LIST_TARGET) else (
        "tickets/queue.html")
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
