"""The automatic acknowledgement of an email that opened a new ticket.

Sent only when the mailbox has it switched on, and only for human mail: intake has already
ignored auto-replies, bounces and list mail (``classify``), and the caller passes
``acknowledge=False`` when the sender is over the rate limit. A sender whose address says it
takes no answers (noreply@, owner-…, …-request@) gets none either (RFC 3834 section 2).

The acknowledgement is an ``OutboundEmail`` of kind ``ack`` (at most one per ticket, a
database constraint) sent by the same claim-and-retry path as agents' replies. It answers the
customer's Message-ID, carries a Message-ID of its own (recorded as a thread reference) and
the ticket reference in the subject, so the customer's answer threads into the ticket.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from latido.channels.email.outbound import enqueue_sending, new_message_id, sender_of
from latido.channels.email.wording import render_acknowledgement
from latido.channels.inbound import InboundMessage
from latido.channels.models import EmailThreadRef, Mailbox, OutboundEmail
from latido.tickets.models import Message, Ticket

_NO_ANSWER = re.compile(
    r"^(no-?reply|do-?not-?reply|noreply-|bounces?[+-]|owner-|mailer-daemon|postmaster)"
    r"|-request$", re.IGNORECASE)


def wants_no_answer(address: str) -> bool:
    local = address.rpartition("@")[0]
    return bool(_NO_ANSWER.search(local))


def acknowledgement_create(
    *, ticket: Ticket, mailbox: Mailbox, message: InboundMessage, created: Message | None,
) -> OutboundEmail | None:
    """Queue the acknowledgement of a new ticket; None when the mailbox or sender wants none.

    Runs inside the transaction that processes the mail; the send is scheduled for after
    the commit, so a rolled-back processing sends nothing.
    """
    if not mailbox.acknowledge_new or wants_no_answer(message.sender_address):
        return None
    rendered = render_acknowledgement(ticket=ticket, mailbox=mailbox)
    sender, domain = sender_of(mailbox)
    message_id = new_message_id(ticket, domain, "ack")
    customer_id = message.message_id or ""
    try:
        with transaction.atomic():
            row = OutboundEmail.objects.create(
                ticket=ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT, ticket_message=created,
                mailbox=mailbox, from_address=sender, to_address=message.sender_address,
                subject=rendered.subject, message_id=message_id, in_reply_to=customer_id,
                references=customer_id, language=rendered.language, body_text=rendered.text,
                body_html=rendered.html,
            )
            EmailThreadRef.objects.create(
                message_id=message_id, ticket=ticket, ticket_message=None,
                direction=EmailThreadRef.Direction.OUTBOUND,
            )
            enqueue_sending(row.pk)
    except IntegrityError:  # already acknowledged (a replay of the same mail)
        return OutboundEmail.objects.filter(
            ticket=ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).first()
    return row
