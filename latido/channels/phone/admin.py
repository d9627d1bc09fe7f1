"""Administrators configure telephony sources and agents' extensions; calls are read-only."""

from __future__ import annotations

from django.contrib import admin

from latido.channels.admin import ReadOnlyModelAdmin
from latido.channels.phone.models import AgentExtension, Call, TelephonySource


class AgentExtensionInline(admin.TabularInline[AgentExtension, TelephonySource]):
    model = AgentExtension
    extra = 1
    raw_id_fields = ("agent",)


@admin.register(TelephonySource)
class TelephonySourceAdmin(admin.ModelAdmin[TelephonySource]):
    list_display = ("name", "team", "secret_env", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = (AgentExtensionInline,)


_CALL_FIELDS = (
    "source", "external_id", "direction", "number", "caller_name", "state", "outcome",
    "started_at", "answered_at", "ended_at", "duration_seconds", "ticket", "contact", "agent",
    "logged_by", "counted_at", "created_at",
)


@admin.register(Call)
class CallAdmin(ReadOnlyModelAdmin[Call]):
    list_display = ("started_at", "direction", "number", "state", "outcome", "agent", "ticket")
    list_filter = ("direction", "state", "outcome", "source")
    search_fields = ("number", "caller_name", "external_id")
    fields = _CALL_FIELDS
    readonly_fields = _CALL_FIELDS

