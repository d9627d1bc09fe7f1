"""The event pipeline: after a change commits, run the handlers listed in settings, in order.

Services call `publish` inside their transaction. With the database task backend the job row
is written in that same transaction (an outbox: the change and its follow-up commit together);
other backends enqueue right after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Event ids collected by `batched()` in this thread / task; None when not batching.
_batch: ContextVar[list[int] | None] = ContextVar("latido_pipeline_batch", default=None)


def handlers() -> list[Callable[[list[int]], None]]:
    return [import_string(path) for path in settings.LATIDO_EVENT_PIPELINE]


def publish(event_ids: Iterable[int]) -> None:
    """Schedule the pipeline for these TicketEvent ids once the current transaction commits."""
    from latido.core.tasks import run_event_pipeline

    ids = [int(i) for i in event_ids]
    if not ids:
        return
    batch = _batch.get()
    if batch is not None:
        batch.extend(ids)
        return
    backend = str(settings.TASKS["default"]["BACKEND"])  # type: ignore[index]
    if backend.startswith("django_tasks_db."):
        run_event_pipeline.enqueue(ids)
    else:
        transaction.on_commit(lambda: run_event_pipeline.enqueue(ids))


@contextmanager
def batched() -> Iterator[None]:
    """Publish everything published inside as one pipeline run when the block ends.

    For bulk loads (the demo, imports): thousands of changes make one task instead of one
    each; handlers still see every event once. Nothing is published if the block raises.
    Nested inside another block, it leaves publishing to the outer one, and if it raises its
    own events are dropped (their changes were rolled back with it, say to a savepoint).
    """
    outer = _batch.get()
    if outer is not None:  # already batching: the outer block publishes
        start = len(outer)
        try:
            yield
        except BaseException:
            del outer[start:]
            raise
        return
    collected: list[int] = []
    token = _batch.set(collected)
    try:
        yield
    finally:
        _batch.reset(token)
    publish(collected)


def run(event_ids: list[int]) -> None:
    """Run each handler once for these events; one failing handler does not stop the rest."""
    failure: Exception | None = None
    for handler in handlers():
        try:
            handler(event_ids)
        except Exception as exc:
            logger.exception("event pipeline handler %s failed", handler)
            failure = failure or exc
    if failure is not None:
        raise failure
