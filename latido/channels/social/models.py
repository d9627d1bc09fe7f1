"""Social and messaging accounts, and every message that came in or went out through them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import Team
from latido.channels.delivery import DeliveryAttempts
from latido.tickets.models import Message, Ticket

_ENV_NAME = RegexValidator(
    r"^[A-Za-z_][A-Za-z0-9_]*$", _("The name of an environment variable, e.g. LATIDO_WA_SECRET.")
)
_PLATFORM = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Letters, digits, dots, dashes or underscores, e.g. whatsapp."),
)


class SocialAccount(models.Model):
    """One account of ours on a platform (a WhatsApp number, a Facebook page, a bot).

    The connector (a bridge run by the operator or a vendor) signs each inbound message with
    the secret in the environment variable named by ``inbound_secret_env`` and receives the
    agents' replies at ``outbound_url``, signed with the secret named by
    ``outbound_secret_env``. Secrets never live in the database.
    """

    platform = models.CharField(
        _("platform"), max_length=40, validators=[_PLATFORM],
        help_text=_("Free text, e.g. whatsapp, facebook, instagram, x, telegram."),
    )
    account_id = models.CharField(
        _("account id"), max_length=200,
        help_text=_("The platform's id of this account, as the connector sends it."),
    )
    name = models.CharField(_("name"), max_length=120)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="social_accounts",
        verbose_name=_("team for new tickets"),
    )
    inbound_secret_env = models.CharField(
        _("inbound secret variable"), max_length=100, validators=[_ENV_NAME],
        help_text=_("Environment variable holding the secret inbound messages are signed with."),
    )
    outbound_url = models.URLField(
        _("outbound webhook URL"), max_length=500, blank=True,
        help_text=_("Agents' replies are POSTed here; empty means replies cannot be sent."),
    )
    outbound_secret_env = models.CharField(
        _("outbound secret variable"), max_length=100, blank=True, validators=[_ENV_NAME],
        help_text=_("Environment variable holding the secret replies are signed with."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["platform", "name"]
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["platform", "account_id"],
                                    name="social_account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.platform})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.platform = self.platform.strip().lower()
        self.account_id = self.account_id.strip()
        super().save(*args, **kwargs)


class SocialMessage(DeliveryAttempts):
    """A message received from a platform or a reply sent to it.

    ``external_id`` is the platform's message id for inbound messages and the idempotency key
    (the Latido message id) for outbound ones; it is unique per account and direction, so a
    redelivered message and a pipeline run twice both find the row already there.
    """

    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    external_id = models.CharField(_("message id"), max_length=200)
    thread_id = models.CharField(_("thread id"), max_length=200)
    handle = models.CharField(_("handle"), max_length=254)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="social_messages")
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="social_messages"
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("social message")
        verbose_name_plural = _("social messages")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["account", "direction", "external_id"],
                                    name="social_message_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["account", "thread_id"], name="social_thread_idx"),
            models.Index(fields=["state", "next_attempt_at"], name="social_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.external_id} ({self.state})"
