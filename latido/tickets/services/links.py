from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm, Role
from latido.core import pipeline
from latido.core.errors import PermissionDenied, ValidationError
from latido.tickets.access import require_visible
from latido.tickets.enums import Channel, EventType, LinkKind, Status
from latido.tickets.models import Ticket, TicketLink
from latido.tickets.services.common import add_event, add_message, lock_ticket, save_ticket
from latido.tickets.services.update import apply_status


def ticket_link(
    *, ticket: Ticket, actor: User | None, other: Ticket, kind: str = LinkKind.RELATED
) -> TicketLink:
    """Link two visible tickets (e.g. an incident to its underlying problem); idempotent."""
    require_visible(actor, ticket.pk)
    if actor is not None and not actor.can(Perm.TICKET_LINK):
        raise PermissionDenied(_("You are not allowed to link tickets."))
    if kind not in LinkKind.values:
        raise ValidationError(_("Unknown link kind."), code="bad_link")
    if ticket.pk == other.pk:
        raise ValidationError(_("A ticket cannot be linked to itself."), code="bad_link")
    require_visible(actor, other.pk)
    with transaction.atomic():
        first, second = sorted([ticket.pk, other.pk])
        lock_ticket(actor=actor, ticket_id=first, expected_version=None)
        lock_ticket(actor=actor, ticket_id=second, expected_version=None)
        link, created = TicketLink.objects.get_or_create(source=ticket, target=other, kind=kind)
        if created:
            events = [
                add_event(ticket, EventType.LINKED, actor=actor,
                          data={"to": other.pk, "kind": kind, "direction": "out"}),
                add_event(other, EventType.LINKED, actor=actor,
                          data={"to": ticket.pk, "kind": kind, "direction": "in"}),
            ]
            pipeline.publish([e.pk for e in events])
    return link


def ticket_merge(*, source: Ticket, target: Ticket, actor: User | None) -> Ticket:
    """Merge `source` into `target`: the source is closed and points at the target.

    The source keeps its own messages and events (KPIS G4); the target gets a note
    and the source requester follows the target's conversation through the link.
    """
    require_visible(actor, source.pk)
    if actor is not None and not actor.can(Perm.TICKET_LINK):
        raise PermissionDenied(_("You are not allowed to merge tickets."))
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."), code="bad_merge")
    require_visible(actor, target.pk)
    with transaction.atomic():
        locked = {}
        for pk in sorted([source.pk, target.pk]):
            locked[pk] = lock_ticket(actor=actor, ticket_id=pk, expected_version=None)
        src, dst = locked[source.pk], locked[target.pk]
        if src.merged_into_id:
            raise ValidationError(_("This ticket is already merged."), code="bad_merge")
        if dst.merged_into_id or dst.status == Status.CLOSED:
            raise ValidationError(_("Cannot merge into a closed or merged ticket."),
                                  code="bad_merge")
        events = [add_event(src, EventType.MERGED, actor=actor, data={"into": dst.pk})]
        if src.status != Status.CLOSED:
            events.append(apply_status(src, actor=actor, status=Status.CLOSED))
        src.merged_into = dst
        save_ticket(src, ["merged_into", "status", "solved_at"])
        note = add_message(
            dst, actor=actor, contact=None, is_html=False, is_public=False,
            channel=Channel.AGENT, uploads=[],
            body=_("%(ref)s (%(subject)s) was merged into this ticket.")
            % {"ref": src.reference, "subject": src.subject},
        )
        events.append(add_event(dst, EventType.MERGED_FROM, actor=actor, message=note,
                                data={"from": src.pk}))
        save_ticket(dst, [])
        pipeline.publish([e.pk for e in events])
    return dst


def ticket_invite(*, ticket: Ticket, actor: User | None, collaborator: User) -> None:
    """Invite someone from another department to read the ticket and write notes."""
    require_visible(actor, ticket.pk)
    if actor is not None and not actor.can(Perm.TICKET_INVITE):
        raise PermissionDenied(_("You are not allowed to invite collaborators."))
    if collaborator.role != Role.COLLABORATOR:
        raise ValidationError(_("Only collaborators can be invited."), code="bad_invite")
    with transaction.atomic():
        t = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=None)
        if t.collaborators.filter(pk=collaborator.pk).exists():
            return
        t.collaborators.add(collaborator)
        event = add_event(t, EventType.INVITED, actor=actor,
                          data={"user": collaborator.pk})
        save_ticket(t, [])
        pipeline.publish([event.pk])
