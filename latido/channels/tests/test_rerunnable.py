"""Every task listed in LATIDO_RERUNNABLE_TASKS, run twice for the same work, acts once.

The recover-lost-tasks sweep runs these again when their worker died mid-job, possibly after
part (or all) of the work was committed, so each must tolerate a second run.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from latido.accounts.models import Queue
from latido.channels.email.ingest import email_receive
from latido.channels.email.tasks import process_raw_email, process_raw_emails
from latido.channels.models import EmailThreadRef, Mailbox, OutboundEmail, RawEmail
from latido.channels.tests.helpers import make_mail
from latido.core.task_recovery import DEFAULT_RERUNNABLE_TASKS
from latido.core.tasks import run_event_pipeline
from latido.core.tests.test_background_work import DB_TASKS, keep_signal_handlers  # noqa: F401
from latido.tickets.enums import EventType
from latido.tickets.models import Message, Ticket, TicketEvent
from latido.tickets.services import ticket_create, ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)
SEND_TASK = "latido.channels.email.tasks.send_outbound_email"


def test_the_tasks_proven_here_are_exactly_the_ones_listed():
    proven = {"latido.core.tasks.run_event_pipeline",
              "latido.channels.email.tasks.process_raw_email",
              "latido.channels.email.tasks.process_raw_emails"}
    assert set(settings.LATIDO_RERUNNABLE_TASKS) == proven
    assert set(DEFAULT_RERUNNABLE_TASKS) == proven


def test_the_pipeline_twice_mails_a_reply_once(world, smtp, email_ticket,
                                               keep_signal_handlers):  # noqa: F811
    with override_settings(TASKS=DB_TASKS):
        reply = ticket_reply(ticket=email_ticket, actor=world.tier1, body="Refund issued.")
        reply_event = TicketEvent.objects.get(message=reply, type=EventType.REPLY)
        jobs = [row.args_kwargs["args"][0] for row in DBTaskResult.objects.filter(
            task_path="latido.core.tasks.run_event_pipeline")]
        assert [ids for ids in jobs if reply_event.pk in ids] == [jobs[-1]]
        event_ids = jobs[-1]

        run_event_pipeline.call(event_ids)
        run_event_pipeline.call(event_ids)
        assert OutboundEmail.objects.count() == 1
        assert DBTaskResult.objects.filter(task_path=SEND_TASK).count() == 1

        call_command("worker", burst=True, verbosity=0)  # the enqueued run: a third one

    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT
    assert smtp.collector.rcpt == [["ana@customer.test"]]
    assert EmailThreadRef.objects.filter(direction="out").count() == 1


def test_the_pipeline_twice_auto_assigns_once(world):
    Queue.objects.filter(team=world.team, tier=1).update(auto_assign=True)
    with override_settings(TASKS=DB_TASKS):
        ticket = ticket_create(actor=world.customer_a, requester=world.contact_a,
                               subject="Locked out", body="Please help.", channel="portal",
                               team=world.team)
    created = list(ticket.events.filter(type=EventType.CREATED).values_list("pk", flat=True))

    run_event_pipeline.call(created)
    ticket.refresh_from_db()
    first_assignee = ticket.assignee_id
    run_event_pipeline.call(created)

    ticket.refresh_from_db()
    assert first_assignee is not None
    assert ticket.assignee_id == first_assignee
    assert ticket.events.filter(type=EventType.ASSIGNED).count() == 1


def _stored(mailbox: Mailbox, subject: str) -> RawEmail:
    with override_settings(TASKS=DB_TASKS):  # stored with its job, not processed inline
        raw = email_receive(mailbox=mailbox, raw=make_mail(subject=subject))
    assert raw.state == RawEmail.State.RECEIVED
    return raw


def test_processing_a_stored_mail_twice_makes_one_ticket(world):
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    raw = _stored(mailbox, "Card charged twice")

    process_raw_email.call(raw.pk)
    process_raw_email.call(raw.pk)

    raw.refresh_from_db()
    assert raw.state == RawEmail.State.PROCESSED
    assert Ticket.objects.filter(subject="Card charged twice").count() == 1
    assert Message.objects.filter(ticket=raw.ticket).count() == 1
    assert EmailThreadRef.objects.filter(ticket=raw.ticket).count() == 1


def test_processing_a_batch_twice_makes_one_ticket_per_mail(world):
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    first, second = _stored(mailbox, "First problem"), _stored(mailbox, "Second problem")

    process_raw_emails.call([first.pk])  # a batch job killed after its first mail
    process_raw_emails.call([first.pk, second.pk])  # run again: the whole batch

    assert sorted(Ticket.objects.filter(subject__endswith="problem")
                  .values_list("subject", flat=True)) == ["First problem", "Second problem"]
    assert Message.objects.filter(ticket__subject__endswith="problem").count() == 2
    assert set(RawEmail.objects.filter(pk__in=[first.pk, second.pk])
               .values_list("state", flat=True)) == {RawEmail.State.PROCESSED}
