from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm, Role
from latido.accounts.selectors import team_ids_for
from latido.core import pipeline
from latido.core.errors import PermissionDenied, ValidationError
from latido.tickets.access import require_visible
from latido.tickets.enums import SOLVED_STATES, EventType, Priority, Status, TicketType
from latido.tickets.models import Category, Ticket, TicketEvent
from latido.tickets.services.common import add_event, lock_ticket, save_ticket
from latido.tickets.services.fields import clean_fields, clean_tags, tags_get_or_create


def apply_status(ticket: Ticket, *, actor: User | None, status: str) -> TicketEvent:
    """Set the status in memory and return its event; the caller saves the ticket."""
    if status not in Status.values:
        raise ValidationError(_("Unknown status."), code="bad_status")
    if ticket.status == Status.CLOSED and status != Status.CLOSED:
        raise ValidationError(_("A closed ticket cannot be reopened."), code="ticket_closed")
    before = ticket.status
    ticket.status = status
    if status in SOLVED_STATES:
        ticket.solved_at = ticket.solved_at if before in SOLVED_STATES else timezone.now()
    else:
        ticket.solved_at = None
    return add_event(ticket, EventType.STATUS, actor=actor, data={"from": before, "to": status})


def ticket_update(
    *, ticket: Ticket, actor: User | None, expected_version: int | None,
    status: str | None = None, priority: int | None = None, type: str | None = None,
    category: Category | None | Literal[False] = False, subject: str | None = None,
    tags: list[str] | None = None, fields: dict[str, Any] | None = None,
) -> Ticket:
    """Change properties; each change is its own event with before and after values.

    `category=False` means "leave unchanged", `None` clears it.
    """
    require_visible(actor, ticket.pk)
    if actor is not None and not actor.can(Perm.TICKET_UPDATE):
        raise PermissionDenied(_("You are not allowed to change tickets."))
    with transaction.atomic():
        t = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=expected_version)
        events: list[TicketEvent] = []
        changed: list[str] = []
        if status is not None and status != t.status:
            events.append(apply_status(t, actor=actor, status=status))
            changed += ["status", "solved_at"]
        if priority is not None and priority != t.priority:
            if priority not in Priority.values:
                raise ValidationError(_("Unknown priority."), code="bad_priority")
            events.append(add_event(t, EventType.PRIORITY, actor=actor,
                                    data={"from": t.priority, "to": priority}))
            t.priority = priority
            changed.append("priority")
        if type is not None and type != t.type:
            if type not in TicketType.values:
                raise ValidationError(_("Unknown ticket type."), code="bad_type")
            events.append(add_event(t, EventType.TYPE, actor=actor,
                                    data={"from": t.type, "to": type}))
            t.type = type
            changed.append("type")
        if category is not False and (category.pk if category else None) != t.category_id:
            events.append(add_event(t, EventType.CATEGORY, actor=actor, data={
                "from": t.category_id, "to": category.pk if category else None}))
            t.category = category
            changed.append("category")
        if subject is not None:
            clean = " ".join(subject.split())
            if not clean or len(clean) > 250:
                raise ValidationError(_("A subject of 1 to 250 characters is required."))
            if clean != t.subject:
                events.append(add_event(t, EventType.SUBJECT, actor=actor,
                                        data={"from": t.subject, "to": clean}))
                t.subject = clean
                changed.append("subject")
        if tags is not None:
            new_tags = clean_tags(tags)
            old_tags = sorted(t.tags.values_list("name", flat=True))
            if new_tags != old_tags:
                t.tags.set(tags_get_or_create(new_tags))
                events.append(add_event(t, EventType.TAGS, actor=actor,
                                        data={"from": old_tags, "to": new_tags}))
        if fields is not None:
            merged = clean_fields(fields, previous=t.fields)
            for key in sorted(set(merged) | set(t.fields)):
                if merged.get(key) != t.fields.get(key):
                    events.append(add_event(t, EventType.FIELD, actor=actor, data={
                        "field": key, "from": t.fields.get(key), "to": merged.get(key)}))
            if merged != t.fields:
                t.fields = merged
                changed.append("fields")
        if events:
            save_ticket(t, changed)
            pipeline.publish([e.pk for e in events])
    return t


def _check_assignee(ticket: Ticket, assignee: User) -> None:
    if not assignee.is_active or not assignee.is_agent:
        raise ValidationError(_("Tickets can only be assigned to active agents."),
                              code="bad_assignee")
    if assignee.can(Perm.SEE_ALL) or assignee.role == Role.COORDINATOR:
        return
    if ticket.team_id is not None and ticket.team_id not in team_ids_for(user=assignee):
        raise ValidationError(_("%(name)s is not in this ticket's team.") % {
            "name": assignee.name}, code="bad_assignee")


def ticket_assign(
    *, ticket: Ticket, actor: User | None, assignee: User | None,
    expected_version: int | None = None,
) -> Ticket:
    """Assign to an agent of the ticket's team (or unassign); a change of hands is counted."""
    require_visible(actor, ticket.pk)
    if actor is not None and not actor.can(Perm.TICKET_ASSIGN):
        raise PermissionDenied(_("You are not allowed to assign tickets."))
    with transaction.atomic():
        t = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=expected_version)
        if assignee is not None:
            _check_assignee(t, assignee)
        new_id = assignee.pk if assignee else None
        if new_id == t.assignee_id:
            return t
        event = add_event(t, EventType.ASSIGNED, actor=actor, data={
            "from": t.assignee_id, "to": new_id,
            "reassignment": t.assignee_id is not None and new_id is not None,
        })
        t.assignee = assignee
        changed = ["assignee"]
        if t.status == Status.NEW and assignee is not None:
            pipeline.publish([apply_status(t, actor=actor, status=Status.OPEN).pk])
            changed += ["status", "solved_at"]
        save_ticket(t, changed)
        pipeline.publish([event.pk])
    return t
