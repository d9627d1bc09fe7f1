"""Email intake: store the raw bytes first, then process them into tickets exactly once.

``email_receive`` is what every transport calls (SMTP endpoint, IMAP poller, webhook): it
commits the bytes, deduplicated per mailbox by Message-ID and content hash, and schedules
``email_process``. Processing runs in one transaction with the claimed row, so a crash rolls
everything back and the message is processed again; anything unexpected puts the message in
the quarantine with the error, never loses it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.channels.email.acknowledge import acknowledgement_create
from latido.channels.email.attachments import split_attachments
from latido.channels.email.cc import cc_add_from_mail, own_addresses
from latido.channels.email.parse import parse_email
from latido.channels.email.tasks import enqueue_processing
from latido.channels.email.threads import is_participant, ticket_by_headers, ticket_by_subject
from latido.channels.inbound import InboundMessage
from latido.channels.models import EmailThreadRef, Mailbox, RawEmail
from latido.core import pipeline, stored_files
from latido.core.errors import ValidationError
from latido.customers.services import contact_get_or_create_by_email
from latido.tickets.enums import Channel, Status
from latido.tickets.models import Message
from latido.tickets.services import ticket_create, ticket_note, ticket_reply
from latido.tickets.services.create import MAX_BODY, MAX_SUBJECT, default_team

logger = logging.getLogger(__name__)

# A sender writing more than this many messages within the window is quarantined (a loop).
RATE_LIMIT_MESSAGES = 20
RATE_LIMIT_WINDOW = timedelta(minutes=10)

# What a batch looks up once for all its messages (None outside `email_process_batch`).
_lookups: ContextVar[dict[str, object] | None] = ContextVar("latido_email_batch", default=None)

_MSGID = re.compile(rb"<([^<>\s]+)>")
# What processing changes on the row (its bytes are written once, when stored).
PROCESSING_FIELDS = ("state", "error", "sender", "subject", "notes", "attempts",
                     "processed_at", "ticket", "ticket_message")


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID header without angle brackets, or None; never raises."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
        value = headers.get("Message-ID")
        if value is None:
            return None
        data = str(value).encode("utf-8", "surrogateescape")
        found = _MSGID.search(data)
        text = (found.group(1) if found else data.strip()).decode("utf-8", "replace")
        text = text.replace("\x00", "").strip()
        return text[:995] or None
    except Exception:  # noqa: BLE001
        return None


def email_receive(*, mailbox: Mailbox, raw: bytes) -> RawEmail:
    """Store the message and schedule its processing; a redelivery returns the existing row."""
    return email_store(mailbox=mailbox, raw=raw)[0]


def email_store(
    *, mailbox: Mailbox, raw: bytes, schedule: bool = True
) -> tuple[RawEmail, bool]:
    """``email_receive`` that also tells whether the row is new (False: a redelivery).

    ``schedule=False``: the caller schedules processing of new rows in the same transaction
    (the IMAP poller stores a fetched batch and enqueues one job for it).
    """
    raw = bytes(raw)
    digest = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    existing = (RawEmail.objects.filter(mailbox=mailbox, message_id=message_id, sha256=digest)
                .defer("raw"))  # the bytes are known: they are these
    found = existing.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            row = RawEmail.objects.create(
                mailbox=mailbox, message_id=message_id, sha256=digest, raw=raw, size=len(raw)
            )
            if schedule:
                enqueue_processing(row.pk)
    except IntegrityError:  # a concurrent delivery of the same message won the race
        found = existing.first()
        if found is None:
            raise
        return found, False
    return row, True


def email_store_many(*, mailbox: Mailbox, raws: list[bytes]) -> list[tuple[RawEmail, bool]]:
    """``email_store(schedule=False)`` for several messages: one lookup and one INSERT.

    Call inside a transaction. Redeliveries (stored before, or twice in ``raws``) come back
    with False. If a concurrent delivery stores one of them first, the INSERT fails and the
    messages are stored one by one instead (each a no-op when already there).
    """
    keyed = []
    for raw in raws:
        raw = bytes(raw)
        keyed.append((header_message_id(raw), hashlib.sha256(raw).hexdigest(), raw))
    ids = {message_id for message_id, _, _ in keyed if message_id is not None}
    stored = RawEmail.objects.filter(
        Q(message_id__in=ids) | Q(message_id__isnull=True), mailbox=mailbox,
        sha256__in={digest for _, digest, _ in keyed},
    ).defer("raw")  # the bytes are known: they are these
    known = {(row.message_id, row.sha256): row for row in stored}
    new: dict[tuple[str | None, str], RawEmail] = {}
    for message_id, digest, raw in keyed:
        if (message_id, digest) not in known and (message_id, digest) not in new:
            new[(message_id, digest)] = RawEmail(
                mailbox=mailbox, message_id=message_id, sha256=digest, raw=raw, size=len(raw))
    try:
        with transaction.atomic():
            RawEmail.objects.bulk_create(list(new.values()))
    except IntegrityError:
        return [email_store(mailbox=mailbox, raw=raw, schedule=False) for _, _, raw in keyed]
    result: list[tuple[RawEmail, bool]] = []
    for message_id, digest, _raw in keyed:
        key = (message_id, digest)
        if key in new:
            result.append((new.pop(key), True))
            known[key] = result[-1][0]
        else:
            result.append((known[key], False))
    return result


def _quarantine(raw_email_id: int, error: str) -> None:
    """Hold the message with the error; sender and subject filled in when they can be read."""
    summary: dict[str, str] = {}
    try:
        raw = RawEmail.objects.values_list("raw", flat=True).get(pk=raw_email_id)
        parsed = parse_email(bytes(raw))
        summary = {"sender": parsed.sender_address[:254],
                   "subject": " ".join((parsed.subject or "").split())[:250]}
    except Exception:  # noqa: BLE001 - the error being recorded matters more
        logger.exception("email %s: no summary for the quarantine", raw_email_id)
    RawEmail.objects.filter(pk=raw_email_id).update(
        state=RawEmail.State.QUARANTINED, error=error, processed_at=timezone.now(),
        attempts=F("attempts") + 1, **summary,
    )


def email_process_batch(*, raw_email_ids: list[int]) -> None:
    """Process stored messages in order in ONE transaction.

    First all together (``batch.email_process_fast``: a few statements for the batch). If
    that declines or fails, it is rolled back and each message runs under its own savepoint.
    One commit and one event-pipeline job for the whole batch instead of one each. A message
    that fails rolls back to its savepoint (its events are dropped with it) and is
    quarantined; the others commit. A kill rolls the whole batch back: nothing is half
    written, and the requeue sweep schedules the messages again. A transient database error
    (a deadlock on a ticket lock with another worker, a lock timeout) abandons the batch
    transaction and processes the messages one transaction each, as before.
    """
    from latido.channels.email.batch import Declined, email_process_fast

    try:
        with stored_files.discard_on_error(), transaction.atomic(), pipeline.batched():
            email_process_fast(raw_email_ids=raw_email_ids)
        return
    except Declined as exc:
        logger.info("email batch processed one by one: %s", exc)
    except Exception:
        logger.warning("email batch could not be processed together; one by one",
                       exc_info=True)
    token = _lookups.set({})
    try:
        with stored_files.discard_on_error(), transaction.atomic(), pipeline.batched():
            for raw_email_id in raw_email_ids:
                email_process(raw_email_id=raw_email_id, in_batch=True)
    except OperationalError:
        logger.warning("email batch rolled back on a database error; processing one by one",
                       exc_info=True)
        _lookups.set(None)
        for raw_email_id in raw_email_ids:
            email_process(raw_email_id=raw_email_id)
    finally:
        _lookups.reset(token)


def _batch_lookup(key: str, fetch: Callable[[], Any]) -> Any:
    """``fetch()``, remembered for the rest of the batch when processing one."""
    memo = _lookups.get()
    if memo is None:
        return fetch()
    if key not in memo:
        memo[key] = fetch()
    return memo[key]


def email_process(
    *, raw_email_id: int, replay: bool = False, in_batch: bool = False
) -> RawEmail:
    """Turn a stored message into a ticket or a reply; idempotent, never raises on bad mail.

    ``in_batch``: called inside ``email_process_batch``'s transaction; a transient database
    error is raised (the batch is retried one by one) instead of quarantining the message.
    """
    claimable = [RawEmail.State.RECEIVED]
    if replay:
        claimable.append(RawEmail.State.QUARANTINED)
    try:
        # Nested in a batch, the atomic block is a savepoint and `batched` drops the events of
        # a message rolled back to it; alone, its events make one pipeline job.
        with stored_files.discard_on_error(), transaction.atomic(), pipeline.batched():
            # Lock only this row (not the mailbox joined in), so mailboxes process in parallel.
            row = (
                RawEmail.objects.select_for_update(of=("self",)).select_related("mailbox")
                .filter(pk=raw_email_id, state__in=claimable).first()
            )
            if row is None:  # already processed (or unknown): nothing to do
                # Cheap for the duplicate jobs the requeue sweep adds under a backlog.
                return RawEmail.objects.defer("raw").get(pk=raw_email_id)
            row.attempts += 1
            _process(row, skip_rate_limit=replay)
            row.processed_at = timezone.now()
            row.save(update_fields=PROCESSING_FIELDS)  # never rewrites the stored bytes
            return row
    except Exception as exc:
        if in_batch and isinstance(exc, OperationalError):
            raise
        logger.exception("email %s could not be processed", raw_email_id)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        detail = detail.replace("\x00", "")[:4000]  # PostgreSQL text cannot hold NUL
        _quarantine(raw_email_id, _("Processing failed: %(error)s") % {"error": detail})
        return RawEmail.objects.get(pk=raw_email_id)


def email_replay(*, raw_email_id: int) -> RawEmail:
    """Process a quarantined message again (after a fix), skipping the sender rate limit."""
    return email_process(raw_email_id=raw_email_id, replay=True)


def _set_state(row: RawEmail, state: str, error: str = "") -> None:
    row.state = state
    row.error = error


def _process(row: RawEmail, *, skip_rate_limit: bool) -> None:
    message = parse_email(bytes(row.raw))
    row.sender = message.sender_address[:254]
    row.subject = " ".join((message.subject or "").split())[:250]
    row.notes = [str(d) for d in message.defects]
    if not message.is_usable:
        return _set_state(row, RawEmail.State.QUARANTINED,
                          _("The message has no sender address."))
    if message.should_not_answer:
        reason = (message.auto_reply_reason
                  or (_("Delivery status report (bounce).") if message.is_bounce else "")
                  or _("Mailing list or bulk mail."))
        return _set_state(row, RawEmail.State.IGNORED, str(reason))
    own = _batch_lookup("own_addresses", own_addresses)
    if message.sender_address.lower() in own:
        return _set_state(row, RawEmail.State.IGNORED,
                          _("The message was sent by one of our own mailboxes (a loop)."))
    if row.message_id and RawEmail.objects.filter(
        mailbox=row.mailbox, message_id=row.message_id, state=RawEmail.State.PROCESSED
    ).exclude(pk=row.pk).exists():
        return _set_state(row, RawEmail.State.IGNORED,
                          _("A message with this Message-ID was already processed."))
    over_limit = _over_rate_limit(row)
    if over_limit and not skip_rate_limit:
        return _set_state(row, RawEmail.State.QUARANTINED, _(
            "More than %(n)d messages from %(sender)s within %(minutes)d minutes; held as a "
            "possible mail loop."
        ) % {"n": RATE_LIMIT_MESSAGES, "sender": row.sender,
             "minutes": int(RATE_LIMIT_WINDOW.total_seconds() // 60)})
    # A replayed message from a sender over the limit is delivered, but never answered.
    _deliver(row, message, acknowledge=not over_limit)
    _set_state(row, RawEmail.State.PROCESSED)


def _over_rate_limit(row: RawEmail) -> bool:
    recent = RawEmail.objects.filter(
        sender=row.sender, received_at__gt=row.received_at - RATE_LIMIT_WINDOW,
        received_at__lte=row.received_at,
        state__in=[RawEmail.State.PROCESSED, RawEmail.State.QUARANTINED],
    ).exclude(pk=row.pk)
    return recent.count() >= RATE_LIMIT_MESSAGES


def message_body(message: InboundMessage) -> tuple[str, bool]:
    if (message.visible_html or "").strip():
        body, is_html = message.visible_html, True
    elif (message.visible_text or "").strip():
        body, is_html = message.visible_text, False
    elif (message.html or "").strip():
        body, is_html = message.html, True
    elif (message.text or "").strip():
        body, is_html = message.text, False
    else:
        body, is_html = _("(This message has no text.)"), False
    if len(body) > MAX_BODY:
        body, is_html = (message.visible_text or message.text or body)[: MAX_BODY - 200], False
        body += "\n\n" + _("[The message was shortened; the full original is kept.]")
    return body, is_html


def message_subject(message: InboundMessage) -> str:
    subject = " ".join((message.subject or "").split()) or _("(no subject)")
    return subject[:MAX_SUBJECT]


def _deliver(row: RawEmail, message: InboundMessage, *, acknowledge: bool) -> None:
    contact = contact_get_or_create_by_email(
        email=message.sender_address, name=message.sender_name[:200]
    )
    files, dropped = split_attachments(message.attachments)
    body, is_html = message_body(message)
    ticket = ticket_by_headers(message) or ticket_by_subject(message, contact)
    created: Message | None = None
    if ticket is not None and ticket.status != Status.CLOSED:
        created = ticket_reply(
            ticket=ticket, actor=None, contact=contact, channel=Channel.EMAIL, body=body,
            body_is_html=is_html, attachments=files,
        )
    else:
        ticket = ticket_create(
            actor=None, requester=contact, channel=Channel.EMAIL, subject=message_subject(message),
            body=body, body_is_html=is_html,
            team=row.mailbox.team or _batch_lookup("default_team", default_team),
            attachments=files,
        )
        created = ticket.messages.order_by("id").first()
        if acknowledge:
            acknowledgement_create(ticket=ticket, mailbox=row.mailbox, message=message,
                                   created=created)
    if is_participant(contact, ticket):
        cc_add_from_mail(ticket=ticket, message=message,
                         own=_batch_lookup("own_addresses", own_addresses))
    if dropped:
        row.notes = [*row.notes, *dropped]
        try:
            ticket_note(ticket=ticket, actor=None, body="\n".join(
                [_("Attachments of the email that were not added:"), *dropped]))
        except ValidationError:
            logger.warning("could not note dropped attachments on %s", ticket.pk)
    row.ticket = ticket
    row.ticket_message = created
    if message.message_id:
        EmailThreadRef.objects.create(
            message_id=message.message_id, ticket=ticket, ticket_message=created,
            direction=EmailThreadRef.Direction.INBOUND,
        )


def mailbox_for_address(address: str) -> Mailbox | None:
    """The active mailbox receiving mail for this address, or None."""
    return Mailbox.objects.filter(address__iexact=(address or "").strip(), active=True).first()

