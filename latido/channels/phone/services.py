"""Writes of the phone channel: agents log calls, open tickets from calls, link calls.

A call counts as handle time (KPIS H1, H2) through its CALL TicketEvent, written once when
the call is on a ticket and over (`count_call`); its data carries the agent, the start and
the duration, and the Call row keeps the same facts for reports.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from latido.accounts.models import Team, User
from latido.accounts.roles import Perm
from latido.accounts.selectors import team_ids_for
from latido.channels.phone.models import Call
from latido.core import pipeline
from latido.core.errors import NotFound, PermissionDenied, ValidationError
from latido.customers.models import Contact, ContactIdentity
from latido.customers.services import (
    contact_add_identity,
    contact_create,
    identity_owner,
    normalize_identity,
)
from latido.tickets.access import require_visible
from latido.tickets.enums import Channel, EventType, Status
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.services import ticket_create
from latido.tickets.services.common import add_event, add_message, lock_ticket, save_ticket

MAX_DURATION_SECONDS = 24 * 3600
MAX_NOTES = 20_000
MAX_NAME = 200
# A call may be logged up to a year after it happened, and never in the future.
MAX_AGE = timedelta(days=366)
FUTURE_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class CallDetails:
    """What an agent tells about a call; checked by `check_details` before anything is written."""

    direction: str
    number: str
    started_at: datetime
    duration_seconds: int
    outcome: str = ""
    notes: str = ""
    caller_name: str = ""


def clean_number(value: str | None) -> str:
    """A phone number as ContactIdentity stores it; "" for none; ValidationError if invalid."""
    value = (value or "").strip()
    if not value:
        return ""
    return normalize_identity(ContactIdentity.Kind.PHONE, value)


def check_details(details: CallDetails) -> CallDetails:
    """The details with the number normalised; a ValidationError names the first bad field."""
    if details.direction not in Call.Direction.values:
        raise ValidationError(_("The direction must be inbound or outbound."),
                              code="bad_direction")
    if details.outcome and details.outcome not in Call.Outcome.values:
        raise ValidationError(_("Unknown call outcome."), code="bad_outcome")
    if not 0 <= details.duration_seconds <= MAX_DURATION_SECONDS:
        raise ValidationError(_("The duration must be between 0 seconds and 24 hours."),
                              code="bad_duration")
    if timezone.is_naive(details.started_at):
        raise ValidationError(_("The start time needs a time zone."), code="bad_start")
    now = timezone.now()
    if details.started_at > now + FUTURE_SLACK:
        raise ValidationError(_("The call cannot start in the future."), code="bad_start")
    if details.started_at < now - MAX_AGE:
        raise ValidationError(_("The call started more than a year ago."), code="bad_start")
    if len(details.notes) > MAX_NOTES:
        raise ValidationError(_("The call notes are too long."), code="notes_too_long")
    if len(details.caller_name) > MAX_NAME:
        raise ValidationError(_("The caller's name is longer than 200 characters."))
    return CallDetails(
        direction=details.direction, number=clean_number(details.number),
        started_at=details.started_at, duration_seconds=details.duration_seconds,
        outcome=details.outcome, notes=details.notes.strip(),
        caller_name=" ".join(details.caller_name.split()),
    )


def contact_for_number(number: str) -> Contact | None:
    """The contact owning this (normalised) phone number, if any."""
    if not number:
        return None
    ident = identity_owner(kind=ContactIdentity.Kind.PHONE, value=number)
    return ident.contact if ident else None


def contact_get_or_create_by_phone(*, number: str, name: str = "") -> Contact:
    """The contact owning the number, created with that phone identity on first call."""
    existing = contact_for_number(number)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return contact_create(name=name or number, phones=[number])
    except ValidationError:
        # Someone else created it between our look-up and insert.
        found = contact_for_number(number)
        if found is None:
            raise
        return found


def _require_call_logger(actor: User, ticket_id: int) -> None:
    require_visible(actor, ticket_id)
    if not actor.can(Perm.TICKET_WORK):
        raise PermissionDenied(_("Only agents can log calls."))


def outcome_label(outcome: str) -> str:
    """The outcome's English label, stored in the event so the timeline can show it."""
    if not outcome:
        return ""
    with translation.override("en"):
        return str(Call.Outcome(outcome).label)


def count_call(call: Call, *, ticket: Ticket) -> TicketEvent:
    """Write the call's CALL event on its (locked) ticket: the handle-time record (KPIS H1)."""
    event = add_event(ticket, EventType.CALL, actor=call.agent, data={
        "call_id": call.pk, "direction": call.direction, "number": call.number,
        "duration_seconds": call.duration_seconds, "outcome": call.outcome,
        "outcome_label": outcome_label(call.outcome), "agent": call.agent_id,
        "started_at": call.started_at.isoformat(),
    })
    call.counted_at = event.created_at
    call.save(update_fields=["counted_at"])
    return event


def _note(ticket: Ticket, *, actor: User, call: Call) -> list[TicketEvent]:
    """The call notes as an internal note (never shown to customers)."""
    if not call.notes:
        return []
    message = add_message(ticket, actor=actor, contact=None, body=call.notes, is_html=False,
                          is_public=False, channel=Channel.PHONE, uploads=[])
    return [add_event(ticket, EventType.NOTE, actor=actor, message=message,
                      data={"public": False, "call_id": call.pk})]


def _remember_number(contact: Contact, number: str) -> None:
    """Give the requester the number they called from, when nobody owns it yet."""
    if number and contact_for_number(number) is None:
        # Taken concurrently: the other contact keeps it.
        with contextlib.suppress(ValidationError):
            contact_add_identity(contact=contact, kind=ContactIdentity.Kind.PHONE, value=number)


def _write_logged_call(actor: User, ticket: Ticket, details: CallDetails) -> Call:
    """Inside a transaction, on a locked ticket: the Call, its note and its CALL event."""
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("This ticket is closed. Create a new ticket from the call."),
                              code="ticket_closed")
    owner = contact_for_number(details.number)
    if owner is None:
        _remember_number(ticket.requester, details.number)
    state = (Call.State.MISSED if details.outcome == Call.Outcome.MISSED
             else Call.State.ABANDONED if details.outcome == Call.Outcome.ABANDONED
             else Call.State.ENDED)
    call = Call.objects.create(
        ticket=ticket, contact=owner or ticket.requester, agent=actor, logged_by=actor,
        direction=details.direction, number=details.number, caller_name=details.caller_name,
        state=state, started_at=details.started_at,
        ended_at=details.started_at + timedelta(seconds=details.duration_seconds),
        duration_seconds=details.duration_seconds, outcome=details.outcome,
        notes=details.notes, created_at=timezone.now(),
    )
    events = [*_note(ticket, actor=actor, call=call), count_call(call, ticket=ticket)]
    save_ticket(ticket, [])
    pipeline.publish([e.pk for e in events])
    return call


def call_log(*, actor: User, ticket: Ticket, details: CallDetails,
             expected_version: int | None = None) -> Call:
    """Log a call an agent made or took on a ticket they can see (others: NotFound)."""
    _require_call_logger(actor, ticket.pk)
    details = check_details(details)
    with transaction.atomic():
        locked = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=expected_version)
        call = _write_logged_call(actor, locked, details)
    ticket.version = locked.version
    return call


def _caller_label(contact: Contact | None, number: str) -> str:
    if contact is not None and contact.name and contact.name != number:
        return f"{contact.name} ({number})" if number else contact.name
    return number or _("an unknown number")


def call_create_ticket(
    *, actor: User, details: CallDetails, subject: str, description: str = "",
    contact: Contact | None = None, team: Team | None = None, call: Call | None = None,
) -> Call:
    """Open a phone ticket for a call: requester from `contact`, or the number's owner, or new.

    With `call` (a call a telephony source reported, not on a ticket yet) that call is put on
    the new ticket instead of logging another one.
    """
    if not actor.can(Perm.TICKET_WORK) or not actor.can(Perm.TICKET_CREATE):
        raise PermissionDenied(_("Only agents can create tickets from calls."))
    details = check_details(details)
    if call is not None:
        _check_linkable(actor, call)
        details = CallDetails(
            direction=call.direction, number=call.number or details.number,
            started_at=call.started_at,
            duration_seconds=call.duration_seconds, outcome=details.outcome or call.outcome,
            notes=details.notes, caller_name=call.caller_name)
    if contact is None and not details.number:
        raise ValidationError(_("Give the caller's phone number or choose a contact."),
                              code="number_required")
    with transaction.atomic():
        requester = contact or (call.contact if call is not None else None) or \
            contact_get_or_create_by_phone(number=details.number, name=details.caller_name)
        body = description.strip() or _("Phone call with %(caller)s on %(when)s.") % {
            "caller": _caller_label(requester, details.number),
            "when": timezone.localtime(details.started_at).strftime("%Y-%m-%d %H:%M %Z")}
        ticket = ticket_create(actor=actor, requester=requester, subject=subject, body=body,
                               channel=Channel.PHONE, team=team or _team_for(actor))
        locked = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=None)
        if call is None:
            return _write_logged_call(actor, locked, details)
        return _attach(actor, call, locked, outcome=details.outcome, notes=details.notes)


def _team_for(actor: User) -> Team | None:
    """The default team when the agent works it, else the agent's own: they see the ticket."""
    default = Team.objects.filter(is_default=True).first()
    mine = team_ids_for(user=actor)
    if default is not None and (default.pk in mine or actor.can(Perm.SEE_ALL) or not mine):
        return default
    return Team.objects.filter(pk__in=mine).order_by("id").first()


def _check_linkable(actor: User, call: Call) -> None:
    if not actor.can(Perm.TICKET_WORK):
        raise PermissionDenied(_("Only agents can log calls."))
    if call.ticket_id is not None:
        raise ValidationError(_("This call is already on a ticket."), code="call_linked")


def _attach(actor: User, call: Call, ticket: Ticket, *, outcome: str, notes: str) -> Call:
    """Put a reported call on a locked ticket; an ended call is counted at once."""
    row = Call.objects.select_for_update().get(pk=call.pk)
    if row.ticket_id is not None:
        raise ValidationError(_("This call is already on a ticket."), code="call_linked")
    row.ticket = ticket
    row.outcome = outcome or row.outcome
    row.notes = notes or row.notes
    row.agent = row.agent or actor
    row.contact = row.contact or ticket.requester
    row.save(update_fields=["ticket", "outcome", "notes", "agent", "contact"])
    events = _note(ticket, actor=actor, call=row)
    if not row.is_live and row.counted_at is None:
        events.append(count_call(row, ticket=ticket))
    save_ticket(ticket, [])
    pipeline.publish([e.pk for e in events])
    call.ticket, call.outcome, call.notes = ticket, row.outcome, row.notes
    call.agent, call.contact, call.counted_at = row.agent, row.contact, row.counted_at
    return row


def call_link(*, actor: User, call: Call, ticket: Ticket, outcome: str = "",
              notes: str = "") -> Call:
    """Put a call reported by a telephony source on a ticket the agent can see."""
    _require_call_logger(actor, ticket.pk)
    _check_linkable(actor, call)
    if outcome and outcome not in Call.Outcome.values:
        raise ValidationError(_("Unknown call outcome."), code="bad_outcome")
    if len(notes) > MAX_NOTES:
        raise ValidationError(_("The call notes are too long."), code="notes_too_long")
    with transaction.atomic():
        locked = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=None)
        if locked.status == Status.CLOSED:
            raise ValidationError(_("This ticket is closed. Create a new ticket from the call."),
                                  code="ticket_closed")
        return _attach(actor, call, locked, outcome=outcome, notes=notes.strip())


def call_pop_dismiss(*, actor: User, call_id: int) -> None:
    """Hide the incoming-call banner of one of the agent's own calls."""
    updated = Call.objects.filter(pk=call_id, agent=actor, pop_dismissed_at__isnull=True).update(
        pop_dismissed_at=timezone.now())
    if not updated and not Call.objects.filter(pk=call_id, agent=actor).exists():
        raise NotFound(_("Call not found."))
