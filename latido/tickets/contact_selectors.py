"""Reads of contacts for agents, through ticket visibility: who may open which contact,
their tickets, and their interaction history across channels.

An agent may open a contact when they see every ticket (coordinators, administrators),
when the contact has no ticket yet, or when they see at least one of its tickets. Anyone
else (customers, collaborators, agents whose teams never served the person) gets a 404.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core.errors import NotFound, ValidationError
from latido.core.pagination import Page, keyset_page
from latido.customers.models import Contact, ContactIdentity, ContactMerge
from latido.tickets.access import ticket_visibility_q
from latido.tickets.enums import EventType
from latido.tickets.models import Message, Ticket, TicketEvent
from latido.tickets.selectors import TimelineEntry, visible_tickets

# Events that are interactions with the person, shown in the contact's history.
CHANNEL_EVENT_TYPES = (
    EventType.CREATED, EventType.CALL, EventType.CALL_MISSED, EventType.CHAT_STARTED,
    EventType.CHAT_ACCEPTED, EventType.CHAT_ENDED, EventType.CHAT_ABANDONED,
)
_PHONE_QUERY_RE = re.compile(r"[\d\s()+.\-/]{3,}")
_PHONE_NOISE_RE = re.compile(r"\D")


def contacts_visible_to_agent(*, actor: User) -> QuerySet[Contact]:
    """The contacts this actor may open on the agent pages and the contact endpoints."""
    qs = Contact.objects.select_related("organization", "user").prefetch_related("identities")
    if not actor.is_authenticated or not actor.can(Perm.CONTACT_VIEW):
        return qs.none()
    if actor.can(Perm.SEE_ALL):
        return qs
    has_tickets = Exists(Ticket.objects.filter(requester=OuterRef("pk")))
    q = ticket_visibility_q(actor)
    if q is None:
        return qs.filter(~has_tickets)
    sees_one = Exists(Ticket.objects.filter(q, requester=OuterRef("pk")))
    return qs.filter(~has_tickets | sees_one)


def contact_get_for_agent(*, actor: User, contact_id: int) -> Contact:
    contact = contacts_visible_to_agent(actor=actor).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact


def contacts_search_for_agent(*, actor: User, q: str = "", cursor: str | None = None,
                              limit: int = 25) -> Page:
    """Contacts by part of a name, email address, handle or phone number (any spelling)."""
    qs = contacts_visible_to_agent(actor=actor)
    q = q.strip()
    if q:
        idents = ContactIdentity.objects.filter(contact=OuterRef("pk"))
        match = Q(name__icontains=q) | Q(Exists(idents.filter(value__icontains=q.lstrip("@"))))
        digits = _PHONE_NOISE_RE.sub("", q)
        if _PHONE_QUERY_RE.fullmatch(q) and len(digits) >= 3:
            match |= Q(Exists(idents.filter(kind=ContactIdentity.Kind.PHONE,
                                            value__contains=digits)))
        qs = qs.filter(match)
    return keyset_page(qs, sort="name", cursor=cursor, limit=limit)


def identities_by_kind(contact: Contact) -> list[tuple[str, list[ContactIdentity]]]:
    """The contact's identities grouped as (kind label, rows), in a stable order."""
    rows = sorted(contact.identities.all(), key=lambda i: (i.platform, i.value))
    return [
        (str(label), [i for i in rows if i.kind == kind])
        for kind, label in ContactIdentity.Kind.choices
        if any(i.kind == kind for i in rows)
    ]


def contact_merges_for(*, contact: Contact, limit: int = 10) -> list[ContactMerge]:
    """The latest contacts merged into this one, with who merged them."""
    return list(contact.merges_in.select_related("actor").order_by("-created_at", "-id")[:limit])


def contact_tickets_for(*, actor: User, contact: Contact, cursor: str | None = None,
                        limit: int = 25) -> Page:
    """The contact's tickets this actor may see, most recently updated first."""
    qs = visible_tickets(actor=actor).filter(requester=contact).select_related(
        "team", "assignee")
    return keyset_page(qs, sort="-updated_at", cursor=cursor, limit=limit)


@dataclass(frozen=True)
class HistoryPage:
    entries: list[TimelineEntry]
    tickets: list[Ticket]  # the ticket of each entry, same order
    next_cursor: str | None


# Rank of each kind at the same instant, newest first: messages before events.
_RANK = {"message": 1, "event": 0}


def _encode(at: datetime, kind: str, pk: int) -> str:
    raw = json.dumps([at.isoformat(), _RANK[kind], pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, rank, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None or rank not in _RANK.values():
            raise ValueError(cursor)
        if not isinstance(pk, int) or not 0 < pk < 2**63:
            raise ValueError(cursor)
        return moment, rank, pk
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("The cursor is not valid."), code="bad_cursor") from exc


def _after(kind: str, cursor: tuple[datetime, int, int] | None) -> Q:
    """Rows that come after the cursor in (time desc, rank desc, id desc) order."""
    if cursor is None:
        return Q()
    at, rank, pk = cursor
    mine = _RANK[kind]
    q = Q(created_at__lt=at)
    if mine < rank:
        q |= Q(created_at=at)
    elif mine == rank:
        q |= Q(created_at=at, pk__lt=pk)
    return q


def contact_history_for(*, actor: User, contact: Contact, cursor: str | None = None,
                        limit: int = 25) -> HistoryPage:
    """Public messages and channel events (calls, chats, new tickets) across the contact's
    visible tickets, newest first, one keyset page (no OFFSET)."""
    position = _decode(cursor) if cursor else None
    tickets = visible_tickets(actor=actor).filter(requester=contact).values("pk")
    messages = list(
        Message.objects.filter(_after("message", position), ticket__in=tickets, is_public=True)
        .select_related("ticket", "author", "author_contact")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    events = list(
        TicketEvent.objects.filter(_after("event", position), ticket__in=tickets,
                                   type__in=CHANNEL_EVENT_TYPES)
        .select_related("ticket", "actor")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    merged = [TimelineEntry("message", m.created_at, m.pk, message=m) for m in messages]
    merged += [TimelineEntry("event", e.created_at, e.pk, event=e) for e in events]
    merged.sort(key=lambda e: (e.at, _RANK[e.kind], e.order), reverse=True)
    next_cursor = None
    if len(merged) > limit:
        merged = merged[:limit]
        last = merged[-1]
        next_cursor = _encode(last.at, last.kind, last.order)
    owners = [
        (e.message.ticket if e.message is not None else e.event.ticket)  # type: ignore[union-attr]
        for e in merged
    ]
    return HistoryPage(entries=merged, tickets=owners, next_cursor=next_cursor)
