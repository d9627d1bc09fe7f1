"""The caller's own account and API tokens, and the teams they may see."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router

from latido.accounts import schemas as s
from latido.accounts.models import ApiToken, User
from latido.accounts.roles import Perm
from latido.accounts.selectors import api_tokens_for, team_ids_for, teams_visible_for
from latido.accounts.services import api_token_create, api_token_revoke
from latido.core.errors import PermissionDenied

router = Router(tags=["me"])
MAX_ID = 2**63 - 1


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {"id": token.pk, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at, "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at}


@router.get("/me", response=s.MeOut, summary="Who am I")
def me(request: HttpRequest) -> Any:
    user = _actor(request)
    return {"id": user.pk, "email": user.email, "name": user.name, "role": user.role,
            "language": user.language, "time_zone": user.time_zone,
            "permissions": sorted(user.permissions),
            "team_ids": sorted(team_ids_for(user=user))}


@router.get("/me/tokens", response=list[s.TokenOut], summary="My API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return [_token_out(t) for t in api_tokens_for(user=_actor(request))]


@router.post("/me/tokens", response={201: s.TokenCreated}, summary="Create an API token")
def create_token(request: HttpRequest, payload: s.TokenIn) -> Any:
    token, secret = api_token_create(user=_actor(request), name=payload.name)
    return {"token": _token_out(token), "secret": secret}


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    api_token_revoke(user=_actor(request), token_id=token_id)
    return None


@router.get("/teams", response=list[s.TeamOut], tags=["teams"], summary="Teams I may see")
def list_teams(request: HttpRequest) -> Any:
    actor = _actor(request)
    if not actor.can(Perm.TEAM_VIEW):
        raise PermissionDenied(_("You are not allowed to see teams."))
    teams = teams_visible_for(user=actor).select_related("lead").prefetch_related("queues")
    return [
        {"id": t.pk, "name": t.name, "slug": t.slug, "kind": t.kind,
         "lead": {"id": t.lead.pk, "name": t.lead.name} if t.lead else None,
         "queues": [{"id": q.pk, "name": q.label, "tier": q.tier} for q in t.queues.all()]}
        for t in teams
    ]
