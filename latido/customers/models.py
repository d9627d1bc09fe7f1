from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import User


class Organization(models.Model):
    """A customer company; members may share each other's tickets when enabled."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    domain = models.CharField(_("email domain"), max_length=200, blank=True)
    shares_tickets = models.BooleanField(
        _("members see each other's tickets"), default=False
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """One customer person, whatever channel they write from."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    language = models.CharField(max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def primary_email(self) -> str:
        ident = next((i for i in self.identities.all() if i.kind == "email"), None)
        return ident.value if ident else ""


class ContactIdentity(models.Model):
    """An email address, phone number or social handle that belongs to one contact."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        SOCIAL = "social", _("Social handle")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    platform = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=254)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "kind", "platform", Lower("value"), name="identity_unique_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class ContactMerge(models.Model):
    """The record of one contact merged into another: who did it, and what moved."""

    source_id = models.BigIntegerField(db_index=True)
    source_name = models.CharField(max_length=200)
    target = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges_in"
    )
    target_name = models.CharField(max_length=200)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    identities = models.JSONField(default=list, blank=True)
    ticket_ids = models.JSONField(default=list, blank=True)
    moved_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.target_name}"
