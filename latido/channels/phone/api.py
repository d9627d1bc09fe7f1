"""API routes of this channel (mounted under /api/v1/channels/phone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, cast

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel

from latido.accounts.models import Team, User
from latido.channels.phone.models import Call
from latido.channels.phone.selectors import calls_for_ticket, unlinked_call_for
from latido.channels.phone.services import CallDetails, call_create_ticket, call_link, call_log
from latido.channels.phone.webhook import telephony_event_receive
from latido.core.errors import NotFound
from latido.customers.selectors import contact_get_for
from latido.tickets.selectors import ticket_get_for

router = Router(tags=["phone"])

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class CallIn(Schema):
    """A call to log: on `ticket_id`, or (without it) on a new ticket with `subject`."""

    ticket_id: Id | None = None
    direction: Call.Direction = Call.Direction.INBOUND
    number: str = Field("", max_length=40)
    caller_name: str = Field("", max_length=200)
    started_at: datetime | None = Field(None, description="Default: now minus the duration.")
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    outcome: Call.Outcome | None = None
    notes: str = Field("", max_length=20_000, description="Internal; never shown to customers.")
    subject: str = Field("", max_length=250, description="For a new ticket.")
    description: str = Field("", max_length=20_000, description="For a new ticket (public).")
    contact_id: Id | None = Field(None, description="Requester of a new ticket; default: the "
                                  "contact owning `number`, created when unknown.")
    team_id: Id | None = None


class CallLinkIn(Schema):
    """Put a call a telephony source reported (on no ticket yet) on a ticket."""

    ticket_id: Id
    outcome: Call.Outcome | None = None
    notes: str = Field("", max_length=20_000, description="Internal; never shown to customers.")


class CallOut(BaseModel):
    id: int
    ticket_id: int | None
    contact_id: int | None
    agent_id: int | None
    direction: str
    number: str
    caller_name: str
    state: str
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int
    outcome: str
    notes: str
    source_id: int | None
    external_id: str


class CallList(BaseModel):
    items: list[CallOut]


class WebhookAccepted(BaseModel):
    call_id: int
    ticket_id: int | None
    duplicate: bool


def call_out(call: Call) -> CallOut:
    return CallOut(
        id=call.pk, ticket_id=call.ticket_id, contact_id=call.contact_id,
        agent_id=call.agent_id, direction=call.direction, number=call.number,
        caller_name=call.caller_name, state=call.state, started_at=call.started_at,
        ended_at=call.ended_at, duration_seconds=call.duration_seconds, outcome=call.outcome,
        notes=call.notes, source_id=call.source_id, external_id=call.external_id,
    )


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.post("/calls", response={201: CallOut}, summary="Log a call (on a ticket or a new one)")
def call_create(request: HttpRequest, payload: CallIn) -> Status[CallOut]:
    actor = _actor(request)
    started = payload.started_at or (timezone.now() - timedelta(seconds=payload.duration_seconds))
    details = CallDetails(
        direction=payload.direction, number=payload.number, started_at=started,
        duration_seconds=payload.duration_seconds,
        outcome=payload.outcome.value if payload.outcome else "", notes=payload.notes,
        caller_name=payload.caller_name,
    )
    if payload.ticket_id is not None:
        ticket = ticket_get_for(actor=actor, ticket_id=payload.ticket_id)
        return Status(201, call_out(call_log(actor=actor, ticket=ticket, details=details)))
    contact = (contact_get_for(actor=actor, contact_id=payload.contact_id)
               if payload.contact_id is not None else None)
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise NotFound(_("There is no team with this id."))
    call = call_create_ticket(actor=actor, details=details, subject=payload.subject,
                              description=payload.description, contact=contact, team=team)
    return Status(201, call_out(call))


@router.post("/calls/{call_id}/link", response=CallOut,
             summary="Put a reported call on a ticket (counted as handle time once ended)")
def call_link_to_ticket(request: HttpRequest, call_id: Id, payload: CallLinkIn) -> CallOut:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=payload.ticket_id)
    call = unlinked_call_for(actor=actor, call_id=call_id)
    return call_out(call_link(
        actor=actor, call=call, ticket=ticket,
        outcome=payload.outcome.value if payload.outcome else "", notes=payload.notes))


@router.get("/tickets/{ticket_id}/calls", response=CallList, summary="Calls of a ticket")
def ticket_calls(request: HttpRequest, ticket_id: Id) -> CallList:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ticket_id)
    return CallList(items=[call_out(c) for c in calls_for_ticket(actor=actor, ticket=ticket)])


@router.post(
    "/webhook/{source_id}", response={202: WebhookAccepted}, auth=None,
    summary="Receive a call event from a PBX or CTI (signed webhook)",
    description="Body: a JSON object {event: ringing|answered|ended|missed|abandoned, call_id, "
    "direction: inbound|outbound, from, to, caller_name?, agent? (email), extension?, "
    "started_at? (ISO 8601 or Unix seconds), duration? (seconds)}. Headers: "
    "X-Latido-Timestamp (Unix seconds, within 5 minutes) and X-Latido-Signature "
    "(sha256=<hex HMAC-SHA256 of timestamp + '.' + body with the source's secret>). "
    "A repeated (call_id, event) is accepted as a duplicate and changes nothing. "
    "401 bad signature, 400 malformed (the message names the field), 404 unknown or inactive "
    "source or unset secret, 413 body over 64 KB, 415 not application/json.",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object"}}}}},
)
def telephony_webhook(request: HttpRequest, source_id: Id) -> Status[WebhookAccepted]:
    result = telephony_event_receive(
        source_id=source_id, body=request.body, content_type=request.content_type or "",
        timestamp=request.headers.get("X-Latido-Timestamp"),
        signature=request.headers.get("X-Latido-Signature"),
    )
    return Status(202, WebhookAccepted(call_id=result.call.pk, ticket_id=result.call.ticket_id,
                                       duplicate=result.duplicate))
