"""Contact and organization endpoints: agents see customer records, customers their own."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core.errors import PermissionDenied, ValidationError
from latido.core.pagination import keyset_page
from latido.customers import schemas as s
from latido.customers.selectors import (
    contact_get_for,
    contacts_search,
    organization_get_for,
    organizations_visible_for,
)
from latido.customers.services import IdentityTaken, contact_create

router = Router(tags=["contacts"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get("/contacts", response=s.ContactPage, summary="Search contacts")
def list_contacts(request: HttpRequest, params: Query[s.ContactListParams]) -> Any:
    qs = contacts_search(actor=_actor(request), q=params.q.strip())
    page = keyset_page(qs, sort="name", cursor=params.cursor, limit=params.limit)
    return {"items": [s.contact_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/contacts/{contact_id}", response=s.ContactOut, summary="Get a contact")
def get_contact(request: HttpRequest, contact_id: int = Path(..., ge=1, le=s.MAX_ID)) -> Any:
    return s.contact_out(contact_get_for(actor=_actor(request), contact_id=contact_id))


@router.post("/contacts", response={201: s.ContactOut}, summary="Create a contact")
def create_contact(request: HttpRequest, payload: s.ContactIn) -> Any:
    actor = _actor(request)
    if not actor.can(Perm.CONTACT_EDIT):
        raise PermissionDenied(_("You are not allowed to create contacts."))
    organization = None
    if payload.organization_id is not None:
        organization = (organizations_visible_for(actor=actor)
                        .filter(pk=payload.organization_id).first())
        if organization is None:
            raise ValidationError(_("Unknown organization."), code="bad_organization")
    try:
        contact = contact_create(
            name=payload.name, emails=payload.emails, phones=payload.phones,
            socials=[(h.platform, h.handle) for h in payload.socials], organization=organization,
        )
    except IdentityTaken as err:  # agents only here: name the contact to merge with
        raise err.named() from err
    return s.contact_out(contact_get_for(actor=actor, contact_id=contact.pk))


@router.get("/organizations", response=s.OrganizationPage, tags=["organizations"],
            summary="List organizations")
def list_organizations(request: HttpRequest, params: Query[s.PageParams]) -> Any:
    qs = organizations_visible_for(actor=_actor(request))
    page = keyset_page(qs, sort="name", cursor=params.cursor, limit=params.limit)
    return {"items": [s.organization_out(o) for o in page.items],
            "next_cursor": page.next_cursor}


@router.get("/organizations/{organization_id}", response=s.OrganizationOut,
            tags=["organizations"], summary="Get an organization")
def get_organization(
    request: HttpRequest, organization_id: int = Path(..., ge=1, le=s.MAX_ID)
) -> Any:
    org = organization_get_for(actor=_actor(request), organization_id=organization_id)
    return s.organization_out(org)
