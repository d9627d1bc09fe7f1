"""API shapes of contacts and organizations (no internal notes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import BaseModel

from latido.customers.models import Contact, ContactIdentity, Organization

MAX_ID = 2**63 - 1


class OrganizationRef(BaseModel):
    id: int
    name: str


class SocialHandle(BaseModel):
    platform: str = Field(max_length=40)
    handle: str = Field(max_length=254)


class ContactOut(BaseModel):
    id: int
    name: str
    organization: OrganizationRef | None
    emails: list[str]
    phones: list[str]
    socials: list[SocialHandle]
    created_at: datetime


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None


class ContactListParams(Schema):
    q: str = Field("", max_length=200, description="Part of a name, email, phone or handle.")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=100)


class ContactIn(Schema):
    name: str = Field(max_length=200)
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)
    socials: list[SocialHandle] = Field(default_factory=list, max_length=20)
    organization_id: int | None = Field(None, ge=1, le=MAX_ID)


class OrganizationOut(BaseModel):
    id: int
    name: str
    domain: str
    shares_tickets: bool
    created_at: datetime


class OrganizationPage(BaseModel):
    items: list[OrganizationOut]
    next_cursor: str | None


class PageParams(Schema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=100)


def contact_out(c: Contact) -> dict[str, Any]:
    """Expects organization joined and identities prefetched."""
    idents = list(c.identities.all())
    return {
        "id": c.pk, "name": c.name,
        "organization": {"id": c.organization.pk, "name": c.organization.name}
        if c.organization_id and c.organization else None,
        "emails": [i.value for i in idents if i.kind == ContactIdentity.Kind.EMAIL],
        "phones": [i.value for i in idents if i.kind == ContactIdentity.Kind.PHONE],
        "socials": [{"platform": i.platform, "handle": i.value} for i in idents
                    if i.kind == ContactIdentity.Kind.SOCIAL],
        "created_at": c.created_at,
    }


def organization_out(o: Organization) -> dict[str, Any]:
    return {"id": o.pk, "name": o.name, "domain": o.domain, "shares_tickets": o.shares_tickets,
            "created_at": o.created_at}
