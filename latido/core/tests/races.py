"""Helpers for tests that race two threads against one database."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError

T = TypeVar("T")


def retry_while_locked(action: Callable[[], T], *, attempts: int = 200) -> T:
    """Run `action`, waiting while the database reports a table lock.

    The SQLite test database is a shared-cache in-memory one whose table locks ignore
    busy_timeout, so a writer racing another gets "database table is locked" at once where a
    file database would wait; this waits the same way. PostgreSQL runs the race on row locks
    for real (LATIDO_TEST_ON_POSTGRES=1). Other errors, and domain errors, pass through.
    """
    for _attempt in range(attempts - 1):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.01)
    return action()
