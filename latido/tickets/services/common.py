"""Shared steps of the ticket services: locking, events, messages."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.core import stored_files
from latido.core.errors import Conflict, NotFound
from latido.core.sanitize import html_to_text, sanitize_html, text_to_html
from latido.customers.models import Contact
from latido.tickets.attachments import CheckedUpload
from latido.tickets.enums import EventType
from latido.tickets.models import Attachment, Message, Ticket, TicketEvent


def role_of(actor: User | None) -> str:
    return actor.role if actor is not None else "system"


def lock_ticket(*, actor: User | None, ticket_id: int, expected_version: int | None) -> Ticket:
    """Lock the row and check the caller's version (stale → Conflict).

    Every caller has already called `require_visible` (a hidden ticket is a 404 before any
    403); checking again here doubled the cost of every write.
    """
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(_("Ticket not found."))
    if expected_version is not None and ticket.version != expected_version:
        raise Conflict(
            _("This ticket was changed by someone else (version %(now)d, you had %(had)d). "
              "Reload and try again.") % {"now": ticket.version, "had": expected_version},
            code="stale_version",
        )
    return ticket


def save_ticket(ticket: Ticket, fields: list[str]) -> None:
    """Persist changed fields with a new version and updated_at."""
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def add_event(
    ticket: Ticket, type_: EventType, *, actor: User | None, data: dict[str, Any] | None = None,
    message: Message | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, type=type_, actor=actor, actor_role=role_of(actor), data=data or {},
        message=message, created_at=timezone.now(),
    )


def body_to_html(body: str, *, is_html: bool) -> tuple[str, str]:
    """Sanitised HTML and plain text for a message body."""
    markup = sanitize_html(body) if is_html else text_to_html(body)
    return markup, html_to_text(markup)


def add_message(
    ticket: Ticket, *, actor: User | None, contact: Contact | None, body: str, is_html: bool,
    is_public: bool, channel: str, uploads: list[CheckedUpload],
) -> Message:
    markup, text = body_to_html(body, is_html=is_html)
    message = Message.objects.create(
        ticket=ticket, author=actor, author_contact=contact,
        author_role=role_of(actor) if actor else ("customer" if contact else "system"),
        is_public=is_public, channel=channel, body_html=markup, body_text=text,
        created_at=timezone.now(),
    )
    for up in uploads:
        att = Attachment(ticket=ticket, message=message, token=up.token, filename=up.filename,
                         content_type=up.content_type, size=len(up.content))
        att.file.save(up.filename, ContentFile(up.content), save=False)
        stored_files.remember(str(att.file.name), att.file.storage)
        att.save()
    return message
