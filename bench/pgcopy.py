"""PostgreSQL fast path: COPY in text format, with secondary indexes and foreign keys rebuilt.

Loading into tables without their secondary indexes and foreign-key triggers and building
those once at the end is what pg_restore does; it is several times faster than maintaining
sixteen ticket indexes row by row. Everything happens in one transaction, so a failed load
leaves the database exactly as it was, indexes included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

_escaped: dict[str, str] = {}
_DAY = 86400


def _escape(value: str) -> str:
    cached = _escaped.get(value)
    if cached is None:
        cached = (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                  .replace("\r", "\\r"))
        if len(_escaped) < 10_000:  # the body pools; one-off strings are not kept
            _escaped[value] = cached
    return cached


def cell(value: Any) -> str:
    """One value in COPY text format."""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return _escape(value)
        return value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime:
        return value.isoformat()
    return cell(str(value))


class Stamp:
    """Epoch seconds to a UTC timestamp literal, from per-day and per-second caches."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00"
                       for s in range(_DAY)]

    def __call__(self, ts: float) -> str:
        day, second = divmod(int(ts), _DAY)
        date = self._days.get(day)
        if date is None:
            date = self._days[day] = datetime.fromtimestamp(day * _DAY, tz=UTC).strftime(
                "%Y-%m-%d ")
        return date + self._times[second]


def row_formatter(model: Any, columns: Sequence[str], suffix: str = "") -> Callable[..., str]:
    """A function turning one row tuple into a COPY text line, specialised per column.

    Built as one f-string from the model's field types, so a row costs one call instead of
    one per value: integers, choices and timestamp literals need no escaping; free text and
    JSON go through `cell`.
    """
    parts = []
    for i, name in enumerate(columns):
        f = model._meta.get_field(name)
        kind = f.get_internal_type()
        if kind == "BooleanField":
            parts.append(f"{{'t' if r[{i}] else 'f'}}")
        elif kind in ("TextField", "JSONField") or (kind == "CharField" and not f.choices):
            parts.append(f"{{cell(r[{i}])}}")
        elif f.null:
            parts.append(f"{{NULL if r[{i}] is None else r[{i}]}}")
        else:
            parts.append(f"{{r[{i}]}}")
    source = 'lambda r: f"' + "\\t".join(parts) + '{suffix}\\n"'
    return eval(source, {"cell": cell, "suffix": suffix, "NULL": "\\N"})  # noqa: S307 - built from field names


def copy_text(rows: Iterable[Sequence[Any]], line: Callable[..., str]) -> bytes:
    """Rows as COPY text, one `line` each."""
    return "".join(map(line, rows)).encode()


def secondary_ddl(cursor: Any, tables: Sequence[str]) -> tuple[list[str], list[str]]:
    """Drop and re-create statements for the non-unique indexes and foreign keys of tables."""
    drop: list[str] = []
    create: list[str] = []
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        ORDER BY 1, 2
        """,
        [list(tables)],
    )
    for table, name, definition in cursor.fetchall():
        drop.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        create.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [list(tables)],
    )
    for name, definition in cursor.fetchall():
        drop.append(f'DROP INDEX "{name}"')
        create.insert(0, definition)  # indexes first: the foreign-key checks use them
    return drop, create


def copy_into(cursor: Any, table: str, columns: Sequence[str], data: bytes) -> None:
    cols = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        copy.write(data)


def reset_sequences(connection: Any, models: Sequence[Any]) -> None:
    """Point each identity sequence past the largest id, as Django's sqlsequencereset does."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
