"""API shapes of the signed-in user, their tokens, and teams."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import BaseModel

from latido.accounts.roles import Role, Tier


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    language: str
    time_zone: str
    permissions: list[str]
    team_ids: list[int]


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The first characters, to recognise the token.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(BaseModel):
    token: TokenOut
    secret: str = Field(description="Shown once; only its hash is stored.")


class TokenIn(Schema):
    name: str = Field(max_length=100)


class PersonRef(BaseModel):
    id: int
    name: str


class TeamQueue(BaseModel):
    id: int
    name: str
    tier: Tier


class TeamOut(BaseModel):
    id: int
    name: str
    slug: str
    kind: str
    lead: PersonRef | None
    queues: list[TeamQueue]
