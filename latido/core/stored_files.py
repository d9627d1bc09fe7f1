"""Files written to storage inside a transaction that then rolls back are deleted again.

Storage is not transactional: an attachment saved while processing a message stays on disk
when the message's transaction rolls back (a failing step after it, a batch retried one by
one, a worker's deadlock). Code that saves files calls ``remember`` with the stored name;
code that opens a transaction wraps it in ``discard_on_error``, which deletes the files
remembered inside when the block raises. Files of a block that succeeds are handed to the
enclosing block, whose own rollback deletes them too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.storage import Storage, default_storage

logger = logging.getLogger(__name__)

_saved: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("latido_stored_files",
                                                                  default=None)


def remember(name: str, storage: Storage | None = None) -> None:
    """Note a file just saved, to be deleted if the enclosing guarded block fails."""
    saved = _saved.get()
    if saved is not None:
        saved.append((storage or default_storage, name))


@contextmanager
def discard_on_error() -> Iterator[None]:
    """Delete the files saved inside the block if it raises (put it around ``atomic``)."""
    outer = _saved.get()
    mine: list[tuple[Storage, str]] = []
    token = _saved.set(mine)
    try:
        yield
    except BaseException:
        for storage, name in mine:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 - the original error matters more
                logger.warning("could not delete %s after a rollback", name, exc_info=True)
        raise
    finally:
        _saved.reset(token)
    if outer is not None:
        outer.extend(mine)
