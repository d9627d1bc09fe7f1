"""Which task backend is configured (read at call time, never at import)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings


def default_backend_path() -> str:
    """The dotted path of the default task backend, e.g. django_tasks_db.DatabaseBackend."""
    tasks = cast(dict[str, dict[str, Any]], settings.TASKS)
    return str(tasks["default"]["BACKEND"])


def uses_database_backend() -> bool:
    """True when tasks are rows in our own database (enqueued inside the transaction)."""
    return default_backend_path().startswith("django_tasks_db.")


def uses_rq_backend() -> bool:
    return default_backend_path().startswith("django_tasks_rq.")
