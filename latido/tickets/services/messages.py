from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core import pipeline, stored_files
from latido.core.errors import PermissionDenied, ValidationError
from latido.customers.models import Contact
from latido.tickets.access import require_visible
from latido.tickets.attachments import UploadLike, check_uploads
from latido.tickets.enums import Channel, EventType, Status
from latido.tickets.models import Message, Ticket
from latido.tickets.services.common import add_event, add_message, lock_ticket, save_ticket
from latido.tickets.services.create import MAX_BODY
from latido.tickets.services.update import apply_status

AGENT_REPLY_STATUSES = (Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED)


def check_body(body: str) -> None:
    if not (body or "").strip():
        raise ValidationError(_("The message is empty."), code="body_required")
    if len(body) > MAX_BODY:
        raise ValidationError(_("The message is too long."), code="body_too_long")


def ticket_reply(
    *, ticket: Ticket, actor: User | None, body: str, body_is_html: bool = False,
    channel: str = Channel.PORTAL, status: str | None = None,
    attachments: list[UploadLike] | None = None, expected_version: int | None = None,
    contact: Contact | None = None,
) -> Message:
    """Add a public reply; an agent may set the status in the same step.

    A customer's reply reopens a solved ticket and moves a pending one back to open;
    a closed ticket takes no more replies.
    """
    check_body(body)
    require_visible(actor, ticket.pk)
    if actor is not None and not actor.is_customer:
        if not actor.can(Perm.TICKET_REPLY):
            raise PermissionDenied(_("You are not allowed to reply publicly."))
        if status is not None and status not in AGENT_REPLY_STATUSES:
            raise ValidationError(_("A reply can set the status to open, pending, on hold or "
                                    "solved."), code="bad_status")
    elif status is not None:
        raise PermissionDenied(_("Customers cannot set the status."))
    uploads = check_uploads(attachments)
    with stored_files.discard_on_error(), transaction.atomic():
        locked = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=expected_version)
        if locked.status == Status.CLOSED:
            raise ValidationError(
                _("This ticket is closed. Please open a new request."), code="ticket_closed"
            )
        from_customer = actor is None or actor.is_customer
        author_contact = contact or (locked.requester if from_customer else None)
        message = add_message(
            locked, actor=actor, contact=author_contact if from_customer else None, body=body,
            is_html=body_is_html, is_public=True, channel=channel, uploads=uploads,
        )
        events = [add_event(locked, EventType.REPLY, actor=actor, message=message,
                            data={"channel": channel, "public": True})]
        new_status: str | None
        if from_customer:
            new_status = Status.OPEN if locked.status in (
                Status.PENDING, Status.SOLVED, Status.ON_HOLD) else None
        else:
            new_status = status or (Status.OPEN if locked.status == Status.NEW else None)
        if new_status and new_status != locked.status:
            events.append(apply_status(locked, actor=actor, status=new_status))
        save_ticket(locked, ["status", "solved_at"])
        pipeline.publish([e.pk for e in events])
    ticket.version, ticket.status = locked.version, locked.status
    return message


def ticket_note(
    *, ticket: Ticket, actor: User | None, body: str, body_is_html: bool = False,
    attachments: list[UploadLike] | None = None, expected_version: int | None = None,
) -> Message:
    """Add an internal note, never shown to customers."""
    check_body(body)
    require_visible(actor, ticket.pk)
    if actor is not None and not actor.can(Perm.TICKET_NOTE):
        raise PermissionDenied(_("You are not allowed to write internal notes."))
    uploads = check_uploads(attachments)
    with stored_files.discard_on_error(), transaction.atomic():
        locked = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=expected_version)
        message = add_message(
            locked, actor=actor, contact=None, body=body, is_html=body_is_html,
            is_public=False, channel=Channel.AGENT, uploads=uploads,
        )
        event = add_event(locked, EventType.NOTE, actor=actor, message=message,
                          data={"public": False})
        save_ticket(locked, [])
        pipeline.publish([event.pk])
    ticket.version = locked.version
    return message
