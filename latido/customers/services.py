"""Writes for contacts and organizations."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.core.errors import ValidationError
from latido.customers.models import Contact, ContactIdentity, Organization

_PHONE_RE = re.compile(r"[^\d+]")


def normalize_identity(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == ContactIdentity.Kind.EMAIL:
        value = value.lower()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValidationError(_("Not a valid email address: %(v)s") % {"v": value})
    elif kind == ContactIdentity.Kind.PHONE:
        value = _PHONE_RE.sub("", value)
        if len(value.lstrip("+")) < 5:
            raise ValidationError(_("Not a valid phone number."))
    elif kind == ContactIdentity.Kind.SOCIAL:
        value = value.lstrip("@").lower()
        if not value:
            raise ValidationError(_("A social handle cannot be empty."))
    else:
        raise ValidationError(_("Unknown identity kind."))
    return value


def organization_create(
    *, name: str, domain: str = "", shares_tickets: bool = False
) -> Organization:
    """Create an organization with a unique name."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("An organization needs a name."))
    if Organization.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("An organization with this name exists."), code="duplicate")
    return Organization.objects.create(
        name=name, domain=domain.strip().lower(), shares_tickets=shares_tickets
    )


@transaction.atomic
def contact_create(
    *, name: str, emails: list[str] | None = None, phones: list[str] | None = None,
    socials: list[tuple[str, str]] | None = None, organization: Organization | None = None,
    user: User | None = None,
) -> Contact:
    """Create a contact with its identities; an identity already taken is refused."""
    if not (name or "").strip():
        raise ValidationError(_("A contact needs a name."))
    contact = Contact.objects.create(name=name.strip(), organization=organization, user=user)
    for email in emails or []:
        contact_add_identity(contact=contact, kind=ContactIdentity.Kind.EMAIL, value=email)
    for phone in phones or []:
        contact_add_identity(contact=contact, kind=ContactIdentity.Kind.PHONE, value=phone)
    for platform, handle in socials or []:
        contact_add_identity(
            contact=contact, kind=ContactIdentity.Kind.SOCIAL, value=handle, platform=platform
        )
    return contact


def contact_add_identity(
    *, contact: Contact, kind: str, value: str, platform: str = ""
) -> ContactIdentity:
    """Attach an identity; one that belongs to another contact is refused."""
    value = normalize_identity(kind, value)
    try:
        with transaction.atomic():
            return ContactIdentity.objects.create(
                contact=contact, kind=kind, value=value, platform=platform.lower()
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(value)s already belongs to a contact.") % {"value": value}, code="duplicate"
        ) from exc


@transaction.atomic
def contact_get_or_create_by_email(*, email: str, name: str = "") -> Contact:
    """The contact owning this email address, created on first contact."""
    value = normalize_identity(ContactIdentity.Kind.EMAIL, email)
    ident = (
        ContactIdentity.objects.select_related("contact")
        .filter(kind=ContactIdentity.Kind.EMAIL, value__iexact=value)
        .first()
    )
    if ident:
        return ident.contact
    domain = value.split("@", 1)[1]
    org = Organization.objects.filter(domain=domain).first()
    return contact_create(name=name or value.split("@")[0], emails=[value], organization=org)


def contact_for_user(*, user: User) -> Contact:
    """The customer's own contact record, created when a portal user has none yet."""
    contact = Contact.objects.filter(user=user).first()
    if contact:
        return contact
    existing = ContactIdentity.objects.filter(
        kind=ContactIdentity.Kind.EMAIL, value__iexact=user.email, contact__user__isnull=True
    ).select_related("contact").first()
    if existing:
        Contact.objects.filter(pk=existing.contact_id).update(user=user)
        existing.contact.user = user
        return existing.contact
    return contact_create(name=user.name, emails=[user.email], user=user)
