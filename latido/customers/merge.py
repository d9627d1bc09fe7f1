"""The customers half of merging two contacts: identities, login, details, every reference.

`latido.tickets.services.contact_merge` is the entry point: it checks the actor, locks both
rows, moves the tickets with their REQUESTER events, and then calls `contact_absorb`, which
must run inside that same transaction with both contact rows locked.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.core.errors import NotFound, ValidationError
from latido.customers.models import Contact, ContactMerge


def lock_contacts(*, source_id: int, target_id: int) -> tuple[Contact, Contact]:
    """Lock both rows in id order (two merges of the same pair cannot deadlock)."""
    if source_id == target_id:
        raise ValidationError(_("A contact cannot be merged into itself."), code="bad_merge")
    rows = {
        c.pk: c for c in Contact.objects.select_for_update().filter(
            pk__in=[source_id, target_id]).order_by("pk")
    }
    if source_id not in rows:
        earlier = ContactMerge.objects.filter(source_id=source_id).first()
        if earlier is not None:
            raise ValidationError(
                _("%(name)s was already merged into %(target)s.")
                % {"name": earlier.source_name, "target": earlier.target_name},
                code="already_merged",
            )
        raise NotFound(_("Contact not found."))
    if target_id not in rows:
        raise NotFound(_("Contact not found."))
    return rows[source_id], rows[target_id]


def check_mergeable(*, source: Contact, target: Contact) -> None:
    """Refuse what would silently cost someone their portal login."""
    if source.user_id is not None and target.user_id is not None:
        raise ValidationError(
            _("Both contacts sign in to the portal with their own login (%(a)s and %(b)s). "
              "Merging would take one of them away; deactivate one login first.")
            % {"a": source.user.email if source.user else "?",
               "b": target.user.email if target.user else "?"},
            code="both_have_logins",
        )


def _reverse_relations() -> list[models.ForeignObjectRel]:
    """Every relation pointing at Contact, including hidden ones (related_name="+")."""
    return [
        f for f in Contact._meta.get_fields(include_hidden=True)
        if isinstance(f, models.ForeignObjectRel) and f.auto_created and not f.concrete
    ]


def _relink(source: Contact, target: Contact) -> None:
    """Point every remaining reference to the source (identities, message authors, records
    of other apps) at the target, so deleting the source loses nothing."""
    for rel in _reverse_relations():
        model = rel.related_model
        if not isinstance(model, type) or not issubclass(model, models.Model):
            continue
        if rel.many_to_many:
            _relink_many(rel, source, target)
            continue
        if model._meta.auto_created:  # the through table of a many-to-many: done above
            continue
        name = rel.field.name
        try:
            with transaction.atomic():
                model._base_manager.filter(**{name: source}).update(**{name: target})
        except IntegrityError as exc:
            raise ValidationError(
                _("Both contacts have a %(what)s that can exist only once per contact; "
                  "resolve that first.") % {"what": model._meta.verbose_name},
                code="bad_merge",
            ) from exc


def _relink_many(rel: models.ForeignObjectRel, source: Contact, target: Contact) -> None:
    field = rel.field
    through = field.remote_field.through  # type: ignore[attr-defined]
    own = field.m2m_field_name()  # type: ignore[attr-defined]
    contact_col = field.m2m_reverse_field_name()  # type: ignore[attr-defined]
    have = set(through._base_manager.filter(**{contact_col: target})
               .values_list(f"{own}_id", flat=True))
    rows = through._base_manager.filter(**{contact_col: source})
    rows.filter(**{f"{own}_id__in": have}).delete()
    rows.update(**{contact_col: target})


def contact_absorb(*, source: Contact, target: Contact, actor: User | None,
                   ticket_ids: list[int]) -> ContactMerge:
    """Move everything of the locked `source` onto the locked `target`, then delete it.

    Identities move; the portal login moves when only the source has one; the target
    keeps its name and gains the organization, language and notes it lacks.
    """
    check_mergeable(source=source, target=target)
    identities = [
        [i.kind, i.platform, i.value] for i in source.identities.order_by("kind", "value")
    ]
    moved_user = source.user
    if moved_user is not None:
        Contact.objects.filter(pk=source.pk).update(user=None)
        target.user = moved_user
    if target.organization_id is None and source.organization_id is not None:
        target.organization_id = source.organization_id
    if not target.language:
        target.language = source.language
    if source.notes.strip() and source.notes.strip() not in target.notes:
        target.notes = "\n\n".join(n for n in (target.notes.strip(), source.notes.strip()) if n)
    target.save(update_fields=["user", "organization", "language", "notes"])
    _relink(source, target)
    record = ContactMerge.objects.create(
        source_id=source.pk, source_name=source.name, target=target, target_name=target.name,
        actor=actor, identities=identities, ticket_ids=ticket_ids, moved_user=moved_user,
    )
    Contact.objects.filter(pk=source.pk).delete()
    return record
