from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from latido.channels.chat.models import ChatSession, ChatWidget, normalize_origin


def widget_snippet(widget: ChatWidget) -> str:
    """The tag a site pastes into its pages to show this widget."""
    base = str(settings.BASE_URL).rstrip("/")
    return (f'<script src="{base}{settings.STATIC_URL}latido/chat-widget.js" '
            f'data-latido-chat="{widget.public_key}" async></script>')


class ChatWidgetForm(forms.ModelForm[ChatWidget]):
    class Meta:
        model = ChatWidget
        fields = ("name", "team", "allowed_origins", "wait_timeout_seconds", "active")

    def clean_allowed_origins(self) -> str:
        lines = [line for line in self.cleaned_data["allowed_origins"].split() if line]
        bad = [line for line in lines if not normalize_origin(line)
               or normalize_origin(line) != line.rstrip("/").lower()]
        if bad:
            raise forms.ValidationError(
                _("Not an origin (scheme://host[:port], nothing after it): %(v)s")
                % {"v": ", ".join(bad)})
        if not lines:
            raise forms.ValidationError(_("List at least one site."))
        return "\n".join(normalize_origin(line) for line in lines)

    def clean_wait_timeout_seconds(self) -> int:
        value = int(self.cleaned_data["wait_timeout_seconds"])
        if not 5 <= value <= 3600:
            raise forms.ValidationError(_("Between 5 and 3600 seconds."))
        return value


@admin.register(ChatWidget)
class ChatWidgetAdmin(admin.ModelAdmin[ChatWidget]):
    form = ChatWidgetForm
    list_display = ("name", "team", "wait_timeout_seconds", "active")
    list_filter = ("active", "team")
    readonly_fields = ("public_key", "snippet")

    @admin.display(description=gettext_lazy("Snippet to paste into the site's pages"))
    def snippet(self, obj: ChatWidget) -> str:
        if obj.pk is None:
            return _("Save the widget to get its snippet.")
        return format_html("<code>{}</code>", widget_snippet(obj))


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin[ChatSession]):
    list_display = ("pk", "widget", "contact", "status", "agent", "started_at", "ticket")
    list_filter = ("status", "widget")
    fields = ("widget", "contact", "ticket", "status", "agent", "left_message", "started_at",
              "accepted_at", "ended_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
