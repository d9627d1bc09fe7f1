"""The signed telephony webhook: a PBX or CTI posts one JSON object per call event.

Signature as every Latido webhook (latido.channels.signing). Body::

    {"event": "ringing" | "answered" | "ended" | "missed" | "abandoned",
     "call_id": "<the PBX's id of the call>", "direction": "inbound" | "outbound",
     "from": "+34 600 111 222", "to": "+34 910 000 000", "caller_name": "optional",
     "agent": "agent@example.com" (or) "extension": "101",
     "started_at": "2026-11-22T10:00:00Z" (or Unix seconds), "duration": 125}

A redelivered (source, call_id, event) changes nothing. Ringing and answered calls that name
an agent show that agent a banner linking to the caller's customer record (an unknown
number becomes a new contact). Ended calls get their duration, which counts as handle time
once the call is on a ticket. Missed and abandoned calls become a CALL_MISSED event on the
caller's open ticket, or a new phone ticket so someone calls back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.channels.phone.models import AgentExtension, Call, TelephonyEvent, TelephonySource
from latido.channels.phone.services import (
    MAX_DURATION_SECONDS,
    MAX_NAME,
    clean_number,
    contact_get_or_create_by_phone,
    count_call,
)
from latido.channels.signing import Malformed, UnsupportedMediaType, secret_from_env, verify
from latido.core import pipeline
from latido.core.errors import NotFound, PayloadTooLarge, ValidationError
from latido.tickets.enums import UNSOLVED, Channel, EventType
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_create
from latido.tickets.services.common import add_event, lock_ticket, save_ticket

MAX_BODY = 64 * 1024
MAX_ID = 200
EVENTS = ("ringing", "answered", "ended", "missed", "abandoned")
# How far along a call is; an event never moves a call back (deliveries may arrive late).
_RANK = {Call.State.RINGING: 0, Call.State.ANSWERED: 1, Call.State.ENDED: 2,
         Call.State.MISSED: 2, Call.State.ABANDONED: 2}
_STATE = {"ringing": Call.State.RINGING, "answered": Call.State.ANSWERED,
          "ended": Call.State.ENDED, "missed": Call.State.MISSED,
          "abandoned": Call.State.ABANDONED}


@dataclass(frozen=True)
class CallEvent:
    event: str
    call_id: str
    direction: str
    number: str  # the customer's side: "from" of inbound calls, "to" of outbound ones
    caller_name: str
    agent_email: str
    extension: str
    started_at: datetime | None
    duration: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class WebhookResult:
    call: Call
    duplicate: bool


def _text(data: dict[str, Any], key: str, *, limit: int, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise Malformed(_("The field %(field)s is required.") % {"field": key})
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise Malformed(_("The field %(field)s must be a string.") % {"field": key})
    value = value.strip()
    if len(value) > limit:
        raise Malformed(_("The field %(field)s is too long.") % {"field": key})
    return value


def _started_at(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    moment: datetime | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            moment = None
    elif isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
    if moment is None or timezone.is_naive(moment):
        raise Malformed(_("started_at must be an ISO 8601 time with a time zone or Unix "
                          "seconds."))
    now = timezone.now()
    if not now - timedelta(days=2) <= moment <= now + timedelta(minutes=5):
        raise Malformed(_("started_at is more than two days away from now."))
    return moment


def _duration(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise Malformed(_("duration must be a number of seconds."))
    if not 0 <= value <= MAX_DURATION_SECONDS:
        raise Malformed(_("duration must be between 0 seconds and 24 hours."))
    return round(value)


def _customer_number(raw: str) -> str:
    """The normalised number; withheld or unusable values ("anonymous") become ""."""
    try:
        return clean_number(raw)
    except ValidationError:
        return ""


def parse_event(body: bytes, content_type: str = "application/json") -> CallEvent:
    """The call event in a request body; Malformed (400) says what is wrong."""
    if len(body) > MAX_BODY:
        raise PayloadTooLarge(_("The request body is larger than 64 KB."))
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType(_("Send the call event as application/json."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed(_("The request body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise Malformed(_("The request body must be a JSON object."))
    event = _text(data, "event", limit=20, required=True)
    if event not in EVENTS:
        raise Malformed(_("event must be one of: %(events)s.") % {"events": ", ".join(EVENTS)})
    direction = _text(data, "direction", limit=10) or Call.Direction.INBOUND
    if direction not in Call.Direction.values:
        raise Malformed(_("direction must be inbound or outbound."))
    side = "from" if direction == Call.Direction.INBOUND else "to"
    return CallEvent(
        event=event, call_id=_text(data, "call_id", limit=MAX_ID, required=True),
        direction=direction, number=_customer_number(_text(data, side, limit=40)),
        caller_name=" ".join(_text(data, "caller_name", limit=MAX_NAME).split()),
        agent_email=_text(data, "agent", limit=254).lower(),
        extension=_text(data, "extension", limit=40),
        started_at=_started_at(data.get("started_at")), duration=_duration(data.get("duration")),
        payload=data,
    )


def _source(source_id: int) -> tuple[TelephonySource, str]:
    source = TelephonySource.objects.filter(pk=source_id, active=True).first()
    secret = secret_from_env(source.secret_env) if source is not None else ""
    if source is None or not secret:
        raise NotFound(_("No such telephony source."))
    return source, secret


def _agent(source: TelephonySource, parsed: CallEvent) -> User | None:
    """The agent the event names by extension or email; unknown or not an agent → None."""
    user: User | None = None
    if parsed.extension:
        row = AgentExtension.objects.select_related("agent").filter(
            source=source, extension=parsed.extension).first()
        user = row.agent if row else None
    if user is None and parsed.agent_email:
        user = User.objects.filter(email__iexact=parsed.agent_email).first()
    return user if user is not None and user.can(Perm.TICKET_WORK) else None


def _call_for(source: TelephonySource, parsed: CallEvent) -> Call:
    now = timezone.now()
    contact = (contact_get_or_create_by_phone(number=parsed.number, name=parsed.caller_name)
               if parsed.number else None)
    call, _created = Call.objects.select_for_update().get_or_create(
        source=source, external_id=parsed.call_id,
        defaults={"direction": parsed.direction, "number": parsed.number,
                  "caller_name": parsed.caller_name, "contact": contact,
                  "state": Call.State.RINGING, "started_at": parsed.started_at or now,
                  "created_at": now},
    )
    return call


def _open_ticket_of(call: Call) -> Ticket | None:
    if call.contact_id is None:
        return None
    return (Ticket.objects.filter(requester_id=call.contact_id, status__in=UNSOLVED,
                                  merged_into__isnull=True)
            .order_by("-updated_at", "-id").first())


def _missed(call: Call, source: TelephonySource) -> None:
    """A CALL_MISSED event on the caller's open ticket, or a new ticket to call them back."""
    if call.ticket_id is not None or call.contact is None:
        return  # already on a ticket, or a withheld number nobody can call back
    ticket = _open_ticket_of(call)
    if ticket is None:
        label = (f"{call.contact.name} ({call.number})"
                 if call.contact.name and call.contact.name != call.number else call.number)
        ticket = ticket_create(
            actor=None, requester=call.contact, channel=Channel.PHONE, team=source.team,
            subject=_("Missed call from %(caller)s") % {"caller": label},
            body=_("Missed phone call from %(number)s at %(when)s. Please call back.") % {
                "number": call.number, "when": call.started_at.strftime("%Y-%m-%d %H:%M UTC")},
        )
    locked = lock_ticket(actor=None, ticket_id=ticket.pk, expected_version=None)
    event = add_event(locked, EventType.CALL_MISSED, actor=None, data={
        "call_id": call.pk, "direction": call.direction, "number": call.number,
        "outcome": call.outcome})
    save_ticket(locked, [])
    call.ticket = locked
    call.save(update_fields=["ticket"])
    pipeline.publish([event.pk])


def _finish(call: Call, parsed: CallEvent, now: datetime) -> bool:
    """Apply an ended, missed or abandoned event; False when it no longer applies.

    A call ends once: a late or second final event (a ring group's "missed" for the agents
    who did not pick up a call someone answered) changes nothing.
    """
    if _RANK[Call.State(call.state)] == _RANK[Call.State.ENDED]:
        return False
    if parsed.event != "ended" and call.answered_at is not None:
        return False
    call.state = _STATE[parsed.event]
    call.ended_at = now
    if parsed.event == "ended":
        answered = call.answered_at or call.started_at
        call.duration_seconds = (parsed.duration if parsed.duration is not None
                                 else max(0, int((now - answered).total_seconds())))
    else:
        call.outcome = Call.Outcome(parsed.event)
        call.duration_seconds = 0
    return True


def _apply(call: Call, source: TelephonySource, parsed: CallEvent) -> None:
    now = timezone.now()
    agent = _agent(source, parsed)
    if agent is not None and agent.pk != call.agent_id:
        call.agent, call.pop_dismissed_at = agent, None
    call.caller_name = call.caller_name or parsed.caller_name
    finished = False
    if parsed.event in ("ringing", "answered"):
        if _RANK[_STATE[parsed.event]] > _RANK[Call.State(call.state)]:
            call.state = _STATE[parsed.event]
        if parsed.event == "answered" and call.is_live and call.answered_at is None:
            call.answered_at = now
    else:
        finished = _finish(call, parsed, now)
    call.save()
    if finished and parsed.event in ("missed", "abandoned"):
        _missed(call, source)
    elif finished and call.ticket_id is not None and call.counted_at is None:
        locked = lock_ticket(actor=None, ticket_id=call.ticket_id, expected_version=None)
        event = count_call(call, ticket=locked)
        save_ticket(locked, [])
        pipeline.publish([event.pk])


def telephony_event_receive(
    *, source_id: int, body: bytes, timestamp: str | None, signature: str | None,
    content_type: str = "application/json",
) -> WebhookResult:
    """Verify one delivery and apply it; nothing is stored for a rejected one."""
    source, secret = _source(source_id)
    verify(secret, timestamp, signature, body)
    parsed = parse_event(body, content_type)
    with transaction.atomic():
        call = _call_for(source, parsed)
        try:
            with transaction.atomic():
                TelephonyEvent.objects.create(
                    source=source, external_call_id=parsed.call_id, event=parsed.event,
                    call=call, payload=parsed.payload, received_at=timezone.now())
        except IntegrityError:
            return WebhookResult(call=call, duplicate=True)
        _apply(call, source, parsed)
    return WebhookResult(call=call, duplicate=False)
