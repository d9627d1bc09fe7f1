"""Ticket and queue endpoints: parse input, call one selector or service, render.

A ticket the caller may not see is always a 404 (fetched through the actor first); a
visible ticket the caller may not change is a 403 from the service.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from pydantic import BaseModel

from latido.accounts.models import User
from latido.accounts.roles import Perm, Tier
from latido.accounts.selectors import teams_visible_for
from latido.core.errors import ValidationError
from latido.customers.selectors import contact_get_for
from latido.customers.services import contact_for_user
from latido.tickets import schemas as s
from latido.tickets.access import can_see_internal, require_perm
from latido.tickets.contacts_api import router as contacts_router
from latido.tickets.enums import Channel
from latido.tickets.models import Category, CustomField, Ticket, TicketLink
from latido.tickets.selectors import (
    TicketFilters,
    queue_get_for,
    queues_for,
    ticket_get_for,
    ticket_list,
    ticket_timeline_for,
)
from latido.tickets.services import (
    ticket_assign,
    ticket_create,
    ticket_deescalate,
    ticket_escalate,
    ticket_link,
    ticket_merge,
    ticket_note,
    ticket_reply,
    ticket_update,
)

router = Router(tags=["tickets"])
router.add_router("", contacts_router)  # contact endpoints that need ticket visibility
MAX_ID = s.MAX_ID
# As ticket_get_for: not merged_into (ticket_detail needs only its id; a seventh joined
# table doubled PostgreSQL's planning time).
DETAIL_RELATED = ("requester", "organization", "team", "queue", "assignee", "category")


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _values(items: list[Any] | None) -> list[Any] | None:
    return [item.value for item in items] if items else None


def _page(actor: User, params: s.TicketListParams, *, queue: int | None) -> dict[str, Any]:
    filters = TicketFilters(
        status=_values(params.status), priority=_values(params.priority),
        tier=_values(params.tier), channel=_values(params.channel), team=params.team,
        queue=queue or params.queue, assignee=params.assignee, unassigned=params.unassigned,
        open_only=params.open_only, requester=params.requester,
    )
    page = ticket_list(actor=actor, filters=filters, sort=params.sort, cursor=params.cursor,
                       limit=params.limit)
    internal = can_see_internal(actor)
    return {"items": [s.ticket_out(t, internal=internal) for t in page.items],
            "next_cursor": page.next_cursor}


def _detail(actor: User, t: Ticket) -> dict[str, Any]:
    """Expects a ticket loaded by ticket_get_for (relations joined, tags prefetched)."""
    internal = can_see_internal(actor)
    links: list[TicketLink] = []
    collaborator_ids: list[int] = []
    public_keys: set[str] = set()
    if internal:
        links = list(TicketLink.objects.filter(Q(source=t) | Q(target=t)).order_by("id"))
        collaborator_ids = sorted(t.collaborators.values_list("id", flat=True))
    elif t.fields:
        public_keys = set(
            CustomField.objects.filter(key__in=list(t.fields), visible_to_customers=True)
            .values_list("key", flat=True)
        )
    return s.ticket_detail(t, internal=internal, public_field_keys=public_keys, links=links,
                           collaborator_ids=collaborator_ids)


def _category(category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise ValidationError(_("Unknown category."), code="bad_category")
    return category


def _refuse_for_customers(payload: s.TicketCreateIn) -> None:
    agent_only = [name for name in ("team_id", "channel") if getattr(payload, name) is not None]
    if payload.tags:
        agent_only.append("tags")
    if agent_only:
        raise ValidationError(
            _("Only agents may set: %(fields)s") % {"fields": ", ".join(agent_only)},
            code="agent_only_field",
        )
    hidden = set(payload.fields) - set(
        CustomField.objects.filter(key__in=list(payload.fields), visible_to_customers=True)
        .values_list("key", flat=True)
    )
    if hidden:
        raise ValidationError(
            _("Unknown field: %(keys)s") % {"keys": ", ".join(sorted(hidden))},
            code="unknown_field",
        )


# --- tickets ----------------------------------------------------------------------------


@router.get("/tickets", response=s.TicketPage, summary="List tickets")
def list_tickets(request: HttpRequest, params: Query[s.TicketListParams]) -> Any:
    return _page(_actor(request), params, queue=None)


@router.post("/tickets", response={201: s.TicketDetail}, summary="Create a ticket")
def create_ticket(request: HttpRequest, payload: s.TicketCreateIn) -> Any:
    actor = _actor(request)
    if actor.is_customer:
        _refuse_for_customers(payload)
        own = contact_for_user(user=actor)
        requester = (own if payload.requester_id in (None, own.pk)
                     else contact_get_for(actor=actor, contact_id=payload.requester_id))
    else:
        require_perm(actor, Perm.TICKET_CREATE)
        if payload.requester_id is None:
            raise ValidationError(_("requester_id is required."), code="requester_required")
        requester = contact_get_for(actor=actor, contact_id=payload.requester_id)
    team = None
    if payload.team_id is not None:
        team = teams_visible_for(user=actor).filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationError(_("Unknown team."), code="bad_team")
    ticket = ticket_create(
        actor=actor, requester=requester, subject=payload.subject, body=payload.body,
        body_is_html=payload.body_is_html, channel=(payload.channel or Channel.API).value,
        priority=int(payload.priority), type=payload.type.value,
        category=_category(payload.category_id), team=team, tags=payload.tags,
        fields=payload.fields,
    )
    # The creator gets what they created even when routing sent it to a team they do not
    # work (an agent logging a call for another product line); later reads go through
    # the visibility rule as always.
    created = (
        Ticket.objects.select_related(*DETAIL_RELATED).prefetch_related("tags").get(pk=ticket.pk)
    )
    return _detail(actor, created)


@router.get("/tickets/{ref}", response=s.TicketDetail, summary="Get a ticket (id or LAT-123)")
def get_ticket(request: HttpRequest, ref: str) -> Any:
    actor = _actor(request)
    return _detail(actor, ticket_get_for(actor=actor, ticket_id=ref))


@router.patch("/tickets/{ref}", response=s.TicketDetail, summary="Change a ticket")
def update_ticket(request: HttpRequest, ref: str, payload: s.TicketUpdateIn) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    require_perm(actor, Perm.TICKET_UPDATE)
    category: Category | None | Literal[False] = False
    if "category_id" in payload.model_fields_set:
        category = _category(payload.category_id)
    ticket_update(
        ticket=ticket, actor=actor, expected_version=payload.version,
        status=payload.status.value if payload.status else None,
        priority=int(payload.priority) if payload.priority else None,
        type=payload.type.value if payload.type else None, category=category,
        subject=payload.subject, tags=payload.tags, fields=payload.fields,
    )
    return _detail(actor, ticket_get_for(actor=actor, ticket_id=ticket.pk))


@router.post("/tickets/{ref}/reply", response={201: s.ReplyOut}, summary="Reply publicly")
def reply(request: HttpRequest, ref: str, payload: s.ReplyIn) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    message = ticket_reply(
        ticket=ticket, actor=actor, body=payload.body, body_is_html=payload.body_is_html,
        channel=Channel.API, status=payload.status.value if payload.status else None,
        expected_version=payload.version,
    )
    return {"message": s.message_out(message), "ticket_version": ticket.version,
            "ticket_status": ticket.status}


@router.post("/tickets/{ref}/notes", response={201: s.ReplyOut}, summary="Add an internal note")
def note(request: HttpRequest, ref: str, payload: s.NoteIn) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    message = ticket_note(ticket=ticket, actor=actor, body=payload.body,
                          body_is_html=payload.body_is_html, expected_version=payload.version)
    return {"message": s.message_out(message), "ticket_version": ticket.version,
            "ticket_status": ticket.status}


@router.post("/tickets/{ref}/assign", response=s.TicketDetail, summary="Assign or unassign")
def assign(request: HttpRequest, ref: str, payload: s.AssignIn) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    require_perm(actor, Perm.TICKET_ASSIGN)
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
        if assignee is None:
            raise ValidationError(_("Unknown agent."), code="bad_assignee")
    ticket_assign(ticket=ticket, actor=actor, assignee=assignee,
                  expected_version=payload.version)
    return _detail(actor, ticket_get_for(actor=actor, ticket_id=ticket.pk))


@router.post("/tickets/{ref}/escalate", response=s.TicketDetail, summary="Escalate a tier up")
def escalate(request: HttpRequest, ref: str, payload: s.EscalateIn) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    ticket_escalate(ticket=ticket, actor=actor, to_tier=int(payload.to_tier),
                    handoff_note=payload.handoff_note, reason=payload.reason,
                    expected_version=payload.version)
    return _detail(actor, ticket_get_for(actor=actor, ticket_id=ticket.pk))


@router.post("/tickets/{ref}/deescalate", response=s.TicketDetail,
             summary="Send back to a lower tier")
def deescalate(request: HttpRequest, ref: str, payload: s.DeescalateIn) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    ticket_deescalate(ticket=ticket, actor=actor, to_tier=int(payload.to_tier),
                      note=payload.note, reason=payload.reason,
                      expected_version=payload.version)
    return _detail(actor, ticket_get_for(actor=actor, ticket_id=ticket.pk))


@router.get("/tickets/{ref}/timeline", response=s.Timeline, summary="Messages and events")
def timeline(request: HttpRequest, ref: str) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    entries = ticket_timeline_for(actor=actor, ticket=ticket)
    return s.timeline_out(entries, internal=can_see_internal(actor))


@router.post("/tickets/{ref}/links", response={201: s.LinkCreated}, summary="Link two tickets")
def link(request: HttpRequest, ref: str, payload: s.LinkIn) -> Any:
    actor = _actor(request)
    ticket = ticket_get_for(actor=actor, ticket_id=ref)
    require_perm(actor, Perm.TICKET_LINK)
    other = ticket_get_for(actor=actor, ticket_id=payload.other)
    created = ticket_link(ticket=ticket, actor=actor, other=other, kind=payload.kind.value)
    return {"source": ticket.reference, "target": other.reference, "kind": created.kind}


@router.post("/tickets/{ref}/merge", response=s.TicketDetail,
             summary="Merge this ticket into another; returns the target")
def merge(request: HttpRequest, ref: str, payload: s.MergeIn) -> Any:
    actor = _actor(request)
    source = ticket_get_for(actor=actor, ticket_id=ref)
    require_perm(actor, Perm.TICKET_LINK)
    target = ticket_get_for(actor=actor, ticket_id=payload.into)
    ticket_merge(source=source, target=target, actor=actor)
    return _detail(actor, ticket_get_for(actor=actor, ticket_id=target.pk))


# --- queues -----------------------------------------------------------------------------


class QueueOut(BaseModel):
    id: int
    name: str
    tier: Tier
    team: s.Ref
    auto_assign: bool


@router.get("/queues", response=list[QueueOut], tags=["queues"], summary="Queues I work")
def list_queues(request: HttpRequest) -> Any:
    actor = _actor(request)
    require_perm(actor, Perm.TEAM_VIEW)
    return [
        {"id": q.pk, "name": q.label, "tier": q.tier, "auto_assign": q.auto_assign,
         "team": {"id": q.team_id, "name": q.team.name}}
        for q in queues_for(actor=actor).order_by("team__name", "tier")
    ]


@router.get("/queues/{queue_id}/tickets", response=s.TicketPage, tags=["queues"],
            summary="Tickets in a queue")
def queue_tickets(
    request: HttpRequest, params: Query[s.TicketListParams],
    queue_id: int = Path(..., ge=1, le=MAX_ID),
) -> Any:
    actor = _actor(request)
    queue = queue_get_for(actor=actor, queue_id=queue_id)
    return _page(actor, params, queue=queue.pk)

