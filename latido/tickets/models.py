from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import Queue, Team, User
from latido.accounts.roles import Tier
from latido.customers.models import Contact, Organization
from latido.tickets.enums import Channel, EventType, LinkKind, Priority, Status, TicketType

REFERENCE_PREFIX = "LAT"


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    is_technical = models.BooleanField(_("technical"), default=False)
    default_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.SlugField(max_length=60, unique=True, allow_unicode=True)

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    """A ticket field defined by administrators; values live in Ticket.fields."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")
        BOOLEAN = "boolean", _("Yes/no")

    key = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    visible_to_customers = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.label


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=250)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(max_length=10, choices=TicketType.choices, default=TicketType.QUESTION)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER1)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    # db_index=False: a composite index below starts with the column and serves its lookups
    # (a second index on it would only cost every write).
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="tickets",
                                  db_index=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets",
        db_index=False,
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tickets", db_index=False)
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="tickets", db_index=False)
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_tickets", db_index=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    followers = models.ManyToManyField(User, blank=True, related_name="followed_tickets")
    collaborators = models.ManyToManyField(User, blank=True, related_name="invited_tickets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    fields = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_tickets")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    solved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["team", "updated_at", "id"], name="ticket_team_updated_idx"),
            models.Index(fields=["queue", "status", "updated_at", "id"],
                         name="ticket_queue_status_idx"),
            models.Index(fields=["assignee", "status", "updated_at", "id"],
                         name="ticket_assignee_idx"),
            models.Index(fields=["requester", "updated_at", "id"], name="ticket_requester_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="ticket_org_idx"),
            models.Index(fields=["updated_at", "id"], name="ticket_updated_idx"),
            models.Index(fields=["created_at"], name="ticket_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.SOLVED, Status.CLOSED)


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.token}/{filename}"


class Message(models.Model):
    """One entry of a ticket's conversation: a public reply or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages",
                               db_index=False)  # message_ticket_idx starts with it
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    author_role = models.CharField(max_length=20, blank=True)
    is_public = models.BooleanField(default=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    body_html = models.TextField()
    body_text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["ticket", "created_at", "id"],
                                          name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.ticket_id}"

    @property
    def author_name(self) -> str:
        if self.author_id and self.author:
            return self.author.name
        if self.author_contact_id and self.author_contact:
            return self.author_contact.name
        return str(_("System"))


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename


class TicketEventQuerySet(models.QuerySet["TicketEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("TicketEvent is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("TicketEvent is append-only.")


class TicketEvent(models.Model):
    """Append-only log of every change; the timeline, the audit trail and the KPIs read it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events",
                               db_index=False)  # event_ticket_idx starts with it
    type = models.CharField(max_length=20, choices=EventType.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_role = models.CharField(max_length=20, blank=True)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["ticket", "id"], name="event_ticket_idx"),
            models.Index(fields=["type", "created_at"], name="event_type_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} on {self.ticket_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("TicketEvent is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("TicketEvent is append-only.")


class TicketLink(models.Model):
    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=LinkKind.choices, default=LinkKind.RELATED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
