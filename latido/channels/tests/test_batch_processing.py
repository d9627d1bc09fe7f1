"""A batch of stored mail is processed in one transaction with a savepoint per message.

The one failing message (its attachment cannot be stored: the media root is a file) is
quarantined and leaves nothing behind; the others commit; the whole batch publishes ONE
event-pipeline job holding exactly the surviving messages' events (the database task backend
writes it in the batch's transaction).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from latido.channels.email.ingest import email_process_batch, email_receive
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.helpers import make_mail
from latido.core import pipeline
from latido.tickets.models import Ticket, TicketEvent

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PIPELINE_TASK = "latido.core.tasks.run_event_pipeline"


@pytest.mark.django_db(transaction=True)
def test_a_failing_message_is_quarantined_and_the_rest_of_its_batch_commits(
    world, settings, tmp_path
):
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    broken = tmp_path / "not-a-directory"
    broken.write_bytes(b"")
    settings.MEDIA_ROOT = str(broken)
    with override_settings(TASKS=DB_TASKS):
        rows = [
            email_receive(mailbox=mailbox, raw=make_mail(sender="a@customer.test",
                                                         subject="First")),
            email_receive(mailbox=mailbox, raw=make_mail(
                sender="b@customer.test", subject="Broken",
                attachments=[("invoice.pdf", b"%PDF-1.4 data", "application/pdf")])),
            email_receive(mailbox=mailbox, raw=make_mail(sender="c@customer.test",
                                                         subject="Third")),
        ]
        DBTaskResult.objects.all().delete()  # the receive jobs; this test runs the batch

        email_process_batch(raw_email_ids=[r.pk for r in rows])

    states = {r.subject: (r.state, r.ticket_id is not None)
              for r in RawEmail.objects.filter(pk__in=[r.pk for r in rows])}
    assert states == {"First": ("processed", True), "Broken": ("quarantined", False),
                      "Third": ("processed", True)}
    assert RawEmail.objects.get(pk=rows[1].pk).error.startswith("Processing failed: ")
    assert sorted(Ticket.objects.values_list("subject", flat=True)
                  .filter(channel="email")) == ["First", "Third"]
    jobs = list(DBTaskResult.objects.filter(task_path=PIPELINE_TASK))
    assert len(jobs) == 1
    created = TicketEvent.objects.filter(ticket__subject__in=["First", "Third"],
                                         type="created").values_list("pk", flat=True)
    assert sorted(jobs[0].args_kwargs["args"][0]) == sorted(created)


def _publish_then_fail(ids: list[int]) -> None:
    with pipeline.batched():
        pipeline.publish(ids)
        raise RuntimeError("rolled back to its savepoint")


@pytest.mark.django_db(transaction=True)
def test_a_nested_batch_that_raises_drops_only_its_own_events():
    with override_settings(TASKS=DB_TASKS), transaction.atomic(), pipeline.batched():
        pipeline.publish([1])
        with pytest.raises(RuntimeError):
            _publish_then_fail([2, 3])
        with pipeline.batched():
            pipeline.publish([4])
    job = DBTaskResult.objects.get(task_path=PIPELINE_TASK)
    assert job.args_kwargs["args"][0] == [1, 4]
