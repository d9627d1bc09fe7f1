"""Configuration lives here (categories, custom fields, tags); tickets change via services."""

from django.contrib import admin
from django.http import HttpRequest

from latido.tickets.models import Category, CustomField, Tag, TicketEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "is_technical", "default_team")


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "kind", "visible_to_customers")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    """The audit trail: read-only."""

    list_display = ("id", "ticket_id", "type", "actor", "actor_role", "created_at")
    list_filter = ("type",)
    raw_id_fields = ("ticket", "actor", "message")
    list_select_related = ("actor",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
