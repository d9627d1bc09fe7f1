"""A ticket's CC list: who is copied on its email replies.

The list starts from the customer's mail (its Cc addresses, and To addresses other than our
own mailboxes, the usual "reply all" audience), grows when a participant's later mail copies
someone new, and agents edit it on the ticket page. Addresses are stored lower-cased; our own
mailboxes and the requester are never on it (a loop, a duplicate copy).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.channels.inbound import Address, InboundMessage
from latido.channels.models import EmailTicketCc, Mailbox
from latido.core import pipeline
from latido.core.errors import PermissionDenied, ValidationError
from latido.tickets.access import require_visible
from latido.tickets.enums import EventType
from latido.tickets.models import Ticket
from latido.tickets.services.common import add_event, lock_ticket, save_ticket

MAX_CC = 20
CC_FIELD = "CC"


def ticket_cc_addresses(ticket: Ticket) -> list[str]:
    return list(EmailTicketCc.objects.filter(ticket=ticket).order_by("id")
                .values_list("address", flat=True))


def own_addresses() -> set[str]:
    """Our mailboxes' addresses, lower-cased."""
    return {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}


def _requester_addresses(ticket: Ticket) -> set[str]:
    return {v.lower() for v in ticket.requester.identities.filter(kind="email")
            .values_list("value", flat=True)}


def cc_add_from_mail(
    *, ticket: Ticket, message: InboundMessage, own: set[str] | None = None
) -> list[str]:
    """Add the mail's Cc and extra To addresses to the ticket's CC list; returns the new ones.

    Called while processing a participant's mail (inside its transaction). Bounded by MAX_CC.
    ``own``: our mailboxes' addresses when the caller has them (looked up otherwise).
    """
    sender = message.sender_address.lower()
    candidates: list[Address] = [
        a for a in [*message.cc, *message.to] if a.address and a.address.lower() != sender]
    if not candidates:
        return []
    own = own_addresses() if own is None else own
    candidates = [a for a in candidates if a.address.lower() not in own]
    if not candidates:  # the usual case: the mail went to our mailbox only
        return []
    excluded = _requester_addresses(ticket) | {sender}
    existing = set(ticket_cc_addresses(ticket))
    added: list[str] = []
    for item in candidates:
        address = item.address.strip().lower()
        if not address or address in excluded or address in existing or address in added:
            continue
        if len(existing) + len(added) >= MAX_CC:
            break
        try:
            validate_email(address)
        except DjangoValidationError:
            continue
        EmailTicketCc.objects.create(ticket=ticket, address=address, name=item.name[:200])
        added.append(address)
    return added


_SEPARATORS = re.compile(r"[,;\n\r]+")
_NAMED = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>]*)>$")


def parse_cc_input(text: str) -> list[tuple[str, str]]:
    """(name, address) pairs from what an agent typed: ``a@x.test`` or ``Name <a@x.test>``,
    separated by commas, semicolons or new lines. Anything else is refused, as typed."""
    pairs: list[tuple[str, str]] = []
    for chunk in _SEPARATORS.split(text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        named = _NAMED.match(chunk)
        name, address = ((named.group("name").strip().strip('"'), named.group("address"))
                         if named else ("", chunk))
        address = address.strip().lower()
        try:
            validate_email(address)
        except DjangoValidationError:
            raise ValidationError(_("%(value)s is not a valid email address.")
                                  % {"value": chunk[:254]}, code="bad_cc") from None
        if address not in {a for _n, a in pairs}:
            pairs.append((name[:200], address))
    return pairs


def ticket_cc_set(*, ticket: Ticket, actor: User | None, text: str) -> list[str]:
    """Replace the ticket's CC list with the addresses typed by an agent; returns the list."""
    require_visible(actor, ticket.pk)
    if actor is not None and (actor.is_customer or not actor.can(Perm.TICKET_REPLY)):
        raise PermissionDenied(_("You are not allowed to change who is copied on replies."))
    pairs = parse_cc_input(text)
    if len(pairs) > MAX_CC:
        raise ValidationError(_("A ticket can copy at most %(n)d addresses.") % {"n": MAX_CC},
                              code="too_many_cc")
    own = own_addresses()
    requester = _requester_addresses(ticket)
    for _name, address in pairs:
        if address in own:
            raise ValidationError(_("%(value)s is one of our own mailboxes.")
                                  % {"value": address}, code="bad_cc")
        if address in requester:
            raise ValidationError(_("%(value)s is the requester, who gets every reply anyway.")
                                  % {"value": address}, code="bad_cc")
    with transaction.atomic():
        locked = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=None)
        before = ticket_cc_addresses(locked)
        after = [address for _name, address in pairs]
        if before == after:
            return after
        EmailTicketCc.objects.filter(ticket=locked).exclude(address__in=after).delete()
        for name, address in pairs:
            EmailTicketCc.objects.get_or_create(ticket=locked, address=address,
                                                defaults={"name": name})
        event = add_event(locked, EventType.FIELD, actor=actor, data={
            "field": CC_FIELD, "from": ", ".join(before) or None,
            "to": ", ".join(after) or None})
        save_ticket(locked, [])
        pipeline.publish([event.pk])
    return after
