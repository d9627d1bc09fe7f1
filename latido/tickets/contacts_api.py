"""Contact endpoints that depend on ticket visibility: resolve, identities, merge, history.

They live in the tickets layer because who may open a contact follows from which of its
tickets one can see (`latido.tickets.contact_selectors`). Customers and collaborators get
a 404 for reads; writes by them are a 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import BaseModel

from latido.accounts.models import User
from latido.core.errors import NotFound
from latido.customers import schemas as cs
from latido.customers.models import Contact
from latido.customers.selectors import contact_resolve
from latido.tickets.contact_selectors import contact_get_for_agent, contact_history_for
from latido.tickets.presentation import present_timeline
from latido.tickets.services import contact_identity_add, contact_identity_remove, contact_merge

router = Router(tags=["contacts"])
MAX_ID = cs.MAX_ID


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _out(actor: User, contact_id: int) -> dict[str, Any]:
    return cs.contact_out(contact_get_for_agent(actor=actor, contact_id=contact_id))


class ResolveParams(Schema):
    kind: Literal["email", "phone", "social"]
    value: str = Field(max_length=254, description="Any spelling: case, spaces, 00 or + prefix.")
    platform: str = Field("", max_length=40, description="For social handles: twitter, ...")


class IdentityIn(Schema):
    kind: Literal["email", "phone", "social"]
    value: str = Field(max_length=254)
    platform: str = Field("", max_length=40, description="Required for social handles.")


class IdentityOut(BaseModel):
    id: int
    kind: str
    platform: str
    value: str


class ContactIdentitiesOut(cs.ContactOut):
    identities: list[IdentityOut]


class MergeIn(Schema):
    source_id: int = Field(ge=1, le=MAX_ID, description="The duplicate, merged into this one.")


class MergeOut(BaseModel):
    contact: ContactIdentitiesOut
    merged_contact_id: int
    merged_contact_name: str
    moved_ticket_ids: list[int]


class HistoryParams(Schema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=100)


class HistoryItem(BaseModel):
    kind: Literal["message", "event"]
    at: datetime
    ticket: str = Field(description="The ticket reference, e.g. LAT-12.")
    ticket_subject: str
    channel: str = Field(description="The message's channel, or the ticket's for events.")
    type: str | None = Field(description="The event type (call, chat_ended, ...); null for "
                                         "messages.")
    author: str | None
    text: str = Field(description="The message's text, or the event as a sentence.")


class HistoryPage(BaseModel):
    items: list[HistoryItem]
    next_cursor: str | None


def _with_identities(actor: User, contact_id: int) -> dict[str, Any]:
    contact = contact_get_for_agent(actor=actor, contact_id=contact_id)
    rows = sorted(contact.identities.all(), key=lambda i: (i.kind, i.platform, i.value))
    return {**cs.contact_out(contact),
            "identities": [{"id": i.pk, "kind": i.kind, "platform": i.platform,
                            "value": i.value} for i in rows]}


@router.get("/contacts/resolve", response=ContactIdentitiesOut,
            summary="Find the contact owning an email, phone or handle")
def resolve_contact(request: HttpRequest, params: Query[ResolveParams]) -> Any:
    actor = _actor(request)
    contact = contact_resolve(params.kind, params.value, params.platform)
    if contact is None:
        raise NotFound(_("Contact not found."))
    return _with_identities(actor, contact.pk)


@router.get("/contacts/{contact_id}/identities", response=ContactIdentitiesOut,
            summary="A contact with the ids of its identities")
def contact_identities(request: HttpRequest,
                       contact_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return _with_identities(_actor(request), contact_id)


@router.post("/contacts/{contact_id}/identities", response={201: ContactIdentitiesOut},
             summary="Add an email, phone or social handle to a contact")
def add_identity(request: HttpRequest, payload: IdentityIn,
                 contact_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    actor = _actor(request)
    contact = Contact.objects.filter(pk=contact_id).first() or Contact(pk=contact_id)
    contact_identity_add(actor=actor, contact=contact, kind=payload.kind, value=payload.value,
                         platform=payload.platform)
    return Status(201, _with_identities(actor, contact_id))


@router.delete("/contacts/{contact_id}/identities/{identity_id}",
               response=ContactIdentitiesOut, summary="Remove an identity from a contact")
def remove_identity(request: HttpRequest, contact_id: int = Path(..., ge=1, le=MAX_ID),
                    identity_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    actor = _actor(request)
    contact = Contact.objects.filter(pk=contact_id).first() or Contact(pk=contact_id)
    contact_identity_remove(actor=actor, contact=contact, identity_id=identity_id)
    return _with_identities(actor, contact_id)


@router.post("/contacts/{contact_id}/merge", response=MergeOut,
             summary="Merge a duplicate contact into this one (its tickets follow)")
def merge_contact(request: HttpRequest, payload: MergeIn,
                  contact_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    actor = _actor(request)
    target = Contact.objects.filter(pk=contact_id).first() or Contact(pk=contact_id)
    source = Contact.objects.filter(pk=payload.source_id).first() or Contact(
        pk=payload.source_id)
    record = contact_merge(actor=actor, source=source, target=target)
    return {"contact": _with_identities(actor, contact_id),
            "merged_contact_id": record.source_id, "merged_contact_name": record.source_name,
            "moved_ticket_ids": record.ticket_ids}


@router.get("/contacts/{contact_id}/history", response=HistoryPage,
            summary="Public messages, calls and chats across a contact's tickets, newest first")
def contact_history(request: HttpRequest, params: Query[HistoryParams],
                    contact_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    actor = _actor(request)
    contact = contact_get_for_agent(actor=actor, contact_id=contact_id)
    page = contact_history_for(actor=actor, contact=contact, cursor=params.cursor,
                               limit=params.limit)
    items = []
    for item, entry, ticket in zip(present_timeline(page.entries), page.entries, page.tickets,
                                   strict=True):
        message = entry.message
        items.append({
            "kind": item.kind, "at": item.at, "ticket": ticket.reference,
            "ticket_subject": ticket.subject,
            "channel": message.channel if message else ticket.channel,
            "type": entry.event.type if entry.event else None,
            "author": message.author_name if message else None,
            "text": message.body_text if message else item.text,
        })
    return {"items": items, "next_cursor": page.next_cursor}

