"""With the database task backend: the job is stored with the mail, a worker processes it."""

from __future__ import annotations

import signal
import smtplib

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from latido.channels.email.smtpd import make_controller
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.helpers import make_mail
from latido.channels.tests.test_smtpd import _free_port
from latido.tickets.models import Ticket

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PROCESS_TASK = "latido.channels.email.tasks.process_raw_email"


@pytest.fixture
def keep_signal_handlers():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_mail_accepted_over_smtp_is_processed_by_the_worker(keep_signal_handlers):
    Mailbox.objects.create(name="Help", address="help@latido.test")
    port = _free_port()
    with override_settings(TASKS=DB_TASKS):
        controller = make_controller(host="127.0.0.1", port=port)
        controller.start()
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.sendmail("ana@customer.test", ["help@latido.test"],
                                make_mail(subject="Queued mail"))
                client.sendmail("ana@customer.test", ["help@latido.test"],
                                make_mail(subject="Queued mail"))  # new Message-ID
        finally:
            controller.stop()
        # 250 was answered: both messages and their jobs are committed, nothing processed yet.
        assert list(RawEmail.objects.values_list("state", flat=True)) == ["received"] * 2
        assert DBTaskResult.objects.filter(task_path=PROCESS_TASK, status="READY").count() == 2
        assert Ticket.objects.count() == 0

        call_command("worker", burst=True, verbosity=0)

    assert list(RawEmail.objects.values_list("state", flat=True)) == ["processed"] * 2
    assert Ticket.objects.filter(subject="Queued mail").count() == 2
    assert not DBTaskResult.objects.filter(task_path=PROCESS_TASK).exclude(
        status="SUCCESSFUL").exists()
