"""Calls, the telephony systems that report them, and the agents' extensions there."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import Team, User
from latido.customers.models import Contact
from latido.tickets.models import Ticket


class TelephonySource(models.Model):
    """A PBX or CTI that posts signed call events to /api/v1/channels/phone/webhook/<id>."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("team for new tickets"),
    )
    secret_env = models.CharField(
        _("secret environment variable"), max_length=100,
        help_text=_("Name of the environment variable that holds the HMAC secret."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("telephony source")
        verbose_name_plural = _("telephony sources")

    def __str__(self) -> str:
        return self.name


class AgentExtension(models.Model):
    """An agent's extension on one telephony system, so its events can name the agent."""

    source = models.ForeignKey(TelephonySource, on_delete=models.CASCADE,
                               related_name="extensions", verbose_name=_("telephony source"))
    extension = models.CharField(_("phone extension"), max_length=40)
    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("agent on this extension"))

    class Meta:
        ordering: ClassVar = ["source", "extension"]
        verbose_name = _("agent extension")
        verbose_name_plural = _("agent extensions")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "extension"], name="phone_extension_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.extension} → {self.agent}"


class Call(models.Model):
    """One phone call: logged by an agent, or reported by a telephony source."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved on the call")
        CALLBACK = "callback", _("Callback needed")
        VOICEMAIL = "voicemail", _("Left a voicemail")
        NO_ANSWER = "no_answer", _("Nobody answered")
        MISSED = "missed", _("Missed (not answered)")
        ABANDONED = "abandoned", _("Abandoned by the caller")

    class State(models.TextChoices):
        RINGING = "ringing", _("Ringing")
        ANSWERED = "answered", _("On the line")
        ENDED = "ended", _("Call ended")
        MISSED = "missed", _("Missed call")
        ABANDONED = "abandoned", _("Caller hung up")

    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="calls")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="calls")
    agent = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    logged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.INBOUND)
    number = models.CharField(max_length=40, blank=True)
    caller_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ENDED)
    started_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    source = models.ForeignKey(TelephonySource, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="calls")
    external_id = models.CharField(max_length=200, blank=True)
    # When the CALL TicketEvent was written (once, when the call is on a ticket and over).
    counted_at = models.DateTimeField(null=True, blank=True)
    pop_dismissed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-started_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="phone_call_external_unique",
                condition=Q(source__isnull=False) & ~Q(external_id=""),
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["ticket", "started_at"], name="phone_call_ticket_idx"),
            models.Index(fields=["agent", "started_at"], name="phone_call_agent_idx"),
            models.Index(fields=["contact", "started_at"], name="phone_call_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} call {self.number or '?'} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.state in (self.State.RINGING, self.State.ANSWERED)


class TelephonyEvent(models.Model):
    """One webhook delivery that was accepted; (source, call, event) makes redeliveries no-ops."""

    source = models.ForeignKey(TelephonySource, on_delete=models.CASCADE, related_name="events")
    external_call_id = models.CharField(max_length=200)
    event = models.CharField(max_length=12)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="webhook_events")
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "external_call_id", "event"],
                                    name="phone_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.external_call_id}"
