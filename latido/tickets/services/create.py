from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.accounts.models import Queue, Team, User
from latido.accounts.roles import Perm, Tier
from latido.core import pipeline, stored_files
from latido.core.errors import PermissionDenied, ValidationError
from latido.customers.models import Contact
from latido.tickets.attachments import UploadLike, check_uploads
from latido.tickets.enums import Channel, EventType, Priority, Status, TicketType
from latido.tickets.models import Category, Ticket
from latido.tickets.services.common import add_event, add_message
from latido.tickets.services.fields import clean_fields, clean_tags

MAX_SUBJECT = 250
MAX_BODY = 200_000


def default_team() -> Team | None:
    """The team a ticket without a team or category lands in (callers creating many tickets
    look it up once and pass it as ``team``)."""
    return Team.objects.filter(is_default=True).first() or Team.objects.order_by("id").first()


def _pick_team(team: Team | None, category: Category | None) -> Team | None:
    if team is not None:
        return team
    if category is not None and category.default_team_id:
        return category.default_team
    return default_team()


def _check_creator(actor: User | None, requester: Contact) -> None:
    if actor is None:
        return
    if actor.is_customer:
        if requester.user_id != actor.pk:
            raise PermissionDenied(_("Customers can only open tickets for themselves."))
        return
    if not actor.can(Perm.TICKET_CREATE):
        raise PermissionDenied(_("You are not allowed to create tickets."))


def check_new_ticket(*, subject: str, body: str, channel: str) -> str:
    """The cleaned subject of a new ticket; raises when subject, body or channel break a rule."""
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError(_("A subject is required."), code="subject_required")
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(_("The subject is longer than 250 characters."))
    if not (body or "").strip():
        raise ValidationError(_("Please describe the request."), code="body_required")
    if len(body) > MAX_BODY:
        raise ValidationError(_("The message is too long."), code="body_too_long")
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."))
    return subject


def ticket_create(
    *, actor: User | None, requester: Contact, subject: str, body: str, channel: str,
    body_is_html: bool = False, priority: int = Priority.NORMAL,
    type: str = TicketType.QUESTION, category: Category | None = None,
    team: Team | None = None, tags: list[str] | None = None,
    fields: dict[str, Any] | None = None, attachments: list[UploadLike] | None = None,
    created_at: Any = None,
) -> Ticket:
    """Create a ticket, its first message and its CREATED event in one transaction.

    Every channel comes through here. The first message is the description: for an
    agent-created ticket it is not a reply (KPIS F1, C1).
    """
    subject = check_new_ticket(subject=subject, body=body, channel=channel)
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority."))
    if type not in TicketType.values:
        raise ValidationError(_("Unknown ticket type."))
    _check_creator(actor, requester)
    uploads = check_uploads(attachments)
    clean_tag_names = clean_tags(tags or [])
    clean_field_values = clean_fields(fields or {}, previous={})
    chosen_team = _pick_team(team, category)
    queue = (
        Queue.objects.filter(team=chosen_team, tier=Tier.TIER1).first() if chosen_team else None
    )
    now = created_at or timezone.now()
    with stored_files.discard_on_error(), transaction.atomic():
        ticket = Ticket.objects.create(
            subject=subject, status=Status.NEW, priority=priority, type=type, category=category,
            tier=Tier.TIER1, channel=channel, requester=requester,
            organization_id=requester.organization_id, team=chosen_team, queue=queue,
            created_by=actor, fields=clean_field_values, created_at=now, updated_at=now,
        )
        if clean_tag_names:
            from latido.tickets.services.fields import tags_get_or_create

            ticket.tags.set(tags_get_or_create(clean_tag_names))
        author_contact = requester if actor is None or actor.is_customer else None
        message = add_message(
            ticket, actor=actor, contact=author_contact, body=body, is_html=body_is_html,
            is_public=True, channel=channel, uploads=uploads,
        )
        event = add_event(
            ticket, EventType.CREATED, actor=actor, message=message,
            data={
                "subject": subject, "status": Status.NEW, "priority": priority,
                "tier": int(Tier.TIER1), "channel": channel, "team": chosen_team.pk
                if chosen_team else None, "requester": requester.pk,
                "category": category.pk if category else None, "tags": clean_tag_names,
            },
        )
        pipeline.publish([event.pk])
    return ticket
