from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.accounts.roles import ROLE_PERMISSIONS, STAFF_ROLES, Role, Tier


class LatidoUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in: a customer, an agent of any tier, or staff of another department."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    language = models.CharField(
        _("language"), max_length=8, blank=True,
        choices=[("", _("Browser language")), ("en", "English"), ("es", "Español"),
                 ("pl", "Polski")],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    chat_capacity = models.PositiveSmallIntegerField(default=3)
    ticket_capacity = models.PositiveIntegerField(default=40)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["username"]

    objects: ClassVar[LatidoUserManager] = LatidoUserManager()  # type: ignore[assignment]

    class Meta:
        indexes: ClassVar = [models.Index(fields=["role"], name="user_role_idx")]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email

    @property
    def permissions(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return ROLE_PERMISSIONS.get(self.role, frozenset())

    def can(self, perm: str) -> bool:
        return perm in self.permissions

    @property
    def is_agent(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER


class Team(models.Model):
    """A support team for one product line or location."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product line")
        LOCATION = "location", _("Location")

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRODUCT)
    lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    managers = models.ManyToManyField(User, blank=True, related_name="managed_teams")
    members = models.ManyToManyField(User, blank=True, related_name="teams")
    is_default = models.BooleanField(
        default=False, help_text=_("Receives tickets that name no team.")
    )

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Queue(models.Model):
    """Where a team's tickets wait at one tier; routing rules and SLAs attach here later."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="queues")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER1)
    name = models.CharField(
        max_length=160, blank=True,
        help_text=_("Leave empty to show the team and tier, in the reader's language."),
    )
    auto_assign = models.BooleanField(
        default=False, help_text=_("Assign new tickets to the least-loaded agent of this tier.")
    )

    class Meta:
        ordering: ClassVar = ["team__name", "tier"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["team", "tier"], name="queue_team_tier_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or f"{self.team.name} · {self.get_tier_display()}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return "lat_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)
