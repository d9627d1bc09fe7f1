"""Reads for people and teams."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from latido.accounts.models import ApiToken, Team, User
from latido.accounts.roles import Perm


def user_for_token(*, raw: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    if not raw or not raw.startswith("lat_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


_REQUEST_MEMO = "_latido_team_ids_memo"


def remember_team_ids(user: User) -> None:
    """Let later `team_ids_for` calls on this user object reuse their first answer.

    Only for a user object loaded for one request (the agent pages and the API mark theirs):
    a page asks for the same teams 3-4 times, and no request changes its own user's teams.
    """
    setattr(user, _REQUEST_MEMO, {})


def _worked_teams_q(user: User) -> Q:
    q = Q(members=user)
    if user.can(Perm.SEE_LED_TEAMS):
        q |= Q(lead=user) | Q(managers=user)
    return q


def team_ids_for(*, user: User) -> set[int]:
    """Teams whose tickets this user works: memberships, plus led and managed teams."""
    if not user.is_authenticated or not user.is_agent:
        return set()
    memo: dict[str, frozenset[int]] | None = getattr(user, _REQUEST_MEMO, None)
    if memo is not None and "ids" in memo:
        return set(memo["ids"])
    ids = set(Team.objects.filter(_worked_teams_q(user)).values_list("id", flat=True).distinct())
    if memo is not None:
        memo["ids"] = frozenset(ids)
    return ids


def teams_visible_for(*, user: User) -> QuerySet[Team]:
    """Teams the user may see: all for those who see every ticket, else their own."""
    if user.can(Perm.SEE_ALL):
        return Team.objects.all()
    memo: dict[str, frozenset[int]] | None = getattr(user, _REQUEST_MEMO, None)
    if (memo is not None and "ids" in memo) or not user.is_authenticated or not user.is_agent:
        return Team.objects.filter(id__in=team_ids_for(user=user))
    # One query instead of two: the same teams as team_ids_for, as a subquery.
    return Team.objects.filter(id__in=Team.objects.filter(_worked_teams_q(user)).values("id"))


def api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (revoked ones included, secrets never)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
