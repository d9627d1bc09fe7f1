"""Administrators configure social accounts here and can look up every message in or out."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from latido.channels.social.models import SocialAccount, SocialMessage

_MESSAGE_FIELDS = (
    "account", "direction", "external_id", "thread_id", "handle", "ticket", "ticket_message",
    "state", "attempts", "last_error", "next_attempt_at", "sent_at", "created_at", "payload",
)


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin[SocialAccount]):
    list_display = ("name", "platform", "account_id", "active", "team", "outbound_url")
    list_filter = ("platform", "active")
    search_fields = ("name", "platform", "account_id")
    fields = ("name", "platform", "account_id", "team", "active", "inbound_secret_env",
              "outbound_url", "outbound_secret_env")
    formfield_overrides: ClassVar = {models.URLField: {"assume_scheme": "https"}}


@admin.register(SocialMessage)
class SocialMessageAdmin(admin.ModelAdmin[SocialMessage]):
    list_display = ("created_at", "account", "direction", "external_id", "handle", "thread_id",
                    "state", "attempts", "ticket")
    list_filter = ("direction", "state", "account")
    search_fields = ("external_id", "thread_id", "handle")
    fields = _MESSAGE_FIELDS
    readonly_fields = _MESSAGE_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
