"""Writes for contacts and organizations."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.core.errors import NotFound, ValidationError
from latido.customers.models import Contact, ContactIdentity, Organization

_PHONE_NOISE_RE = re.compile(r"[\s().\-/]")
_PHONE_RE = re.compile(r"\+?\d{5,15}")
_PLATFORM_RE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")


def normalize_phone(value: str) -> str:
    """E.164-like: digits only, with a leading + when the number is international.

    "+48 600-100-200" → "+48600100200"; "0048 600 100 200" → "+48600100200";
    "(600) 100 200" → "600100200" (no country: kept as dialled).
    """
    value = _PHONE_NOISE_RE.sub("", (value or "").strip())
    if value.startswith("00"):
        value = "+" + value[2:]
    if not _PHONE_RE.fullmatch(value):
        raise ValidationError(_("Not a valid phone number."), code="bad_identity")
    return value


def normalize_platform(platform: str) -> str:
    """A social platform name such as "twitter" or "whatsapp", lower-case."""
    platform = (platform or "").strip().lower()
    if not _PLATFORM_RE.fullmatch(platform):
        raise ValidationError(_("A social handle needs a platform (for example: twitter)."),
                              code="bad_identity")
    return platform


def normalize_identity(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == ContactIdentity.Kind.EMAIL:
        value = value.lower()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValidationError(_("Not a valid email address: %(v)s") % {"v": value},
                                  code="bad_identity")
    elif kind == ContactIdentity.Kind.PHONE:
        value = normalize_phone(value)
    elif kind == ContactIdentity.Kind.SOCIAL:
        value = value.lstrip("@").lower()
        if not value:
            raise ValidationError(_("A social handle cannot be empty."), code="bad_identity")
    else:
        raise ValidationError(_("Unknown identity kind."), code="bad_identity")
    return value


def phone_variants(value: str) -> list[str]:
    """The stored forms one normalised number may have: with and without its leading +."""
    digits = value.lstrip("+")
    return [digits, "+" + digits]


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


def identity_owner(*, kind: str, value: str, platform: str = "") -> ContactIdentity | None:
    """The identity row that already holds this normalised value, if any."""
    qs = ContactIdentity.objects.select_related("contact").filter(
        kind=kind, platform=platform if kind == ContactIdentity.Kind.SOCIAL else "")
    if kind == ContactIdentity.Kind.PHONE:
        qs = qs.filter(value__in=phone_variants(value))
    else:  # the unique index is on lower(value): `iexact` (upper) could not use it
        qs = qs.annotate(lowered=Lower("value")).filter(lowered=value.lower())
    return qs.order_by("id").first()


class IdentityTaken(ValidationError):
    """The identity belongs to another contact, `owner` (the merge candidate).

    The message does not name the owner, because customer-facing flows (portal sign-up,
    channels) may pass it on; agent surfaces use `named()`, which does.
    """

    code = "duplicate"

    def __init__(self, message: str, *, owner: Contact, value: str) -> None:
        super().__init__(message)
        self.owner = owner
        self.value = value

    def named(self) -> IdentityTaken:
        """The same refusal for agents: naming the contact and suggesting a merge."""
        return IdentityTaken(
            _("%(value)s already belongs to %(name)s (contact #%(id)d). If they are the same "
              "person, merge the two contacts instead.")
            % {"value": self.value, "name": self.owner.name, "id": self.owner.pk},
            owner=self.owner, value=self.value,
        )


def contact_add_identity(
    *, contact: Contact, kind: str, value: str, platform: str = ""
) -> ContactIdentity:
    """Attach an identity; one that belongs to another contact is refused (IdentityTaken)."""
    value = normalize_identity(kind, value)
    platform = normalize_platform(platform) if kind == ContactIdentity.Kind.SOCIAL else ""
    owner = identity_owner(kind=kind, value=value, platform=platform)
    if owner is not None and owner.contact_id == contact.pk:
        return owner
    if owner is not None:
        raise _taken(value, owner.contact)
    try:
        with transaction.atomic():
            return ContactIdentity.objects.create(
                contact=contact, kind=kind, value=value, platform=platform
            )
    except IntegrityError as exc:  # a concurrent insert won the race
        owner = identity_owner(kind=kind, value=value, platform=platform)
        if owner is None:
            raise
        raise _taken(value, owner.contact) from exc


def _taken(value: str, owner: Contact) -> IdentityTaken:
    return IdentityTaken(_("%(value)s already belongs to another contact.") % {"value": value},
                         owner=owner, value=value)


@transaction.atomic
def contact_remove_identity(*, contact: Contact, identity_id: int) -> None:
    """Detach one identity; a contact with a portal login keeps at least one email."""
    locked = Contact.objects.select_for_update().filter(pk=contact.pk).first()
    ident = ContactIdentity.objects.filter(pk=identity_id, contact_id=contact.pk).first()
    if locked is None or ident is None:
        raise NotFound(_("This address does not belong to the contact."))
    if ident.kind == ContactIdentity.Kind.EMAIL and locked.user_id is not None:
        emails = ContactIdentity.objects.filter(
            contact_id=contact.pk, kind=ContactIdentity.Kind.EMAIL).count()
        if emails <= 1:
            raise ValidationError(
                _("This is the last email address of a contact who signs in to the portal; "
                  "add another address first."),
                code="last_email",
            )
    ident.delete()


def contact_get_or_create_by_email(*, email: str, name: str = "") -> Contact:
    """The contact owning this email address, created on first contact."""
    value = normalize_identity(ContactIdentity.Kind.EMAIL, email)
    ident = identity_owner(kind=ContactIdentity.Kind.EMAIL, value=value)
    if ident:  # the usual case: a read, no savepoint needed
        return ident.contact
    domain = value.split("@", 1)[1]
    org = Organization.objects.filter(domain=domain).first()
    try:  # contact_create is atomic: a refusal rolls back only its own savepoint
        return contact_create(name=(name or "").strip() or value.split("@")[0],
                              emails=[value], organization=org)
    except IdentityTaken as exc:  # the address's first mail, processed twice at once
        return exc.owner


def contacts_get_or_create_by_email(senders: list[tuple[str, str]]) -> dict[str, Contact]:
    """``contact_get_or_create_by_email`` for many (address, display name) pairs at once.

    Returns contact by normalised address. The known ones are read with one query; the new
    ones are created with one INSERT for the contacts and one for their addresses (the first
    name given for an address wins). If another transaction creates one of the same
    addresses meanwhile, they are created one by one instead. Raises ValidationError for an
    address that is not one.
    """
    from latido.customers.selectors import contacts_by_email

    names: dict[str, str] = {}
    for email, name in senders:
        names.setdefault(normalize_identity(ContactIdentity.Kind.EMAIL, email), name)
    found = contacts_by_email(set(names))
    missing = [value for value in names if value not in found]
    if not missing:
        return found
    domains = {value.split("@", 1)[1] for value in missing}
    orgs: dict[str, Organization] = {}
    for org in Organization.objects.filter(domain__in=domains).order_by("-id"):
        orgs[org.domain] = org  # the lowest id wins, as .first() does
    try:
        with transaction.atomic():
            contacts = Contact.objects.bulk_create([
                Contact(name=(names[value] or value.split("@")[0]).strip()
                        or value.split("@")[0],
                        organization=orgs.get(value.split("@", 1)[1]))
                for value in missing])
            ContactIdentity.objects.bulk_create([
                ContactIdentity(contact=contact, kind=ContactIdentity.Kind.EMAIL, value=value)
                for contact, value in zip(contacts, missing, strict=True)])
    except IntegrityError:  # a concurrent first mail from one of the addresses
        for value in missing:
            found[value] = contact_get_or_create_by_email(email=value, name=names[value])
        return found
    found.update(zip(missing, contacts, strict=True))
    return found


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
