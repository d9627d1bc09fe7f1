"""A batch of stored messages processed with a few statements per batch, not per message.

``email_process_fast`` makes the same decisions as ``email_process`` does one message at a
time (quarantine, ignore, thread, open a ticket or reply) and in the same order, so a reply
in the batch threads onto a ticket an earlier message of the batch opened, and the loop
limit counts the batch's earlier mail. What it reads it reads once for the batch (senders'
contacts, thread references, tickets named in subjects, earlier mail of the senders), and
the tickets, messages, events and thread references are written by
``customer_messages_deliver`` with one INSERT each.

It is all-or-nothing and declines what it does not handle the usual way (a message that
cannot be parsed, an address that is not one, a rule a ticket service refuses):
it raises, the caller rolls the batch back and processes the messages one by one, where a
bad message is quarantined on its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from latido.channels.email.acknowledge import acknowledgement_create
from latido.channels.email.attachments import split_attachments
from latido.channels.email.cc import cc_add_from_mail, own_addresses
from latido.channels.email.ingest import (
    PROCESSING_FIELDS,
    RATE_LIMIT_MESSAGES,
    RATE_LIMIT_WINDOW,
    message_body,
    message_subject,
)
from latido.channels.email.parse import parse_email
from latido.channels.email.threads import (
    follow_merges,
    is_participant,
    subject_ticket_ids,
    ticket_by_subject,
)
from latido.channels.inbound import InboundMessage
from latido.channels.models import EmailThreadRef, Mailbox, RawEmail
from latido.core.bulk import update_rows
from latido.core.errors import ValidationError
from latido.customers.models import Contact, ContactIdentity
from latido.customers.services import contacts_get_or_create_by_email, normalize_identity
from latido.tickets.enums import Channel, Status
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_note
from latido.tickets.services.bulk import CustomerMessage, Delivered, customer_messages_deliver

COUNTED = (RawEmail.State.PROCESSED, RawEmail.State.QUARANTINED)
# How many generations of unprocessed parents a batch takes in (a reply to a reply …).
PARENT_ROUNDS = 10


class Declined(Exception):
    """The batch needs the one-by-one path (the reason is the message)."""


@dataclass
class _Item:
    row: RawEmail
    message: InboundMessage
    contact: Contact | None = None
    dropped: list[str] = field(default_factory=list)
    index: int = -1  # position among the delivered items


def email_process_fast(*, raw_email_ids: list[int]) -> None:
    """Process the batch's received messages in id order (call inside a transaction)."""
    items = [_parsed(row) for row in _claim(raw_email_ids)]
    if not items:
        return
    for _round in range(PARENT_ROUNDS):
        parents = [_parsed(row) for row in _claim_parents(items)]
        if not parents:
            break
        items = sorted([*items, *parents], key=lambda i: i.row.pk)
    rows = [i.row for i in items]
    deliver = _classify(items)
    if deliver:
        _deliver(deliver)
    now = timezone.now()
    for row in rows:
        row.processed_at = now
    update_rows(rows, PROCESSING_FIELDS)


def _claim(ids: list[int]) -> list[RawEmail]:
    """Lock the rows still to process (a row another worker holds is waited for; once it
    commits the row is processed and left out)."""
    rows = list(RawEmail.objects.select_for_update()
                .filter(pk__in=ids, state=RawEmail.State.RECEIVED).order_by("pk"))
    # Each mailbox (and its team) loaded once, not joined into every row.
    mailboxes = Mailbox.objects.select_related("team").in_bulk({r.mailbox_id for r in rows})
    for row in rows:
        row.mailbox = mailboxes[row.mailbox_id]
    return rows


def _claim_parents(items: list[_Item]) -> list[RawEmail]:
    """Stored, unprocessed mail of the same mailboxes that the batch's messages answer.

    A reply must thread onto the ticket its parent opens, but the parent may be in another
    batch, processing on another worker right now (its ticket not yet committed) or not yet
    started. Locking the parents waits for the other worker's commit, after which they are
    processed and left out; a parent nobody is processing is taken into this batch, and
    processed first (by id). Two batches each answering the other's mail deadlock: the
    database breaks it, and the caller processes that batch one by one.
    """
    ours = {i.row.pk for i in items}
    answered = {m for i in items for m in _header_ids(i.message)}
    answered -= {i.row.message_id for i in items}
    if not answered:
        return []
    mailboxes = {i.row.mailbox_id for i in items}
    pending = list(RawEmail.objects.filter(
        mailbox_id__in=mailboxes, message_id__in=answered, state=RawEmail.State.RECEIVED,
    ).exclude(pk__in=ours).values_list("pk", flat=True))
    return _claim(pending) if pending else []


def _parsed(row: RawEmail) -> _Item:
    try:
        message = parse_email(bytes(row.raw))
    except Exception as exc:
        raise Declined(f"email {row.pk} could not be parsed: {exc!r}") from exc
    row.attempts += 1
    row.sender = message.sender_address[:254]
    row.subject = " ".join((message.subject or "").split())[:250]
    row.notes = [str(d) for d in message.defects]
    return _Item(row=row, message=message)


def _classify(items: list[_Item]) -> list[_Item]:
    """Set each row's state as ``email_process`` would; the items to deliver, in order."""
    own = own_addresses()
    processed = set(
        RawEmail.objects.filter(
            mailbox_id__in={i.row.mailbox_id for i in items},
            message_id__in=[i.row.message_id for i in items if i.row.message_id],
            state=RawEmail.State.PROCESSED,
        ).values_list("mailbox_id", "message_id")
    )
    recent = _recent_mail([i.row for i in items])
    deliver: list[_Item] = []
    for item in items:
        row = item.row
        state, error = _state_before_delivery(item, own, processed, recent)
        row.state, row.error = state, error
        if state == RawEmail.State.PROCESSED:
            deliver.append(item)
            if row.message_id:
                processed.add((row.mailbox_id, row.message_id))
        if state in COUNTED:
            recent[row.sender].append(row.received_at)
    return deliver


def _state_before_delivery(
    item: _Item, own: set[str], processed: set[tuple[int, str | None]],
    recent: dict[str, list[datetime]],
) -> tuple[str, str]:
    row, message = item.row, item.message
    if not message.is_usable:
        return RawEmail.State.QUARANTINED, str(_("The message has no sender address."))
    if message.should_not_answer:
        reason = (message.auto_reply_reason
                  or (_("Delivery status report (bounce).") if message.is_bounce else "")
                  or _("Mailing list or bulk mail."))
        return RawEmail.State.IGNORED, str(reason)
    if message.sender_address.lower() in own:
        return RawEmail.State.IGNORED, str(
            _("The message was sent by one of our own mailboxes (a loop)."))
    if row.message_id and (row.mailbox_id, row.message_id) in processed:
        return RawEmail.State.IGNORED, str(
            _("A message with this Message-ID was already processed."))
    since = row.received_at - RATE_LIMIT_WINDOW
    earlier = sum(1 for at in recent[row.sender] if since < at <= row.received_at)
    if earlier >= RATE_LIMIT_MESSAGES:
        return RawEmail.State.QUARANTINED, str(_(
            "More than %(n)d messages from %(sender)s within %(minutes)d minutes; held as a "
            "possible mail loop."
        ) % {"n": RATE_LIMIT_MESSAGES, "sender": row.sender,
             "minutes": int(RATE_LIMIT_WINDOW.total_seconds() // 60)})
    return RawEmail.State.PROCESSED, ""


def _recent_mail(rows: list[RawEmail]) -> dict[str, list[datetime]]:
    """Arrival times of the senders' processed or quarantined mail within the loop window."""
    recent: dict[str, list[datetime]] = defaultdict(list)
    senders = {r.sender for r in rows}
    found = RawEmail.objects.filter(
        sender__in=senders, state__in=COUNTED,
        received_at__gt=min(r.received_at for r in rows) - RATE_LIMIT_WINDOW,
        received_at__lte=max(r.received_at for r in rows),
    ).values_list("sender", "received_at")
    for sender, at in found:
        recent[sender].append(at)
    return recent


def _contacts(items: list[_Item]) -> None:
    """Each item's sender contact, found or created for the whole batch at once."""
    try:
        values = {i.row.pk: normalize_identity(ContactIdentity.Kind.EMAIL,
                                               i.message.sender_address) for i in items}
        known = contacts_get_or_create_by_email(
            [(i.message.sender_address, i.message.sender_name[:200]) for i in items])
    except ValidationError as exc:
        raise Declined(str(exc)) from exc
    for item in items:
        item.contact = known[values[item.row.pk]]


def _header_ids(message: InboundMessage) -> list[str]:
    return [i for i in [message.in_reply_to, *reversed(message.references)] if i]


def _deliver(items: list[_Item]) -> None:
    _contacts(items)
    refs: dict[str, Ticket] = {
        r.message_id: r.ticket
        for r in EmailThreadRef.objects.filter(
            message_id__in={m for i in items for m in _header_ids(i.message)}
        ).select_related("ticket", "ticket__organization", "ticket__requester")
    }
    named = {pk for i in items for pk in subject_ticket_ids(i.message.subject)}
    by_pk = {t.pk: t for t in Ticket.objects.select_related("organization", "requester")
             .filter(pk__in=named)}
    # A reference to no stored ticket is skipped, as one by one does. (A ticket opened earlier
    # in this batch cannot be what a subject names: its reference reaches the customer only
    # by mail sent after the batch commits.)
    # Message-ID of a batch message → its ticket: a stored one, or the index of the item
    # that opens it in this batch.
    batch_refs: dict[str, Ticket | int] = {}
    specs: list[CustomerMessage] = []
    for item in items:
        message, contact = item.message, item.contact
        assert contact is not None
        files, item.dropped = split_attachments(message.attachments)
        body, is_html = message_body(message)
        spec = CustomerMessage(contact=contact, channel=Channel.EMAIL, body=body,
                               body_is_html=is_html, attachments=files)
        target = _thread(message, contact, refs, by_pk, batch_refs)
        item.index = len(specs)
        if isinstance(target, int):
            spec.reply_to_item = target
        elif target is not None and target.status != Status.CLOSED:
            spec.reply_to = target.pk
        else:
            spec.subject = message_subject(message)
            spec.team = item.row.mailbox.team
            target = item.index
        if message.message_id:
            batch_refs.setdefault(message.message_id, target)
        specs.append(spec)
    delivered = customer_messages_deliver(specs)
    _after_delivery(items, delivered)


def _thread(
    message: InboundMessage, contact: Contact, refs: dict[str, Ticket],
    by_pk: dict[int, Ticket], batch_refs: dict[str, Ticket | int],
) -> Ticket | int | None:
    """The stored ticket, or the index of the batch item opening it, this mail belongs to."""
    for msgid in _header_ids(message):
        if msgid in refs:  # stored references win, as the older rows do one by one
            return follow_merges(refs[msgid])
        if msgid in batch_refs:
            return batch_refs[msgid]
    return ticket_by_subject(message, contact, named=by_pk)


def _after_delivery(items: list[_Item], delivered: list[Delivered]) -> None:
    own = own_addresses()
    thread_refs = []
    for item in items:
        row, message, contact = item.row, item.message, item.contact
        assert contact is not None
        result = delivered[item.index]
        ticket, created = result.ticket, result.message
        if result.created:
            acknowledgement_create(ticket=ticket, mailbox=row.mailbox, message=message,
                                   created=created)
        sender = message.sender_address.lower()
        if any(a.address and a.address.lower() not in own and a.address.lower() != sender
               for a in [*message.cc, *message.to]) and is_participant(contact, ticket):
            cc_add_from_mail(ticket=ticket, message=message, own=own)
        if item.dropped:
            row.notes = [*row.notes, *item.dropped]
            ticket_note(ticket=ticket, actor=None, body="\n".join(
                [_("Attachments of the email that were not added:"), *item.dropped]))
        row.ticket, row.ticket_message = ticket, created
        if message.message_id:
            thread_refs.append(EmailThreadRef(
                message_id=message.message_id, ticket=ticket, ticket_message=created,
                direction=EmailThreadRef.Direction.INBOUND))
    EmailThreadRef.objects.bulk_create(thread_refs)
