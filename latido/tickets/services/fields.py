"""Tags and custom field values: validated against their definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from latido.core.errors import ValidationError
from latido.tickets.models import CustomField, Tag

MAX_TAGS = 30


def clean_tags(names: list[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        slug = slugify(str(name), allow_unicode=True)[:60]
        if not slug:
            raise ValidationError(_("Tag %(t)r is empty once cleaned.") % {"t": name})
        if slug not in cleaned:
            cleaned.append(slug)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(_("At most 30 tags per ticket."))
    return sorted(cleaned)


def tags_get_or_create(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    return list(existing.values())


def _coerce(field: CustomField, value: Any) -> Any:
    if value is None or value == "":
        return None
    kind = field.kind
    try:
        if kind == CustomField.Kind.NUMBER:
            number = float(value)
            return int(number) if number.is_integer() else number
        if kind == CustomField.Kind.BOOLEAN:
            if isinstance(value, bool):
                return value
            if str(value).lower() in {"true", "1", "yes", "on"}:
                return True
            if str(value).lower() in {"false", "0", "no", "off"}:
                return False
            raise ValueError(value)
        if kind == CustomField.Kind.DATE:
            return dt.date.fromisoformat(str(value)).isoformat()
        if kind == CustomField.Kind.CHOICE:
            if str(value) not in [str(c) for c in field.choices]:
                raise ValueError(value)
            return str(value)
        text = str(value)
        if len(text) > 2000:
            raise ValueError(value)
        return text
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("%(value)r is not a valid value for %(field)s.") % {"value": value,
                                                                 "field": field.label},
            code="bad_field",
        ) from exc


def clean_fields(values: dict[str, Any], *, previous: dict[str, Any]) -> dict[str, Any]:
    """Merge new values into previous ones; unknown keys and bad values are refused."""
    if not values:
        return dict(previous)
    defs = {f.key: f for f in CustomField.objects.filter(key__in=list(values))}
    unknown = sorted(set(values) - set(defs))
    if unknown:
        raise ValidationError(
            _("Unknown field: %(keys)s") % {"keys": ", ".join(unknown)}, code="unknown_field"
        )
    merged = dict(previous)
    for key, raw in values.items():
        value = _coerce(defs[key], raw)
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
