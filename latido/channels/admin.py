from __future__ import annotations

from typing import TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from latido.channels.admin_forms import MailboxForm
from latido.channels.email.imap import ImapPollError, imap_check
from latido.channels.email.ingest import email_replay
from latido.channels.email.wording import ALLOWED, unknown_placeholders
from latido.channels.models import (
    Mailbox,
    MailboxOAuthToken,
    MailTemplate,
    OutboundEmail,
    QuarantinedEmail,
    RawEmail,
)

_M = TypeVar("_M", bound=Model)

_RAW_FIELDS = (
    "mailbox", "message_id", "sender", "subject", "state", "error", "notes", "attempts",
    "received_at", "processed_at", "ticket", "ticket_message", "sha256", "size",
)


class MailTemplateForm(forms.ModelForm[MailTemplate]):
    class Meta:
        model = MailTemplate
        fields = ("kind", "language", "subject", "body")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kind = str(data.get("kind") or "")
        for field in ("subject", "body"):
            unknown = unknown_placeholders(str(data.get(field) or ""), kind)
            if unknown:
                self.add_error(field, _(
                    "Unknown placeholder %(names)s; use %(allowed)s."
                ) % {"names": ", ".join(f"{{{n}}}" for n in unknown),
                     "allowed": ", ".join(f"{{{n}}}" for n in ALLOWED.get(kind, ()))})
        return data


class MailTemplateInline(admin.StackedInline[MailTemplate, Mailbox]):
    model = MailTemplate
    form = MailTemplateForm
    extra = 0
    verbose_name_plural = _("Wording per language (empty fields use the translated default; "
                            "placeholders {reference}, {subject}, {name}, and {body} in the "
                            "reply wrapper)")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = ("name", "address", "kind", "active", "team", "acknowledge_new")
    inlines = (MailTemplateInline,)
    form = MailboxForm
    fieldsets = (
        (None, {"fields": ("name", "address", "kind", "active", "team")}),
        (_("Automatic mail"), {"fields": ("default_language", "acknowledge_new")}),
        (_("IMAP"), {"fields": (
            "imap_host", "imap_port", "imap_security", "imap_username", "imap_auth",
            "imap_password_env", "imap_token_env", "imap_folder", "imap_processed_folder",
            "imap_ca_file")}),
        (_("OAuth2 (Microsoft 365, Gmail)"), {"fields": (
            "oauth_provider", "oauth_client_id", "oauth_token_url", "oauth_scope",
            "oauth_client_secret_env", "oauth_refresh_token_env")}),
        (_("Inbound webhook"), {"fields": ("webhook_secret_env",)}),
    )
    actions = ("test_connection",)

    @admin.action(description=_("Test the IMAP connection"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset.order_by("address"):
            if mailbox.kind != Mailbox.Kind.IMAP:
                self.message_user(request, _("%(address)s is not an IMAP mailbox.")
                                  % {"address": mailbox.address}, messages.WARNING)
                continue
            try:
                count = imap_check(mailbox=mailbox)
            except ImapPollError as exc:
                self.message_user(request, _("%(address)s: %(error)s")
                                  % {"address": mailbox.address, "error": exc.message},
                                  messages.ERROR)
            else:
                self.message_user(request, ngettext(
                    "%(address)s: connected and signed in; %(n)d message in the folder.",
                    "%(address)s: connected and signed in; %(n)d messages in the folder.",
                    count) % {"address": mailbox.address, "n": count}, messages.SUCCESS)
    list_filter = ("kind", "active")
    search_fields = ("name", "address")


class ReadOnlyModelAdmin(admin.ModelAdmin[_M]):
    """Records the system writes; administrators look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _ReadOnlyRawAdmin(ReadOnlyModelAdmin[RawEmail]):
    list_display = ("received_at", "mailbox", "sender", "subject", "state", "attempts")
    search_fields = ("sender", "subject", "message_id")
    fields = _RAW_FIELDS
    readonly_fields = _RAW_FIELDS
    actions = ("replay",)

    @admin.action(description=_("Replay the selected messages"))
    def replay(self, request: HttpRequest, queryset: QuerySet[RawEmail]) -> None:
        done = 0
        for pk in queryset.filter(state=RawEmail.State.QUARANTINED).values_list("pk", flat=True):
            if email_replay(raw_email_id=pk).state != RawEmail.State.QUARANTINED:
                done += 1
        self.message_user(request, ngettext(
            "%(n)d message was processed.", "%(n)d messages were processed.", done
        ) % {"n": done}, messages.SUCCESS if done else messages.WARNING)


@admin.register(RawEmail)
class RawEmailAdmin(_ReadOnlyRawAdmin):
    list_filter = ("state", "mailbox")


@admin.register(QuarantinedEmail)
class QuarantinedEmailAdmin(_ReadOnlyRawAdmin):
    list_display = ("received_at", "mailbox", "sender", "subject", "error", "attempts")
    list_filter = ("mailbox",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[RawEmail]:
        return super().get_queryset(request).filter(state=RawEmail.State.QUARANTINED)


_OUTBOUND_FIELDS = (
    "ticket", "kind", "language", "ticket_message", "mailbox", "from_address", "to_address",
    "subject",
    "message_id", "in_reply_to", "references", "state", "attempts", "last_error",
    "next_attempt_at", "sent_at", "created_at", "cc", "body_text",
)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyModelAdmin[OutboundEmail]):
    """Outgoing mail, read-only: state, attempts and the last error of each reply sent."""

    list_display = ("created_at", "kind", "to_address", "subject", "state", "attempts",
                    "sent_at")
    list_filter = ("state", "kind", "mailbox")
    search_fields = ("to_address", "subject", "message_id")
    fields = _OUTBOUND_FIELDS
    readonly_fields = _OUTBOUND_FIELDS


@admin.register(MailboxOAuthToken)
class MailboxOAuthTokenAdmin(ReadOnlyModelAdmin[MailboxOAuthToken]):
    """When each mailbox's OAuth2 token expires and the last refresh error; never the token."""

    list_display = ("mailbox", "expires_at", "refreshed_at", "refreshes", "last_error")
    fields = ("mailbox", "expires_at", "refreshed_at", "refreshes", "last_error")
    readonly_fields = fields
