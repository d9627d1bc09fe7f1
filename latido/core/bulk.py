"""Write many model rows' changed fields with one UPDATE statement.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per field and row
and resolves each through the ORM; for a batch of 50 rows and nine fields that costs more
Python than the rest of the batch's work. ``update_rows`` sends the values as one
``UPDATE … FROM (VALUES …)`` instead (PostgreSQL, and SQLite from 3.33), with each value
prepared by its field as ``save()`` would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

# At most this many rows per statement (SQLite allows 32,766 parameters).
CHUNK = 500


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """UPDATE ``fields`` of every object (all of one model, each with a pk); returns rows."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns: list[models.Field[Any, Any]] = []
    for name in fields:
        f = meta.get_field(name)
        if not isinstance(f, models.Field) or not f.concrete or f.many_to_many or f.primary_key:
            raise ValueError(f"update_rows takes concrete, non-key fields only, not {name}")
        columns.append(f)
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    postgres = connection.vendor == "postgresql"
    every: list[models.Field[Any, Any]] = [pk, *columns]
    names = [f"c{i}" for i in range(len(every))]
    if postgres:  # typed placeholders: VALUES alone would make every column text
        one = "(" + ", ".join(f"CAST(%s AS {_cast_type(f, connection)})" for f in every) + ")"
        alias = f"v({', '.join(names)})"
    else:  # SQLite names the VALUES columns column1, column2, …
        one = "(" + ", ".join("%s" for _ in every) + ")"
        names = [f"column{i + 1}" for i in range(len(every))]
        alias = "v"
    assignments = ", ".join(f"{quote(str(f.column))} = v.{name}"
                            for f, name in zip(columns, names[1:], strict=True))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), CHUNK):
            chunk = objs[start:start + CHUNK]
            params: list[Any] = []
            for obj in chunk:
                for f in every:
                    params.append(f.get_db_prep_save(getattr(obj, f.attname), connection))
            values = ", ".join([one] * len(chunk))
            # Only names from the model and placeholders are formatted in; values are bound.
            sql = (f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS {alias} "  # noqa: S608
                   f"WHERE {table}.{quote(str(pk.column))} = v.{names[0]}")
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


def _cast_type(field: models.Field[Any, Any], connection: Any) -> str:
    """The column's type without a length: a cast to varchar(n) would cut a longer value
    silently, where the UPDATE itself refuses it (as ``save()`` does)."""
    return re.sub(r"^(varchar|character varying)\(\d+\)$", "varchar",
                  str(field.db_type(connection)))
