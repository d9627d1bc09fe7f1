from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from latido.channels.webform.models import WebForm, WebFormSubmission


def _base_url() -> str:
    return settings.BASE_URL.rstrip("/")


def script_snippet(form: WebForm) -> str:
    static = settings.STATIC_URL
    static = static if static.startswith(("http://", "https://")) else _base_url() + static
    return (f'<script src="{static.rstrip("/")}/latido/contact-form.js" '
            f'data-latido-form="{form.key}" async></script>')


def iframe_snippet(form: WebForm) -> str:
    url = _base_url() + reverse("webform:page", args=[form.key])
    return (f'<iframe src="{url}" title="{gettext("Contact us")}" width="100%" height="720" '
            f'loading="lazy"></iframe>')


def _not_saved() -> SafeString:
    return format_html("<em>{}</em>", gettext("Save the form to get its snippet."))


def _code_block(obj: WebForm | None, build: Callable[[WebForm], str]) -> SafeString:
    if obj is None or obj.pk is None:
        return _not_saved()
    return format_html("<pre><code>{}</code></pre>", build(obj))


@admin.register(WebForm)
class WebFormAdmin(admin.ModelAdmin[WebForm]):
    list_display = ("name", "key", "active", "team", "category")
    list_filter = ("active",)
    search_fields = ("name", "key", "allowed_origins")
    readonly_fields = ("key", "embed_snippet", "iframe_code", "hosted_page")
    fieldsets = (
        (None, {"fields": ("name", "active", "key", "team", "category", "success_message")}),
        (_("Embedding"), {"fields": ("allowed_origins", "embed_snippet", "iframe_code",
                                     "hosted_page")}),
        (_("Spam protection and limits"), {"fields": (
            "per_ip_hourly_limit", "per_email_hourly_limit", "min_fill_seconds",
            "max_attachments")}),
    )

    @admin.display(description=_("Snippet (paste into your site)"))
    def embed_snippet(self, obj: WebForm | None) -> SafeString:
        return _code_block(obj, script_snippet)

    @admin.display(description=_("Or as an iframe"))
    def iframe_code(self, obj: WebForm | None) -> SafeString:
        return _code_block(obj, iframe_snippet)

    @admin.display(description=_("Hosted page"))
    def hosted_page(self, obj: WebForm | None) -> SafeString:
        if obj is None or obj.pk is None:
            return _not_saved()
        url = _base_url() + reverse("webform:page", args=[obj.key])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)


@admin.register(WebFormSubmission)
class WebFormSubmissionAdmin(admin.ModelAdmin[WebFormSubmission]):
    list_display = ("created_at", "form", "ticket", "origin", "page_url")
    list_filter = ("form",)
    fields = ("form", "ticket", "origin", "page_url", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
