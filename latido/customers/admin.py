from django.contrib import admin
from django.http import HttpRequest

from latido.customers.models import Contact, ContactIdentity, ContactMerge, Organization


class IdentityInline(admin.TabularInline):
    model = ContactIdentity
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "user", "created_at")
    search_fields = ("name", "identities__value")
    list_select_related = ("organization", "user")
    raw_id_fields = ("user", "organization")
    inlines = (IdentityInline,)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "shares_tickets")
    search_fields = ("name", "domain")


@admin.register(ContactMerge)
class ContactMergeAdmin(admin.ModelAdmin):
    """Who merged which contact into which, with what moved: read-only."""

    list_display = ("created_at", "source_name", "target_name", "actor")
    search_fields = ("source_name", "target_name")
    raw_id_fields = ("target", "actor", "moved_user")
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
