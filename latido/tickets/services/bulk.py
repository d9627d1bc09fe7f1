"""Many customers' messages, or many system assignments, written with a few statements.

Channels that take mail in batches (the IMAP poller's 50 messages per job) and the routing
handler call these instead of ``ticket_create`` / ``ticket_reply`` / ``ticket_assign`` once
per item. The rules are the same — the same checks, the same rows, the same events in the
same order — but each kind of row is written with one INSERT (or UPDATE) for the batch.

They are all-or-nothing: any item that breaks a rule raises before anything is written, and
callers that want one bad item not to stop the others fall back to the one-by-one services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.accounts.models import Queue, Team, User
from latido.accounts.roles import Tier
from latido.core import pipeline, stored_files
from latido.core.bulk import update_rows
from latido.core.errors import NotFound, ValidationError
from latido.customers.models import Contact
from latido.tickets.attachments import CheckedUpload, UploadLike, check_uploads
from latido.tickets.enums import UNSOLVED, EventType, Priority, Status, TicketType
from latido.tickets.models import Attachment, Message, Ticket, TicketEvent
from latido.tickets.services.common import body_to_html
from latido.tickets.services.create import check_new_ticket, default_team
from latido.tickets.services.messages import check_body

# What a customer's reply does to the status (as ``ticket_reply`` does for customers).
REOPENED_BY_CUSTOMER = (Status.PENDING, Status.SOLVED, Status.ON_HOLD)


@dataclass
class CustomerMessage:
    """One message a customer sent: a new ticket, or a public reply on a ticket.

    Exactly one of ``subject`` (a new ticket), ``reply_to`` (an existing ticket's id) or
    ``reply_to_item`` (the index of an earlier item of the same batch that opens a ticket).
    """

    contact: Contact
    channel: str
    body: str
    body_is_html: bool = False
    attachments: list[UploadLike] = field(default_factory=list)
    subject: str | None = None
    team: Team | None = None
    reply_to: int | None = None
    reply_to_item: int | None = None


@dataclass
class Delivered:
    ticket: Ticket
    message: Message
    created: bool


def _new_ticket(item: CustomerMessage, subject: str, team: Team | None,
                queues: dict[int, Queue], now: datetime) -> Ticket:
    return Ticket(
        subject=subject, status=Status.NEW, priority=Priority.NORMAL, type=TicketType.QUESTION,
        tier=Tier.TIER1, channel=item.channel, requester=item.contact,
        organization_id=item.contact.organization_id, team=team,
        queue=queues.get(team.pk) if team else None, fields={}, created_at=now, updated_at=now,
    )


def _tier1_queues(teams: list[Team]) -> dict[int, Queue]:
    queues: dict[int, Queue] = {}
    ids = {t.pk for t in teams}
    if ids:
        for queue in Queue.objects.filter(team_id__in=ids, tier=Tier.TIER1).order_by("-id"):
            queues[queue.team_id] = queue  # the lowest id wins, as .first() does
    return queues


def customer_messages_deliver(items: list[CustomerMessage]) -> list[Delivered]:
    """Open tickets and add customers' replies for every item, in order, in one go.

    Each new ticket gets its first message and a CREATED event; each reply a REPLY event,
    and a STATUS event when it reopens a pending, on-hold or solved ticket. A closed ticket,
    an unknown ticket or a broken rule raises before anything is written.
    """
    with stored_files.discard_on_error(), transaction.atomic():
        return _deliver(items)


def _deliver(items: list[CustomerMessage]) -> list[Delivered]:
    subjects: dict[int, str] = {}
    uploads: list[list[CheckedUpload]] = []
    for index, item in enumerate(items):
        if item.subject is not None:
            subjects[index] = check_new_ticket(subject=item.subject, body=item.body,
                                               channel=item.channel)
        else:
            check_body(item.body)
            # Callers' mistakes, not users': no translated message.
            if item.reply_to_item is not None and item.reply_to_item not in subjects:
                raise ValueError("a reply must follow the item that opens its ticket")
            if item.reply_to is None and item.reply_to_item is None:
                raise ValueError("a reply needs its ticket")
        uploads.append(check_uploads(item.attachments))
    fallback: Team | None = None
    if any(i.subject is not None and i.team is None for i in items):
        fallback = default_team()
    teams = [i.team or fallback for i in items if i.subject is not None]
    queues = _tier1_queues([t for t in teams if t is not None])

    existing_ids = sorted({i.reply_to for i in items if i.reply_to is not None})
    locked = {t.pk: t for t in Ticket.objects.select_for_update()
              .filter(pk__in=existing_ids).order_by("pk")}
    for pk in existing_ids:
        if pk not in locked:
            raise NotFound(_("Ticket not found."))
        if locked[pk].status == Status.CLOSED:
            raise ValidationError(_("This ticket is closed. Please open a new request."),
                                  code="ticket_closed")

    now = timezone.now()
    created: dict[int, Ticket] = {
        index: _new_ticket(items[index], subject, items[index].team or fallback, queues, now)
        for index, subject in subjects.items()
    }
    Ticket.objects.bulk_create(list(created.values()))

    targets = [
        created[i] if i in created
        else created[item.reply_to_item] if item.reply_to_item is not None
        else locked[item.reply_to]  # type: ignore[index]
        for i, item in enumerate(items)
    ]
    messages = []
    for item, ticket in zip(items, targets, strict=True):
        markup, text = body_to_html(item.body, is_html=item.body_is_html)
        messages.append(Message(
            ticket=ticket, author=None, author_contact=item.contact, author_role="customer",
            is_public=True, channel=item.channel, body_html=markup, body_text=text,
            created_at=now,
        ))
    Message.objects.bulk_create(messages)
    _attach(messages, uploads, now)

    events: list[TicketEvent] = []
    touched: dict[int, Ticket] = {}
    for index, (item, ticket, message) in enumerate(zip(items, targets, messages, strict=True)):
        if index in created:
            events.append(_event(ticket, EventType.CREATED, now, message=message, data={
                "subject": ticket.subject, "status": Status.NEW, "priority": ticket.priority,
                "tier": int(Tier.TIER1), "channel": item.channel, "team": ticket.team_id,
                "requester": item.contact.pk, "category": None, "tags": [],
            }))
            continue
        events.append(_event(ticket, EventType.REPLY, now, message=message,
                             data={"channel": item.channel, "public": True}))
        if ticket.status in REOPENED_BY_CUSTOMER:
            events.append(_event(ticket, EventType.STATUS, now,
                                 data={"from": ticket.status, "to": Status.OPEN}))
            ticket.status, ticket.solved_at = Status.OPEN, None
        ticket.version += 1
        ticket.updated_at = now
        touched[ticket.pk] = ticket
    TicketEvent.objects.bulk_create(events)
    if touched:
        update_rows(list(touched.values()), ["status", "solved_at", "version", "updated_at"])
    pipeline.publish([e.pk for e in events])
    return [Delivered(ticket=t, message=m, created=i in created)
            for i, (t, m) in enumerate(zip(targets, messages, strict=True))]


def _event(ticket: Ticket, type_: EventType, now: datetime, *, data: dict[str, object],
           message: Message | None = None) -> TicketEvent:
    return TicketEvent(ticket=ticket, type=type_, actor=None, actor_role="system", data=data,
                       message=message, created_at=now)


def _attach(messages: list[Message], uploads: list[list[CheckedUpload]], now: datetime) -> None:
    rows = []
    for message, checked in zip(messages, uploads, strict=True):
        for up in checked:
            att = Attachment(ticket=message.ticket, message=message, token=up.token,
                             filename=up.filename, content_type=up.content_type,
                             size=len(up.content), created_at=now)
            att.file.save(up.filename, ContentFile(up.content), save=False)
            stored_files.remember(str(att.file.name), att.file.storage)
            rows.append(att)
    if rows:
        Attachment.objects.bulk_create(rows)


@transaction.atomic
def tickets_assign_by_system(assignments: list[tuple[int, User]]) -> list[int]:
    """Assign unassigned, unsolved tickets (routing's picks); returns the ids assigned.

    As ``ticket_assign`` with no actor: an ASSIGNED event each, and a new ticket becomes
    open (a STATUS event). A ticket assigned or solved meanwhile is left alone; an assignee
    who is not an active agent is refused. The caller picks agents of each ticket's team
    (routing picks from the queue's team, and leaves tickets of another team to
    ``ticket_assign``, which checks).
    """
    for _pk, agent in assignments:
        if not agent.is_active or not agent.is_agent:
            raise ValidationError(_("Tickets can only be assigned to active agents."),
                                  code="bad_assignee")
    wanted = dict(assignments)
    tickets = list(Ticket.objects.select_for_update().filter(
        pk__in=list(wanted), assignee__isnull=True, status__in=UNSOLVED).order_by("pk"))
    now = timezone.now()
    events: list[TicketEvent] = []
    for ticket in tickets:
        agent = wanted[ticket.pk]
        events.append(_event(ticket, EventType.ASSIGNED, now,
                             data={"from": None, "to": agent.pk, "reassignment": False}))
        ticket.assignee = agent
        if ticket.status == Status.NEW:
            events.append(_event(ticket, EventType.STATUS, now,
                                 data={"from": Status.NEW, "to": Status.OPEN}))
            ticket.status, ticket.solved_at = Status.OPEN, None
        ticket.version += 1
        ticket.updated_at = now
    TicketEvent.objects.bulk_create(events)
    if tickets:
        update_rows(tickets, ["assignee", "status", "solved_at", "version", "updated_at"])
    pipeline.publish([e.pk for e in events])
    return [t.pk for t in tickets]
