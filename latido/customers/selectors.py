"""Reads for contacts and organizations, always through the actor."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core.errors import NotFound, ValidationError
from latido.customers.models import Contact, ContactIdentity, Organization
from latido.customers.services import identity_owner, normalize_identity, normalize_platform


def contacts_visible_for(*, actor: User) -> QuerySet[Contact]:
    """Agents see customer records; customers see only their own contact."""
    qs = Contact.objects.select_related("organization").prefetch_related("identities")
    if actor.can(Perm.CONTACT_VIEW):
        return qs
    if actor.is_authenticated and actor.is_customer:
        return qs.filter(user=actor)
    return qs.none()


def contact_get_for(*, actor: User, contact_id: int) -> Contact:
    """A contact the actor may see, else NotFound."""
    contact = contacts_visible_for(actor=actor).filter(id=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact


def contacts_search(*, actor: User, q: str = "") -> QuerySet[Contact]:
    qs = contacts_visible_for(actor=actor)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(identities__value__icontains=q)).distinct()
    return qs


def organizations_visible_for(*, actor: User) -> QuerySet[Organization]:
    """Agents see every organization; a customer sees only their own."""
    if actor.can(Perm.CONTACT_VIEW):
        return Organization.objects.all()
    if actor.is_authenticated and actor.is_customer:
        return Organization.objects.filter(contacts__user=actor)
    return Organization.objects.none()


def organization_get_for(*, actor: User, organization_id: int) -> Organization:
    org = organizations_visible_for(actor=actor).filter(id=organization_id).first()
    if org is None:
        raise NotFound(_("Organization not found."))
    return org


def contact_resolve(kind: str, value: str, platform: str = "") -> Contact | None:
    """The contact owning an email address, phone number or social handle, or None.

    The value is normalised first (email case, phone punctuation and 00/+ prefixes,
    @ and case of handles), so every spelling of one identity finds the same person. A
    value that cannot be normalised belongs to nobody. This is the system's lookup for
    channels; pages and endpoints must still apply the actor's visibility rule.
    """
    try:
        value = normalize_identity(kind, value)
        if kind == ContactIdentity.Kind.SOCIAL:
            platform = normalize_platform(platform)
    except ValidationError:
        return None
    owner = identity_owner(kind=kind, value=value,
                           platform=platform if kind == ContactIdentity.Kind.SOCIAL else "")
    return owner.contact if owner else None


def contacts_by_email(values: set[str]) -> dict[str, Contact]:
    """The contacts owning these normalised (lower-case) email addresses, by address; one
    query, on the identities' unique index. Addresses nobody owns are left out."""
    if not values:
        return {}
    found = (ContactIdentity.objects.select_related("contact")
             .annotate(lowered=Lower("value"))
             .filter(kind=ContactIdentity.Kind.EMAIL, platform="", lowered__in=values)
             .order_by("-id"))
    return {ident.lowered: ident.contact for ident in found}  # type: ignore[attr-defined]
