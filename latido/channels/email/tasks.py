"""Background work of the email channel."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task


@task()
def process_raw_email(raw_email_id: int) -> None:
    """Process one stored message (idempotent: a processed one is skipped)."""
    from latido.channels.email.ingest import email_process

    email_process(raw_email_id=raw_email_id)


def enqueue_processing(raw_email_id: int) -> None:
    """Schedule processing once the current transaction commits.

    With the database task backend the job row is written in the same transaction as the
    raw message (an outbox: both commit or neither does); other backends enqueue after commit.
    """
    backend = str(settings.TASKS["default"]["BACKEND"])  # type: ignore[index]
    if backend.startswith("django_tasks_db."):
        process_raw_email.enqueue(raw_email_id)
    else:
        transaction.on_commit(lambda: process_raw_email.enqueue(raw_email_id))
