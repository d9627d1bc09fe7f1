"""Which ticket an inbound email belongs to: Message-ID headers first, then the subject."""

from __future__ import annotations

import re

from latido.channels.inbound import InboundMessage
from latido.channels.models import EmailThreadRef, EmailTicketCc
from latido.customers.models import Contact
from latido.tickets.models import REFERENCE_PREFIX, Ticket

SUBJECT_REF = re.compile(rf"(?<![\w-])\[?{REFERENCE_PREFIX}-(\d{{1,18}})\]?(?!\w)", re.I)


def follow_merges(ticket: Ticket) -> Ticket:
    """The ticket this one was merged into (and so on), or itself."""
    seen = {ticket.pk}
    while ticket.merged_into_id and ticket.merged_into_id not in seen:
        ticket = Ticket.objects.select_related("organization", "requester").get(
            pk=ticket.merged_into_id)
        seen.add(ticket.pk)
    return ticket


def is_participant(contact: Contact, ticket: Ticket) -> bool:
    """The requester, an address on the ticket's CC list, or a member of the requester's
    organization when it shares tickets."""
    if contact.pk == ticket.requester_id:
        return True
    emails = [v.lower() for v in contact.identities.filter(kind="email")
              .values_list("value", flat=True)]
    if emails and EmailTicketCc.objects.filter(ticket=ticket, address__in=emails).exists():
        return True
    if ticket.organization_id is None or contact.organization_id != ticket.organization_id:
        return False
    org = ticket.organization
    return bool(org and org.shares_tickets)


def ticket_by_headers(message: InboundMessage) -> Ticket | None:
    """The ticket of the newest known Message-ID among In-Reply-To and References."""
    ids = [i for i in [message.in_reply_to, *reversed(message.references)] if i]
    if not ids:
        return None
    refs = {
        r.message_id: r.ticket
        for r in EmailThreadRef.objects.filter(message_id__in=ids).select_related("ticket")
    }
    for msgid in ids:
        if msgid in refs:
            return follow_merges(refs[msgid])
    return None


def subject_ticket_ids(subject: str | None) -> list[int]:
    """The ticket ids a subject names (``LAT-123``), in order."""
    return [int(m.group(1)) for m in SUBJECT_REF.finditer(subject or "")]


def ticket_by_subject(
    message: InboundMessage, contact: Contact, named: dict[int, Ticket] | None = None,
) -> Ticket | None:
    """The ticket named in the subject, but only if the sender takes part in it.

    ``named``: the named tickets already read (a batch reads all its subjects' at once).
    """
    ids = subject_ticket_ids(message.subject)
    if named is None:
        named = {t.pk: t for t in Ticket.objects.select_related("organization", "requester")
                 .filter(pk__in=ids)}
    for pk in ids:
        ticket = named.get(pk)
        if ticket is None:
            continue
        ticket = follow_merges(ticket)
        if is_participant(contact, ticket):
            return ticket
    return None
