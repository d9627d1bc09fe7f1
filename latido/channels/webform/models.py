"""Embeddable contact forms configured by administrators, and the submissions they accepted."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import Team
from latido.channels.webform.origins import OriginError, parse_origins
from latido.tickets.models import Category, Ticket


def new_form_key() -> str:
    """A public, unguessable key: it names the form in the snippet (it is not a secret)."""
    return secrets.token_urlsafe(12)


class WebForm(models.Model):
    """A contact form a company embeds in its own site; every submission opens a ticket."""

    name = models.CharField(_("name"), max_length=120,
                            help_text=_("Shown to administrators only."))
    key = models.CharField(_("form key"), max_length=32, unique=True, default=new_form_key,
                           editable=False)
    active = models.BooleanField(_("active"), default=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="web_forms",
        verbose_name=_("team for new tickets"),
        help_text=_("Empty: the category's team, or the default team."),
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="web_forms",
        verbose_name=_("category"),
    )
    allowed_origins = models.TextField(
        _("sites allowed to embed the form"), blank=True,
        help_text=_("The sites that may embed this form, one per line, for example "
                    "https://www.example.com or https://*.example.com. Empty: only the "
                    "form's own page on this site."),
    )
    per_ip_hourly_limit = models.PositiveSmallIntegerField(
        _("submissions per IP address and hour"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    per_email_hourly_limit = models.PositiveSmallIntegerField(
        _("submissions per email address and hour"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    min_fill_seconds = models.PositiveSmallIntegerField(
        _("minimum fill time (seconds)"), default=3, validators=[MaxValueValidator(600)],
        help_text=_("A form sent faster than this after it was shown is treated as spam."),
    )
    max_attachments = models.PositiveSmallIntegerField(
        _("attachments per submission"), default=3,
        help_text=_("0 turns attachments off."),
    )
    success_message = models.CharField(
        _("success message"), max_length=500, blank=True,
        help_text=_("Plain text shown after sending. Empty: a standard thank-you in the "
                    "visitor's language."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("web contact form")
        verbose_name_plural = _("web contact forms")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.allowed_origins = "\n".join(parse_origins(self.allowed_origins))
        except OriginError as err:
            raise ValidationError({"allowed_origins": err.message}) from err
        if self.max_attachments > settings.LATIDO_MAX_ATTACHMENTS_PER_MESSAGE:
            raise ValidationError({"max_attachments": _(
                "At most %(n)d attachments per message."
            ) % {"n": settings.LATIDO_MAX_ATTACHMENTS_PER_MESSAGE}})

    @property
    def origins(self) -> list[str]:
        return [line for line in self.allowed_origins.split() if line]

    @property
    def attachment_limit(self) -> int:
        return min(self.max_attachments, settings.LATIDO_MAX_ATTACHMENTS_PER_MESSAGE)


class WebFormSubmission(models.Model):
    """One accepted submission: the rate limits count these rows, the ticket records the rest.

    Client IP and email address are kept only as keyed hashes (enough to count, not to read).
    """

    form = models.ForeignKey(WebForm, on_delete=models.CASCADE, related_name="submissions")
    ticket = models.ForeignKey(Ticket, null=True, on_delete=models.SET_NULL,
                               related_name="web_form_submissions")
    ip_hash = models.CharField(max_length=64)
    email_hash = models.CharField(max_length=64)
    nonce = models.CharField(max_length=32)
    origin = models.CharField(_("embedding site"), max_length=200, blank=True)
    page_url = models.CharField(_("page address"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("web form submission")
        verbose_name_plural = _("web form submissions")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["form", "nonce"], name="webform_nonce_once"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["form", "ip_hash", "created_at"], name="webform_ip_idx"),
            models.Index(fields=["form", "email_hash", "created_at"], name="webform_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.created_at:%Y-%m-%d %H:%M}"
