"""Writes for people, teams and API tokens."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from latido.accounts.models import ApiToken, Queue, Team, User
from latido.accounts.roles import Role, Tier
from latido.core.errors import NotFound, ValidationError


def user_create(
    *, email: str, password: str | None, role: str, name: str = "", language: str = "",
    time_zone: str = "UTC", is_superuser: bool = False,
) -> User:
    """Create a user with a unique (case-insensitive) email and a valid role."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ValidationError(_("A valid email address is required."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("A user with this email already exists."), code="duplicate")
    user = User(
        email=email, username=email, display_name=name, role=role, language=language,
        time_zone=time_zone,
        # Administrators configure the system in the Django admin as well.
        is_staff=is_superuser or role == Role.ADMIN,
        is_superuser=is_superuser or role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def team_create(
    *, name: str, kind: str = Team.Kind.PRODUCT, lead: User | None = None,
    is_default: bool = False,
) -> Team:
    """Create a team with its Tier 1, Tier 2 and Engineering queues."""
    if not name.strip():
        raise ValidationError(_("A team needs a name."))
    team = Team.objects.create(
        name=name.strip(), slug=slugify(name)[:50], kind=kind, lead=lead, is_default=is_default
    )
    if lead is not None:
        team.members.add(lead)
    Queue.objects.bulk_create(
        [Queue(team=team, tier=tier) for tier in Tier]
    )
    return team


def team_add_member(*, team: Team, user: User) -> None:
    """Make the user a member of the team (idempotent)."""
    if not user.is_agent:
        raise ValidationError(_("Only support staff can be team members."))
    team.members.add(user)


def team_add_manager(*, team: Team, user: User) -> None:
    """Put the team under this manager (idempotent)."""
    team.managers.add(user)


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never shown again."""
    if not name.strip():
        raise ValidationError(_("A token needs a name."))
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=raw[:12], token_hash=ApiToken.hash(raw)
    )
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; another user's token is not found."""
    updated = ApiToken.objects.filter(id=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound(_("Token not found."))


def user_set_preferences(*, user: User, language: str, time_zone: str) -> User:
    """Save the user's language ('' follows the browser) and a known IANA time zone."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."), code="bad_language")
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."), code="bad_time_zone")
    user.language, user.time_zone = language, time_zone
    user.save(update_fields=["language", "time_zone"])
    return user
