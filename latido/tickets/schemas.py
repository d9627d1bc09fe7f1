"""API shapes of tickets. What a customer may read is decided here, field by field.

Agent-only data sits under `internal`, which is null for customers; the serialisers below
build plain dicts from rows that the selectors already joined, so a page costs no extra
queries. Output shapes are plain pydantic models (validating a dict against them is several
times cheaper than ninja's ORM-reading Schema); input shapes are ninja Schemas.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator

from latido.accounts.roles import Tier
from latido.tickets.enums import Channel, EventType, LinkKind, Priority, Status, TicketType
from latido.tickets.models import REFERENCE_PREFIX, Message, Ticket, TicketEvent, TicketLink
from latido.tickets.selectors import TimelineEntry

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# Event data a customer may read, per event type; anything else is internal.
PUBLIC_EVENT_DATA: dict[str, tuple[str, ...]] = {
    EventType.CREATED: (),
    EventType.STATUS: ("from", "to"),
    EventType.MERGED: ("into",),
}


def _split_commas(value: Any) -> Any:
    """`?status=open,pending` and `?status=open&status=pending` mean the same."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    return value


StatusList = Annotated[list[Status] | None, BeforeValidator(_split_commas)]
PriorityList = Annotated[list[Priority] | None, BeforeValidator(_split_commas)]
TierList = Annotated[list[Tier] | None, BeforeValidator(_split_commas)]
ChannelList = Annotated[list[Channel] | None, BeforeValidator(_split_commas)]


# --- output ---------------------------------------------------------------------------


class Ref(BaseModel):
    id: int
    name: str


class TicketInternal(BaseModel):
    """What agents see and customers never do."""

    tier: Tier
    team: Ref | None
    queue_id: int | None
    assignee_id: int | None


class LinkOut(BaseModel):
    ticket_id: int
    reference: str
    kind: LinkKind
    direction: Literal["out", "in"]


class TicketDetailInternal(TicketInternal):
    tags: list[str]
    links: list[LinkOut]
    collaborator_ids: list[int]
    fields: dict[str, Any] = Field(description="Every custom field value.")


class TicketOut(BaseModel):
    id: int
    reference: str = Field(examples=["LAT-1042"])
    subject: str
    status: Status
    priority: Priority
    type: TicketType
    channel: Channel
    category: str | None
    requester: Ref
    organization: Ref | None
    assignee_name: str | None
    version: int = Field(description="Send it back with a change; a stale one gets a 409.")
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    internal: TicketInternal | None = Field(description="Null for customers.")


class TicketDetail(TicketOut):
    merged_into: str | None
    fields: dict[str, Any] = Field(description="Custom fields the reader may see.")
    internal: TicketDetailInternal | None = Field(description="Null for customers.")


class TicketPage(BaseModel):
    items: list[TicketOut]
    next_cursor: str | None


class AttachmentOut(BaseModel):
    token: str
    filename: str
    content_type: str
    size: int


class MessageOut(BaseModel):
    id: int
    author_name: str
    from_customer: bool
    is_public: bool
    channel: Channel
    body_html: str
    body_text: str
    created_at: datetime
    attachments: list[AttachmentOut]


class EventOut(BaseModel):
    id: int
    type: EventType
    actor_name: str | None
    data: dict[str, Any]
    created_at: datetime


class TimelineItem(BaseModel):
    kind: Literal["message", "event"]
    at: datetime
    message: MessageOut | None
    event: EventOut | None


class Timeline(BaseModel):
    items: list[TimelineItem]


class ReplyOut(BaseModel):
    message: MessageOut
    ticket_version: int
    ticket_status: Status


class LinkCreated(BaseModel):
    source: str
    target: str
    kind: LinkKind


# --- input ----------------------------------------------------------------------------


class TicketListParams(Schema):
    status: StatusList = None
    priority: PriorityList = None
    tier: TierList = None
    channel: ChannelList = None
    team: Id | None = None
    queue: Id | None = None
    assignee: Id | None = None
    requester: Id | None = None
    unassigned: bool = False
    open_only: bool = False
    sort: str = Field("updated", description="updated, -updated, created, -created, "
                                             "priority or -priority ('-' = oldest/lowest first)")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=100)


class TicketCreateIn(Schema):
    subject: str = Field(max_length=1000)
    body: str
    body_is_html: bool = False
    requester_id: Id | None = Field(None, description="Agents: the contact the ticket is for.")
    priority: Priority = Priority.NORMAL
    type: TicketType = TicketType.QUESTION
    category_id: Id | None = None
    team_id: Id | None = Field(None, description="Agents only.")
    channel: Channel | None = Field(None, description="Agents only; defaults to api.")
    tags: list[str] = Field(default_factory=list, description="Agents only.")
    fields: dict[str, Any] = Field(default_factory=dict)


class TicketUpdateIn(Schema):
    version: int = Field(description="The version you read; a stale one gets a 409.")
    status: Status | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    category_id: Id | None = Field(None, description="null clears the category.")
    subject: str | None = None
    tags: list[str] | None = None
    fields: dict[str, Any] | None = None


class ReplyIn(Schema):
    body: str
    body_is_html: bool = False
    status: Status | None = Field(None, description="Agents may set the status in one step.")
    version: int | None = None


class NoteIn(Schema):
    body: str
    body_is_html: bool = False
    version: int | None = None


class AssignIn(Schema):
    assignee_id: Id | None = Field(description="null unassigns.")
    version: int | None = None


class EscalateIn(Schema):
    to_tier: Tier
    handoff_note: str
    reason: str
    version: int | None = None


class DeescalateIn(Schema):
    to_tier: Tier
    note: str
    reason: str = ""
    version: int | None = None


class LinkIn(Schema):
    other: str = Field(max_length=40, description="The other ticket: id or LAT-123.")
    kind: LinkKind = LinkKind.RELATED


class MergeIn(Schema):
    into: str = Field(max_length=40, description="The ticket to merge into: id or LAT-123.")


# --- serialisers ----------------------------------------------------------------------


def _ref(obj: Any, name: str) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": name} if obj is not None else None


def ticket_out(t: Ticket, *, internal: bool) -> dict[str, Any]:
    """A list row; expects requester, organization, assignee, team and category joined."""
    assignee = t.assignee if t.assignee_id else None
    return {
        "id": t.pk, "reference": t.reference, "subject": t.subject, "status": t.status,
        "priority": t.priority, "type": t.type, "channel": t.channel,
        "category": t.category.name if t.category_id and t.category else None,
        "requester": _ref(t.requester, t.requester.name),
        "organization": _ref(t.organization, t.organization.name) if t.organization_id
        and t.organization else None,
        "assignee_name": assignee.name if assignee else None,
        "version": t.version, "created_at": t.created_at, "updated_at": t.updated_at,
        "solved_at": t.solved_at,
        "internal": {
            "tier": t.tier,
            "team": _ref(t.team, t.team.name) if t.team_id and t.team else None,
            "queue_id": t.queue_id,
            "assignee_id": t.assignee_id,
        } if internal else None,
    }


def ticket_detail(
    t: Ticket, *, internal: bool, public_field_keys: set[str], links: list[TicketLink],
    collaborator_ids: list[int],
) -> dict[str, Any]:
    data = ticket_out(t, internal=internal)
    # From the id (the foreign key is SET_NULL): no join or query for the merged ticket.
    data["merged_into"] = (
        f"{REFERENCE_PREFIX}-{t.merged_into_id}" if t.merged_into_id is not None else None)
    data["fields"] = (
        dict(t.fields) if internal else {k: v for k, v in t.fields.items()
                                         if k in public_field_keys}
    )
    if internal:
        data["internal"].update({
            "tags": sorted(tag.name for tag in t.tags.all()),
            "links": [_link_out(t, link) for link in links],
            "collaborator_ids": collaborator_ids,
            "fields": dict(t.fields),
        })
    return data


def _link_out(t: Ticket, link: TicketLink) -> dict[str, Any]:
    outgoing = link.source_id == t.pk
    other_id = link.target_id if outgoing else link.source_id
    return {"ticket_id": other_id, "reference": f"LAT-{other_id}", "kind": link.kind,
            "direction": "out" if outgoing else "in"}


def message_out(m: Message) -> dict[str, Any]:
    return {
        "id": m.pk, "author_name": m.author_name,
        "from_customer": m.author_role == "customer",
        "is_public": m.is_public, "channel": m.channel, "body_html": m.body_html,
        "body_text": m.body_text, "created_at": m.created_at,
        "attachments": [
            {"token": a.token, "filename": a.filename, "content_type": a.content_type,
             "size": a.size} for a in m.attachments.all()
        ],
    }


def event_out(e: TicketEvent, *, internal: bool) -> dict[str, Any]:
    data = dict(e.data) if internal else {
        k: e.data[k] for k in PUBLIC_EVENT_DATA.get(e.type, ()) if k in e.data
    }
    return {"id": e.pk, "type": e.type, "actor_name": e.actor.name if e.actor else None,
            "data": data, "created_at": e.created_at}


def timeline_out(entries: list[TimelineEntry], *, internal: bool) -> dict[str, Any]:
    return {"items": [
        {"kind": entry.kind, "at": entry.at,
         "message": message_out(entry.message) if entry.message else None,
         "event": event_out(entry.event, internal=internal) if entry.event else None}
        for entry in entries
    ]}
