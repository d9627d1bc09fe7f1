"""Reads of tickets, always through the actor's visibility rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from latido.accounts.models import Queue, User
from latido.core.errors import NotFound, ValidationError
from latido.core.pagination import Page, keyset_page
from latido.tickets.access import can_see_internal, ticket_visibility_q
from latido.tickets.enums import UNSOLVED, Channel, EventType, Priority, Status
from latido.tickets.models import REFERENCE_PREFIX, Attachment, Message, Ticket, TicketEvent

SORT_KEYS = {
    "updated": "-updated_at", "-updated": "updated_at",
    "created": "-created_at", "-created": "created_at",
    "priority": "-priority", "-priority": "priority",
}
DEFAULT_SORT = "updated"
MAX_PAGE = 100
_REF_RE = re.compile(rf"^(?:{REFERENCE_PREFIX}-)?(\d+)$", re.IGNORECASE)

# Events a customer may see on their own ticket's timeline.
PUBLIC_EVENT_TYPES = {EventType.CREATED, EventType.STATUS, EventType.MERGED}


@dataclass(frozen=True)
class TicketFilters:
    status: list[str] | None = None
    priority: list[int] | None = None
    tier: list[int] | None = None
    channel: list[str] | None = None
    team: int | None = None
    queue: int | None = None
    assignee: int | None = None
    unassigned: bool = False
    open_only: bool = False
    requester: int | None = None

    def validate(self) -> TicketFilters:
        for value, allowed, label in (
            (self.status, Status.values, "status"),
            (self.priority, Priority.values, "priority"),
            (self.tier, [1, 2, 3], "tier"),
            (self.channel, Channel.values, "channel"),
        ):
            bad = [v for v in (value or []) if v not in allowed]
            if bad:
                raise ValidationError(
                    _("Unknown %(field)s: %(values)s") % {"field": label,
                                                          "values": ", ".join(map(str, bad))},
                    code="bad_filter",
                )
        return self


def visible_tickets(*, actor: User | AnonymousUser | None) -> QuerySet[Ticket]:
    """Every ticket the actor may see (merged tickets included)."""
    q = ticket_visibility_q(actor)
    if q is None:
        return Ticket.objects.none()
    qs = Ticket.objects.filter(q)
    if isinstance(actor, User) and actor.role == "collaborator":
        qs = qs.distinct()
    return qs


def ticket_list(
    *, actor: User, filters: TicketFilters | None = None, sort: str = DEFAULT_SORT,
    cursor: str | None = None, limit: int = 25,
) -> Page:
    """One keyset page of visible tickets, filtered by whitelisted fields and sort keys."""
    filters = (filters or TicketFilters()).validate()
    if sort not in SORT_KEYS:
        raise ValidationError(
            _("Unknown sort key. Use one of: %(keys)s") % {"keys": ", ".join(SORT_KEYS)},
            code="bad_sort",
        )
    limit = max(1, min(int(limit), MAX_PAGE))
    qs = visible_tickets(actor=actor)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    elif filters.open_only:
        qs = qs.filter(status__in=UNSOLVED)
    if filters.priority:
        qs = qs.filter(priority__in=filters.priority)
    if filters.tier:
        qs = qs.filter(tier__in=filters.tier)
    if filters.channel:
        qs = qs.filter(channel__in=filters.channel)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.queue:
        qs = qs.filter(queue_id=filters.queue)
    if filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
    if filters.requester:
        qs = qs.filter(requester_id=filters.requester)
    qs = qs.select_related("requester", "assignee", "team", "organization", "category")
    return keyset_page(qs, sort=SORT_KEYS[sort], cursor=cursor, limit=limit)


def parse_reference(ref: str | int) -> int:
    match = _REF_RE.match(str(ref).strip())
    if not match or len(match.group(1)) > 18:  # beyond a 64-bit id: cannot exist
        raise NotFound(_("Ticket not found."))
    return int(match.group(1))


def ticket_get_for(*, actor: User | AnonymousUser | None, ticket_id: int | str) -> Ticket:
    """The ticket if the actor may see it; otherwise NotFound, never a hint that it exists."""
    pk = parse_reference(ticket_id)
    # Not merged_into: an eighth joined table doubles PostgreSQL's planning time (bench/
    # results/explain-ticket.txt) for a relation that is empty on almost every ticket.
    ticket = (
        visible_tickets(actor=actor)
        .select_related("requester", "organization", "team", "queue", "assignee", "category")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise NotFound(_("Ticket not found."))
    return ticket


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "message" or "event"
    at: datetime
    order: int
    message: Message | None = None
    event: TicketEvent | None = None


def ticket_messages_for(*, actor: User | AnonymousUser | None, ticket: Ticket) -> list[Message]:
    """The ticket's messages the actor may read: customers get public ones only."""
    qs = ticket.messages.select_related("author", "author_contact").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    if not can_see_internal(actor):
        qs = qs.filter(is_public=True)
    return list(qs.order_by("created_at", "id"))


def ticket_timeline_for(
    *, actor: User | AnonymousUser | None, ticket: Ticket
) -> list[TimelineEntry]:
    """Messages and change events in time order; customers see no notes and no internal events."""
    entries = [
        TimelineEntry("message", m.created_at, m.pk, message=m)
        for m in ticket_messages_for(actor=actor, ticket=ticket)
    ]
    events = ticket.events.select_related("actor").exclude(
        type__in=[EventType.REPLY, EventType.NOTE]
    )
    if not can_see_internal(actor):
        events = events.filter(type__in=PUBLIC_EVENT_TYPES)
    entries += [TimelineEntry("event", e.created_at, e.pk, event=e) for e in events]
    entries.sort(key=lambda e: (e.at, 0 if e.kind == "event" else 1, e.order))
    return entries


def attachment_get_for(*, actor: User | AnonymousUser | None, token: str) -> Attachment:
    """An attachment on a visible ticket; one on an internal note is hidden from customers."""
    att = Attachment.objects.select_related("message").filter(token=token).first()
    if att is None or not visible_tickets(actor=actor).filter(pk=att.ticket_id).exists():
        raise NotFound(_("Attachment not found."))
    if not att.message.is_public and not can_see_internal(actor):
        raise NotFound(_("Attachment not found."))
    return att


def queues_for(*, actor: User) -> QuerySet[Queue]:
    """The queues of the teams the actor works, leads or manages (all for admins)."""
    from latido.accounts.selectors import teams_visible_for

    return Queue.objects.filter(team__in=teams_visible_for(user=actor)).select_related("team")


def queue_get_for(*, actor: User, queue_id: int) -> Queue:
    queue = queues_for(actor=actor).filter(pk=queue_id).first()
    if queue is None:
        raise NotFound(_("Queue not found."))
    return queue


def event_payload(event: TicketEvent) -> dict[str, Any]:
    return {"type": event.type, "data": event.data}
