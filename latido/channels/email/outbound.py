"""Email out: an agent's public reply on an email ticket is mailed to the requester.

Who gets mail: a ticket whose channel is email, or that has Message-IDs on record (an email
thread), and whose requester has an email address. Portal, chat or phone tickets are answered
where they were asked. Only replies by agents (not customers, not the system) are mailed, so
mail from an auto-responder or a bounce never triggers an answer here.

Each reply becomes one ``OutboundEmail`` row (unique per event, so the pipeline may run twice)
with a Message-ID generated once. Sending claims the row with a conditional UPDATE, so a row
is handed to the SMTP server at most once per attempt and never by two workers; a failed
attempt is retried with exponential backoff, reusing the same Message-ID.

Headers: no ``Auto-Submitted`` (a human wrote the reply, RFC 3834); ``X-Auto-Response-Suppress:
OOF, AutoReply`` asks Exchange/Outlook not to answer with out-of-office or auto-replies (our
intake ignores them anyway), while delivery reports (bounces) are still allowed.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.channels.email.cc import ticket_cc_addresses
from latido.channels.email.outbound_stuck import sending_deadline
from latido.channels.email.wording import render_reply
from latido.channels.models import EmailThreadRef, Mailbox, OutboundEmail, RawEmail
from latido.core.task_backends import uses_database_backend
from latido.tickets.enums import Channel, EventType
from latido.tickets.models import Message, Ticket, TicketEvent
from latido.tickets.services import ticket_note

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)  # 1, 5, 25, 125 minutes between the attempts
BACKOFF_FACTOR = 5
# A queued row whose send job was lost (a broker restart) is picked up by the retry job.
QUEUED_STALE_AFTER = timedelta(minutes=5)
MAX_REFERENCES = 20
NOT_AGENT_ROLES = ("", "customer", "system")


def backoff(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts."""
    return BACKOFF_BASE * (BACKOFF_FACTOR ** max(attempts - 1, 0))


# Channels whose requester waits for our answer in their inbox: mail, and the embeddable web
# form (its visitors have no portal login). Chat, social and phone answer on their own channel.
EMAIL_ANSWERED_CHANNELS = (Channel.EMAIL, Channel.WEB)


def reachable_by_email(ticket: Ticket) -> bool:
    if ticket.channel in EMAIL_ANSWERED_CHANNELS:
        return True
    return EmailThreadRef.objects.filter(ticket=ticket).exists()


def _mailbox_for(ticket: Ticket) -> Mailbox | None:
    raw = (RawEmail.objects.filter(ticket=ticket, mailbox__active=True)
           .select_related("mailbox").order_by("received_at", "id").first())
    if raw is not None:
        return raw.mailbox
    return Mailbox.objects.filter(active=True).order_by("id").first()


def sender_of(mailbox: Mailbox | None) -> tuple[str, str]:
    """The From header and the domain for Message-IDs."""
    if mailbox is None:
        return str(settings.DEFAULT_FROM_EMAIL), _domain(str(settings.DEFAULT_FROM_EMAIL))
    return formataddr((mailbox.name, mailbox.address)), _domain(mailbox.address)


def new_message_id(ticket: Ticket, domain: str, part: str) -> str:
    return f"latido.{ticket.pk}.{part}.{secrets.token_hex(8)}@{domain}"


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "latido.localhost"


def _subject(ticket: Ticket) -> str:
    subject = " ".join(ticket.subject.split())
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    tag = f"[{ticket.reference}]"
    if tag.lower() not in subject.lower():
        subject = f"{subject} {tag}"
    return subject[:300]


def _thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    refs = list(EmailThreadRef.objects.filter(ticket=ticket).order_by("id")
                .values_list("message_id", "direction"))
    inbound = [mid for mid, direction in refs if direction == EmailThreadRef.Direction.INBOUND]
    chain = list(dict.fromkeys(mid for mid, _direction in refs))[-MAX_REFERENCES:]
    return (inbound[-1] if inbound else ""), chain


def outbound_create(*, event: TicketEvent) -> OutboundEmail | None:
    """The outgoing email for this reply event, created once; None when nothing is sent."""
    if event.type != EventType.REPLY or event.actor_role in NOT_AGENT_ROLES:
        return None  # customers' and the system's replies are not mailed (never were)
    existing = OutboundEmail.objects.filter(event_id=event.pk).first()
    if existing is not None:
        return existing
    message: Message | None = event.message
    ticket = event.ticket
    if (message is None or not message.is_public or ticket.merged_into_id
            or not reachable_by_email(ticket)):
        return None
    to = ticket.requester.primary_email
    if not to:
        return None
    mailbox = _mailbox_for(ticket)
    sender, domain = sender_of(mailbox)
    message_id = new_message_id(ticket, domain, str(message.pk))
    in_reply_to, chain = _thread_headers(ticket)
    cc = [a for a in ticket_cc_addresses(ticket) if a != to.lower()]
    wrapped = render_reply(ticket=ticket, mailbox=mailbox, body_text=message.body_text,
                           body_html=message.body_html)
    try:
        with transaction.atomic():
            row = OutboundEmail.objects.create(
                ticket=ticket, ticket_message=message, event_id=event.pk, mailbox=mailbox,
                from_address=sender, to_address=to, cc=cc, subject=_subject(ticket),
                message_id=message_id, in_reply_to=in_reply_to, references=" ".join(chain),
                language=wrapped.language, body_text=wrapped.text, body_html=wrapped.html,
            )
            EmailThreadRef.objects.create(
                message_id=message_id, ticket=ticket, ticket_message=message,
                direction=EmailThreadRef.Direction.OUTBOUND,
            )
            enqueue_sending(row.pk)
    except IntegrityError:  # the same event handled concurrently
        return OutboundEmail.objects.filter(event_id=event.pk).first()
    return row


def enqueue_sending(outbound_id: int) -> None:
    """Schedule the send once the row is committed (in the same transaction with a DB queue)."""
    from latido.channels.email.tasks import send_outbound_email

    if uses_database_backend():
        send_outbound_email.enqueue(outbound_id)
    else:
        transaction.on_commit(lambda: send_outbound_email.enqueue(outbound_id))


def _bracket(message_id: str) -> str:
    return f"<{message_id}>"


def _build(row: OutboundEmail) -> EmailMultiAlternatives:
    message = row.ticket_message
    headers = {"Message-ID": _bracket(row.message_id),
               "X-Auto-Response-Suppress": "OOF, AutoReply"}
    if row.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT:
        # RFC 3834: an automatic answer says so, and asks other robots not to answer it.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    if row.in_reply_to:
        headers["In-Reply-To"] = _bracket(row.in_reply_to)
    refs = [r for r in row.references.split() if r]
    if refs:
        headers["References"] = " ".join(_bracket(r) for r in refs)
    text = row.body_text or (message.body_text if message else "")
    html = row.body_html or (message.body_html if message else "")
    mail = EmailMultiAlternatives(
        subject=row.subject, body=text, from_email=row.from_address,
        to=[row.to_address], cc=list(row.cc or []), headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    if message is not None and row.kind == OutboundEmail.Kind.REPLY:
        for att in message.attachments.order_by("id"):
            with att.file.open("rb") as fh:
                mail.attach(att.filename, fh.read(), att.content_type)
    return mail


def _claimable(now: object) -> Q:
    return Q(state=OutboundEmail.State.QUEUED) | Q(
        state=OutboundEmail.State.FAILED, next_attempt_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    )


def outbound_send(*, outbound_id: int) -> OutboundEmail | None:
    """Send one queued (or failed and due) email; a row claimed elsewhere is left alone."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(_claimable(now), pk=outbound_id).update(
        state=OutboundEmail.State.SENDING, next_attempt_at=sending_deadline())
    if not claimed:
        return OutboundEmail.objects.filter(pk=outbound_id).first()
    row = OutboundEmail.objects.select_related("ticket_message", "ticket").get(pk=outbound_id)
    try:
        _build(row).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded, not raised
        _failed(row, f"{type(exc).__name__}: {exc}".replace("\x00", "")[:2000])
    else:
        OutboundEmail.objects.filter(pk=row.pk).update(
            state=OutboundEmail.State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1,
            next_attempt_at=None, last_error="")
    row.refresh_from_db()
    return row


def _failed(row: OutboundEmail, error: str) -> None:
    attempts = row.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    logger.warning("outgoing email %s failed (attempt %d): %s", row.pk, attempts, error)
    OutboundEmail.objects.filter(pk=row.pk).update(
        state=OutboundEmail.State.FAILED, attempts=attempts, last_error=error,
        next_attempt_at=None if final else timezone.now() + backoff(attempts))
    if final and row.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT:
        ticket_note(ticket=row.ticket, actor=None, body=_(
            "The acknowledgement to %(to)s could not be delivered after %(n)d attempts: "
            "%(error)s") % {"to": row.to_address, "n": attempts, "error": error})
    elif final:
        ticket_note(ticket=row.ticket, actor=None, body=_(
            "The email reply to %(to)s could not be delivered after %(n)d attempts: %(error)s"
        ) % {"to": row.to_address, "n": attempts, "error": error})


def due_for_retry() -> QuerySet[OutboundEmail]:
    now = timezone.now()
    return OutboundEmail.objects.filter(
        Q(state=OutboundEmail.State.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS)
        | Q(state=OutboundEmail.State.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER)
    ).order_by("next_attempt_at", "id")
