from __future__ import annotations

from django_tasks import task

from latido.core import pipeline


@task()
def run_event_pipeline(event_ids: list[int]) -> None:
    """Run the configured event handlers for these events (each handler is idempotent)."""
    pipeline.run(event_ids)
