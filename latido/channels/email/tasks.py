"""Background work of the email channel."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from latido.core.task_backends import uses_database_backend

# A message still "received" this long after it arrived lost its processing job (a worker
# killed mid-task, a broker restart); the sweep schedules it again. Processing is idempotent.
STALE_AFTER = timedelta(minutes=5)


@task()
def process_raw_email(raw_email_id: int) -> None:
    """Process one stored message (idempotent: a processed one is skipped).

    Through the batch path, so a reply whose parent is still unprocessed takes it in first.
    """
    from latido.channels.email.ingest import email_process_batch

    email_process_batch(raw_email_ids=[raw_email_id])


@task()
def process_raw_emails(raw_email_ids: list[int]) -> None:
    """Process a batch of stored messages in order: one transaction, a savepoint each."""
    from latido.channels.email.ingest import email_process_batch

    email_process_batch(raw_email_ids=[int(i) for i in raw_email_ids])


def enqueue_processing_batch(raw_email_ids: list[int]) -> None:
    """Schedule one job for several messages (as ``enqueue_processing`` does for one).

    A batch job killed midway leaves its remaining messages "received": the
    ``requeue_stale_emails`` sweep schedules them again.
    """
    ids = [int(i) for i in raw_email_ids]
    if not ids:
        return
    if uses_database_backend():
        process_raw_emails.enqueue(ids)
    else:
        transaction.on_commit(lambda: process_raw_emails.enqueue(ids))


def enqueue_processing(raw_email_id: int) -> None:
    """Schedule processing once the current transaction commits.

    With the database task backend the job row is written in the same transaction as the
    raw message (an outbox: both commit or neither does); other backends enqueue after commit.
    """
    if uses_database_backend():
        process_raw_email.enqueue(raw_email_id)
    else:
        transaction.on_commit(lambda: process_raw_email.enqueue(raw_email_id))


@task()
def requeue_stale_emails(limit: int = 1000) -> int:
    """Schedule processing again for messages left unprocessed; returns how many."""
    from latido.channels.models import RawEmail

    cutoff = timezone.now() - STALE_AFTER
    ids = list(
        RawEmail.objects.filter(state=RawEmail.State.RECEIVED, received_at__lt=cutoff)
        .order_by("received_at", "id").values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        for pk in ids:
            enqueue_processing(pk)
    return len(ids)


@task()
def send_outbound_email(outbound_id: int) -> None:
    """Send one outgoing email (at most once; a row already claimed or sent is skipped)."""
    from latido.channels.email.outbound import outbound_send

    outbound_send(outbound_id=outbound_id)


@task()
def retry_outbound_emails(limit: int = 500) -> int:
    """Send failed emails whose backoff has passed, and queued ones whose job was lost.

    Emails whose sending attempt was lost (the worker died while sending) are not resent:
    they are marked failed with an unknown outcome and noted on their ticket.
    """
    from latido.channels.email.outbound import due_for_retry, outbound_send
    from latido.channels.email.outbound_stuck import outbound_give_up_stuck

    outbound_give_up_stuck(limit=limit)
    ids = list(due_for_retry().values_list("pk", flat=True)[:limit])
    for pk in ids:
        outbound_send(outbound_id=pk)
    return len(ids)


@task()
def poll_imap_mailboxes() -> dict[str, int]:
    """Poll every active IMAP mailbox once; one failing mailbox does not stop the others.

    Returns messages taken per mailbox address (-1 for a mailbox whose poll failed; the error
    is logged). Safe to overlap with `latido imap_poll`: redelivered messages dedupe.
    """
    import logging

    from latido.channels.email.imap import imap_poll_mailbox
    from latido.channels.models import Mailbox

    taken: dict[str, int] = {}
    for mailbox in Mailbox.objects.filter(kind=Mailbox.Kind.IMAP, active=True).order_by("id"):
        try:
            taken[mailbox.address] = imap_poll_mailbox(mailbox=mailbox)
        except Exception:
            logging.getLogger(__name__).exception("IMAP poll of %s failed", mailbox.address)
            taken[mailbox.address] = -1
    return taken
