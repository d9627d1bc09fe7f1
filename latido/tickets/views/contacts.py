"""Agent contact pages: search, one customer's tickets and history, identities, merge."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core.errors import DomainError, NotFound
from latido.customers.models import Contact
from latido.customers.services import IdentityTaken
from latido.tickets.contact_forms import ContactSearchForm, IdentityForm, MergeForm
from latido.tickets.contact_selectors import (
    contact_get_for_agent,
    contact_history_for,
    contact_merges_for,
    contact_tickets_for,
    contacts_search_for_agent,
    identities_by_kind,
)
from latido.tickets.page_selectors import sidebar_for
from latido.tickets.presentation import present_timeline
from latido.tickets.services import (
    contact_identity_add,
    contact_identity_remove,
    contact_merge,
)
from latido.tickets.views.common import actor_of, agent_required, is_partial, see_other, with_labels
from latido.tickets.views.widgets import use_fast_widgets

PAGE_SIZE = 25
LIST_TARGET = "contact-list"
HISTORY_MORE = "history-more"
MERGE_RESULTS = "merge-results"


def contact_url(contact: Contact | int) -> str:
    return reverse("tickets:contact", args=[contact if isinstance(contact, int) else contact.pk])


def _agent(request: HttpRequest) -> User:
    """Contact pages are for support staff; collaborators and customers get a 404."""
    user = actor_of(request)
    if not (user.is_agent and user.can(Perm.CONTACT_VIEW)):
        raise Http404
    return user


def _contact(user: User, contact_id: int) -> Contact:
    try:
        return contact_get_for_agent(actor=user, contact_id=contact_id)
    except NotFound as exc:
        raise Http404 from exc


@agent_required
@require_GET
def contacts_page(request: HttpRequest) -> HttpResponse:
    user = _agent(request)
    form = ContactSearchForm(request.GET)
    page, error, status = None, "", 200
    try:
        page = contacts_search_for_agent(actor=user, q=form.query(),
                                         cursor=request.GET.get("cursor") or None,
                                         limit=PAGE_SIZE)
    except DomainError as err:
        error, status = err.message, err.http_status
    context: dict[str, Any] = {"form": form, "page": page, "error": error,
                               "list_target": LIST_TARGET, "kind": "contacts"}
    if is_partial(request, LIST_TARGET):
        return render(request, "tickets/_contact_list.html", context, status=status)
    context["sidebar"] = sidebar_for(actor=user)
    use_fast_widgets([form])
    return render(request, "tickets/contacts.html", context, status=status)


def _history(user: User, contact: Contact, cursor: str | None) -> dict[str, Any]:
    page = contact_history_for(actor=user, contact=contact, cursor=cursor, limit=PAGE_SIZE)
    items = present_timeline(page.entries)
    return {"history": list(zip(items, page.tickets, strict=True)),
            "history_next": page.next_cursor, "history_more": HISTORY_MORE}


def _render_contact(request: HttpRequest, user: User, contact: Contact, *, status: int = 200,
                    **extra: Any) -> HttpResponse:
    tickets = contact_tickets_for(actor=user, contact=contact,
                                  cursor=request.GET.get("tickets") or None, limit=PAGE_SIZE)
    with_labels(tickets.items)
    context: dict[str, Any] = {
        "contact": contact, "identities": identities_by_kind(contact), "tickets": tickets,
        "identity_form": IdentityForm(), "merge_search": ContactSearchForm(prefix_id="merge"),
        "sidebar": sidebar_for(actor=user), "kind": "contacts",
        "merge_results_id": MERGE_RESULTS, "merges": contact_merges_for(contact=contact),
        **_history(user, contact, request.GET.get("history") or None),
    }
    context.update(extra)
    use_fast_widgets([context["identity_form"], context["merge_search"]])
    return render(request, "tickets/contact.html", context, status=status)


@agent_required
@require_GET
def contact_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = _agent(request)
    contact = _contact(user, contact_id)
    try:
        if is_partial(request, HISTORY_MORE):
            return render(request, "tickets/_contact_history.html",
                          {"contact": contact,
                           **_history(user, contact, request.GET.get("history") or None)})
        return _render_contact(request, user, contact)
    except DomainError as err:  # a forged cursor
        messages.error(request, err.message)
        return see_other(contact_url(contact))


@agent_required
@require_POST
def contact_identity_add_view(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = _agent(request)
    contact = _contact(user, contact_id)
    form = IdentityForm(request.POST)
    if not form.is_valid():
        return _render_contact(request, user, contact, status=400, identity_form=form)
    try:
        contact_identity_add(actor=user, contact=contact, kind=form.cleaned_data["kind"],
                             value=form.cleaned_data["value"],
                             platform=form.cleaned_data["platform"])
    except DomainError as err:
        if err.http_status == 404:
            raise Http404 from err
        form.add_error(None, err.message)
        owner = err.owner if isinstance(err, IdentityTaken) else None
        return _render_contact(request, user, contact, status=err.http_status,
                               identity_form=form, identity_owner=owner)
    messages.success(request, _("Identity added."))
    return see_other(contact_url(contact))


@agent_required
@require_POST
def contact_identity_remove_view(request: HttpRequest, contact_id: int,
                                 identity_id: int) -> HttpResponse:
    user = _agent(request)
    contact = _contact(user, contact_id)
    try:
        contact_identity_remove(actor=user, contact=contact, identity_id=identity_id)
    except DomainError as err:
        if err.http_status == 404:
            raise Http404 from err
        messages.error(request, err.message)
        return see_other(contact_url(contact))
    messages.success(request, _("Identity removed."))
    return see_other(contact_url(contact))


@agent_required
@require_http_methods(["GET", "POST"])
def contact_merge_view(request: HttpRequest, contact_id: int) -> HttpResponse:
    """GET ?q= finds the duplicate, GET ?source= shows what will move, POST merges it in."""
    user = _agent(request)
    target = _contact(user, contact_id)
    if request.method == "POST":
        return _merge(request, user, target)
    context: dict[str, Any] = {"contact": target, "kind": "contacts",
                               "merge_results_id": MERGE_RESULTS}
    source_id = request.GET.get("source") or ""
    if source_id:
        form = MergeForm({"source": source_id})
        if not form.is_valid():
            raise Http404
        context.update(_confirmation(user, target, form.cleaned_data["source"]))
    else:
        search = ContactSearchForm(request.GET, prefix_id="merge")
        query = search.query()
        candidates: list[Contact] = []
        if query:
            found = contacts_search_for_agent(actor=user, q=query, limit=11)
            candidates = [c for c in found.items if c.pk != target.pk][:10]
        context.update({"merge_search": search, "candidates": candidates, "query": query})
        if is_partial(request, MERGE_RESULTS):
            return render(request, "tickets/_contact_merge_results.html", context)
    context["sidebar"] = sidebar_for(actor=user)
    return render(request, "tickets/contact_merge.html", context)


def _confirmation(user: User, target: Contact, source_id: int) -> dict[str, Any]:
    source = _contact(user, source_id)
    if source.pk == target.pk:
        raise Http404
    visible = contact_tickets_for(actor=user, contact=source, limit=100)
    return {
        "source": source, "source_identities": identities_by_kind(source),
        "source_tickets": visible.items, "more_source_tickets": visible.next_cursor is not None,
        "merge_form": MergeForm(initial={"source": source.pk}),
        "both_logins": source.user_id is not None and target.user_id is not None,
    }


def _merge(request: HttpRequest, user: User, target: Contact) -> HttpResponse:
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the contact to merge."))
        return see_other(reverse("tickets:contact_merge", args=[target.pk]))
    source_id = form.cleaned_data["source"]
    source = Contact.objects.filter(pk=source_id).first() or Contact(pk=source_id)
    try:
        record = contact_merge(actor=user, source=source, target=target)
    except DomainError as err:
        if err.http_status == 404:
            raise Http404 from err
        messages.error(request, err.message)
        return see_other(contact_url(target))
    moved = len(record.ticket_ids)
    messages.success(request, ngettext(
        "%(source)s was merged into %(target)s; %(n)d ticket moved.",
        "%(source)s was merged into %(target)s; %(n)d tickets moved.", moved)
                     % {"source": record.source_name, "target": record.target_name,
                        "n": moved})
    return see_other(contact_url(target))
