"""Email intake: mailboxes, the raw messages exactly as received, and Message-ID threading."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import Team
from latido.channels.delivery import DeliveryAttempts
from latido.tickets.models import Message, Ticket


class Mailbox(models.Model):
    """An address customers write to, and how its mail arrives."""

    class Kind(models.TextChoices):
        SMTP = "smtp", _("SMTP endpoint")
        IMAP = "imap", _("IMAP")
        WEBHOOK = "webhook", _("Inbound webhook")

    name = models.CharField(_("name"), max_length=120)
    address = models.EmailField(_("address"), max_length=254, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SMTP)
    active = models.BooleanField(_("active"), default=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes",
        verbose_name=_("team for new tickets"),
    )
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    default_language = models.CharField(
        _("default language"), max_length=8, choices=django_settings.LANGUAGES,
        default="en",
        help_text=_("Language of automatic mails to customers whose language is unknown."),
    )
    acknowledge_new = models.BooleanField(
        _("acknowledge new tickets"), default=False,
        help_text=_("Answer an email that opens a new ticket with an automatic acknowledgement "
                    "(never auto-replies, bounces or list mail)."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class RawEmail(models.Model):
    """One received message, its bytes kept exactly as delivered.

    The bytes live in the row (a BinaryField), not in file storage: the row and the bytes
    commit in one transaction, so "250 OK" after the commit means the message is durable and
    a crash can never leave a row without its file or a file without its row.
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        QUARANTINED = "quarantined", _("Quarantined")
        IGNORED = "ignored", _("Ignored")

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="raw_emails",
                                db_index=False)  # rawemail_unique_delivery starts with it
    message_id = models.CharField(_("Message-ID"), max_length=995, null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    raw = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.RECEIVED
    )
    error = models.TextField(_("error"), blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="raw_emails"
    )
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="raw_emails"
    )

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["mailbox", "message_id", "sha256"], name="rawemail_unique_delivery"
            ),
            models.UniqueConstraint(
                fields=["mailbox", "sha256"], condition=Q(message_id__isnull=True),
                name="rawemail_unique_without_msgid",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "received_at"], name="rawemail_state_idx"),
            models.Index(fields=["sender", "received_at"], name="rawemail_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id or self.sha256[:12]} ({self.state})"


class QuarantinedEmail(RawEmail):
    """The quarantine as administrators see it: received mail that could not be processed."""

    class Meta:
        proxy = True
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantine")


class EmailThreadRef(models.Model):
    """A Message-ID header we received or sent, and the ticket message it belongs to."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    message_id = models.CharField(max_length=995, db_index=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="email_refs")
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="email_refs"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-id"]

    def __str__(self) -> str:
        return self.message_id


class OutboundEmail(DeliveryAttempts):
    """An agent's public reply sent to the requester by email, at most once.

    The Message-ID is generated once, when the row is created, and reused on every retry,
    so a receiver that already got the message can recognise the duplicate.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("Agent reply")
        ACKNOWLEDGEMENT = "ack", _("Acknowledgement")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="outbound_emails")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.REPLY)
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    event_id = models.PositiveBigIntegerField(_("event"), unique=True, null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_emails"
    )
    from_address = models.CharField(_("from"), max_length=400)
    to_address = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    cc = models.JSONField(_("Cc"), default=list, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=995, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=995, blank=True)
    references = models.TextField(_("References"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices,
                             default=State.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes: ClassVar = [
            models.Index(fields=["state", "next_attempt_at"], name="outbound_state_idx"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(kind="ack"), name="outbound_one_ack_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.state})"


class EmailTicketCc(models.Model):
    """An address copied on a ticket's email replies (the ticket's CC list).

    Filled from the Cc (and other To) addresses of the customer's mail and edited by agents
    on the ticket page. A CC'd person may add to the ticket by mail like the requester.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="email_cc")
    address = models.EmailField(_("address"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = _("CC recipient")
        verbose_name_plural = _("CC recipients")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["ticket", "address"], name="emailcc_unique_address"),
        ]

    def __str__(self) -> str:
        return self.address


class MailTemplate(models.Model):
    """An administrator's wording of an automatic mail, per mailbox and language.

    Empty subject or body fall back to Latido's translated default. Placeholders:
    {reference}, {subject}, {name} and, in reply bodies, {body} (the agent's text).
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "ack", _("New-ticket acknowledgement")
        REPLY = "reply", _("Agent reply wrapper")

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8,
                                choices=django_settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        ordering: ClassVar = ["mailbox", "kind", "language"]
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["mailbox", "kind", "language"],
                                    name="mailtemplate_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class MailboxOAuthToken(models.Model):
    """The cached OAuth2 access token of a mailbox (XOAUTH2), refreshed when it expires.

    Only the short-lived access token is kept here; the client secret and the refresh token
    stay in environment variables named in the mailbox's settings.
    """

    mailbox = models.OneToOneField(Mailbox, on_delete=models.CASCADE, related_name="oauth_token")
    access_token = models.TextField(blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    refreshes = models.PositiveIntegerField(_("refreshes"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("OAuth2 access token")
        verbose_name_plural = _("OAuth2 access tokens")

    def __str__(self) -> str:
        return f"{self.mailbox.address} (expires {self.expires_at})"
