"""Live chat configuration (widgets) and the chats themselves (sessions)."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar
from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import Team, User
from latido.customers.models import Contact
from latido.tickets.models import Ticket


def new_public_key() -> str:
    return "lcw_" + secrets.token_urlsafe(18)


def normalize_origin(value: str) -> str:
    """`scheme://host[:port]` in lower case, without a path or a trailing slash ('' if bad)."""
    parts = urlsplit((value or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return ""
    netloc = parts.hostname.lower()
    if port and port != default_port:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}"


class ChatWidget(models.Model):
    """One embeddable chat widget: the site(s) it may run on and the team that answers."""

    name = models.CharField(_("name"), max_length=120)
    public_key = models.CharField(_("public key"), max_length=64, unique=True,
                                  default=new_public_key)
    allowed_origins = models.TextField(
        _("allowed origins"),
        help_text=_("One origin per line, e.g. https://www.example.com. The widget only works "
                    "on pages of these sites."),
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT,
                             related_name="chat_widgets")
    wait_timeout_seconds = models.PositiveIntegerField(
        _("wait timeout (seconds)"), default=120,
        help_text=_("When no agent accepts within this time, the visitor is offered to leave "
                    "a message."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chat widget")
        verbose_name_plural = _("chat widgets")

    def __str__(self) -> str:
        return self.name

    @property
    def origins(self) -> set[str]:
        return {o for o in (normalize_origin(line) for line in self.allowed_origins.split())
                if o}

    def allows_origin(self, origin: str | None) -> bool:
        """An exact match of the browser's Origin header against the configured sites."""
        if not origin:
            return False
        normalized = normalize_origin(origin)
        return bool(normalized) and normalized in self.origins


class ChatStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    ABANDONED = "abandoned", _("Abandoned")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_ip(ip: str | None) -> str:
    return salted_hmac("latido.chat.visitor_ip", ip, algorithm="sha256").hexdigest() if ip else ""


class ChatSession(models.Model):
    """One conversation of a visitor; its lines are the messages of its ticket."""

    widget = models.ForeignKey(ChatWidget, on_delete=models.PROTECT, related_name="sessions")
    token_hash = models.CharField(max_length=64, unique=True)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="chat_session")
    status = models.CharField(max_length=10, choices=ChatStatus.choices,
                              default=ChatStatus.WAITING)
    agent = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="chat_sessions")
    left_message = models.BooleanField(default=False)
    # A keyed hash of the visitor's address: enough for the per-network limit, not the address.
    visitor_ip_hash = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Refreshed while the visitor's page is connected; a waiting chat whose visitor vanished
    # without a goodbye (a server restart, a lost network) is abandoned after a while.
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        indexes: ClassVar = [
            models.Index(fields=["status", "started_at"], name="chat_status_idx"),
            models.Index(fields=["agent", "status"], name="chat_agent_idx"),
            models.Index(fields=["visitor_ip_hash", "started_at"], name="chat_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"Chat {self.pk}"

    @property
    def waited_seconds(self) -> int:
        end = self.accepted_at or self.ended_at or timezone.now()
        return max(0, int((end - self.started_at).total_seconds()))
