from django.contrib import admin

from latido.customers.models import Contact, ContactIdentity, Organization


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
