"""Keyset (cursor) pagination: stable pages without OFFSET scans."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.core.errors import ValidationError


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def _encode(value: Any, pk: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(value, dict) and "dt" in value:
            value = datetime.fromisoformat(value["dt"])
        return value, int(pk)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(_("The cursor is not valid."), code="bad_cursor") from exc


_MAX_INT = 2**63 - 1


def _checked(qs: QuerySet[Any], field: str, value: Any, pk: int) -> tuple[Any, int]:
    """Refuse a cursor whose value does not fit the sort field (forged or from another sort)."""
    try:
        value = qs.model._meta.get_field(field).to_python(value)
        if value is None:
            raise ValueError(value)
        if abs(pk) > _MAX_INT or (isinstance(value, int) and abs(value) > _MAX_INT):
            raise ValueError(pk)
        if isinstance(value, datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value, pk
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise ValidationError(_("The cursor is not valid."), code="bad_cursor") from exc


def keyset_page(qs: QuerySet[Any], *, sort: str, cursor: str | None, limit: int) -> Page:
    """Return one page ordered by `sort` (a field, '-' for descending) then by id."""
    descending = sort.startswith("-")
    field = sort.lstrip("-")
    order = (f"-{field}", "-id") if descending else (field, "id")
    qs = qs.order_by(*order)
    if cursor:
        value, pk = _checked(qs, field, *_decode(cursor))
        if descending:
            qs = qs.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "id__lt": pk}))
        else:
            qs = qs.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": pk}))
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode(getattr(last, field), last.pk)
    return Page(items=rows, next_cursor=next_cursor)
