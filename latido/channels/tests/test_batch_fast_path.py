"""The batch path decides every message as the one-by-one path does, and threads replies
whose parent another worker is still processing.

Two runs of the same mail (distinct Message-IDs and senders, same shapes): one through
``email_process`` one message at a time, one through ``email_process_batch`` in batches of
50 with the one-by-one path disabled, so the run must not fall back. Their outcomes are
compared message by message: state and reason, which message's ticket each one joined, and
each ticket's status, version and event types.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from latido.channels.email import ingest
from latido.channels.email.batch import email_process_fast
from latido.channels.email.ingest import email_process, email_process_batch, email_store
from latido.channels.models import EmailThreadRef, Mailbox, RawEmail
from latido.channels.tests.helpers import make_mail
from latido.channels.tests.mailgen import generate
from latido.core.tests.races import retry_while_locked
from latido.customers.services import contact_get_or_create_by_email
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.services import ticket_create, ticket_merge


def _raws(run: str, mailbox: Mailbox, world) -> list[bytes]:
    """Generated threads plus every kind of mail intake treats specially, for one run."""
    mails = [m.raw for m in generate(120, tag=run, mailbox=mailbox.address, customers=30,
                                     sender_prefix=f"{run}.customer")]
    closed_ref = f"closed-{run}@customer.test"
    closed = ticket_create(
        actor=None, requester=contact_get_or_create_by_email(email=f"{run}.old@customer.test"),
        subject="Old", body="Long done.", channel="email", team=world.team)
    Ticket.objects.filter(pk=closed.pk).update(status="closed")
    EmailThreadRef.objects.create(message_id=closed_ref, ticket=closed, direction="out")
    # A thread whose ticket was merged into another: replies land on the merge target.
    merged_ref = f"merged-{run}@customer.test"
    mover = contact_get_or_create_by_email(email=f"{run}.mover@customer.test")
    source, target = (ticket_create(actor=None, requester=mover, subject=subject,
                                    body="Same problem.", channel="email", team=world.team)
                      for subject in ("Merged away", "Kept"))
    EmailThreadRef.objects.create(message_id=merged_ref, ticket=source, direction="out")
    ticket_merge(source=source, target=target, actor=None)
    dup_id = f"<dup-{run}@customer.test>"
    special = [
        make_mail(sender=f"{run}.auto@customer.test", headers={"Auto-Submitted": "auto-replied"}),
        make_mail(sender=f"{run}.list@customer.test", headers={"Precedence": "list"}),
        make_mail(sender=mailbox.address, subject="Our own mail"),
        make_mail(sender=f"{run}.dup@customer.test", message_id=dup_id, body="First copy"),
        make_mail(sender=f"{run}.dup@customer.test", message_id=dup_id, body="Other bytes"),
        # Names an existing ticket: its requester joins it, a stranger opens a new one.
        make_mail(sender="ana@acme.test", subject=f"Re: LAT-{world.ticket.pk} still broken"),
        make_mail(sender=f"{run}.stranger@evil.test", subject=f"LAT-{world.ticket.pk} give"),
        make_mail(sender=f"{run}.guess@customer.test", subject="About LAT-987654321"),
        make_mail(sender=f"{run}.late@customer.test", subject="Re: Old",
                  in_reply_to=f"<{closed_ref}>"),
        make_mail(sender=f"{run}.mover@customer.test", subject="Re: Merged away",
                  in_reply_to=f"<{merged_ref}>"),
        b"Subject: no sender at all\r\n\r\nWho wrote this?\r\n",
    ]
    # A loop: 23 messages from one sender; the 21st and later are held.
    special += [make_mail(sender=f"{run}.loop@customer.test", subject=f"Loop {i}")
                for i in range(23)]
    return mails + special


def _outcome(rows: list[RawEmail]) -> list[tuple[object, ...]]:
    """Per message: state, reason, whose ticket it joined (index of the opening message,
    or the subject of a ticket that existed before), and the ticket's state and events."""
    opened: dict[int, int] = {}
    result: list[tuple[object, ...]] = []
    for index, row in enumerate(rows):
        row.refresh_from_db()
        joined: object = None
        ticket_state: object = None
        if row.ticket_id is not None:
            ticket = Ticket.objects.get(pk=row.ticket_id)
            if ticket.pk in opened:
                joined = opened[ticket.pk]
            elif ticket.subject in {"Charged twice", "Old", "Kept"}:
                joined = ticket.subject
            else:
                joined = opened.setdefault(ticket.pk, index)
            if joined != "Charged twice":  # the one ticket both runs write to
                events = list(TicketEvent.objects.filter(ticket=ticket).order_by("id")
                              .values_list("type", "actor_role"))
                ticket_state = (ticket.status, ticket.version, ticket.messages.count(),
                                ticket.attachments.count(), tuple(events))
        message = row.ticket_message
        result.append((row.state, row.error.replace(row.sender, "<sender>"), joined,
                       ticket_state, message.is_public if message else None,
                       message.author_role if message else None))
    return result


def test_a_batch_decides_and_threads_every_message_as_one_by_one_does(world, monkeypatch):
    one = Mailbox.objects.create(name="One", address="one@latido.test", team=world.team)
    batch = Mailbox.objects.create(name="Batch", address="batch@latido.test", team=world.team)
    one_rows = [email_store(mailbox=one, raw=raw, schedule=False)[0]
                for raw in _raws("one", one, world)]
    for row in one_rows:
        email_process(raw_email_id=row.pk)
    expected = _outcome(one_rows)

    batch_rows = [email_store(mailbox=batch, raw=raw, schedule=False)[0]
                  for raw in _raws("batch", batch, world)]

    def no_fallback(**kwargs: object) -> RawEmail:
        raise AssertionError(f"the batch fell back to one by one: {kwargs}")

    monkeypatch.setattr(ingest, "email_process", no_fallback)
    ids = [r.pk for r in batch_rows]
    for start in range(0, len(ids), 50):
        email_process_batch(raw_email_ids=ids[start:start + 50])

    assert _outcome(batch_rows) == expected
    states = Counter(state for state, *_rest in expected)
    assert states == {"processed": 120 + 6 + 20, "ignored": 4, "quarantined": 1 + 3}
    assert ("processed", "", "Kept") in {row[:3] for row in expected}  # followed the merge
    # Each run: the requester joined the ticket she named (a reply each).
    assert world.ticket.messages.filter(author_contact=world.contact_a).count() == 1 + 2


def test_a_reply_takes_its_unprocessed_parent_into_its_batch(world):
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    parent = email_store(mailbox=mailbox, schedule=False, raw=make_mail(
        sender="zoe@customer.test", subject="Printer", message_id="<p1@customer.test>"))[0]
    reply = email_store(mailbox=mailbox, schedule=False, raw=make_mail(
        sender="zoe@customer.test", subject="Re: Printer", in_reply_to="<p1@customer.test>"))[0]

    # The reply's job runs first (the parent's job was lost, or is behind it in the queue).
    email_process_batch(raw_email_ids=[reply.pk])

    parent.refresh_from_db()
    reply.refresh_from_db()
    assert parent.state == reply.state == RawEmail.State.PROCESSED
    assert reply.ticket_id == parent.ticket_id is not None
    ticket = Ticket.objects.get(pk=parent.ticket_id)
    assert ticket.subject == "Printer"
    assert list(ticket.messages.order_by("id").values_list("pk", flat=True)) == [
        parent.ticket_message_id, reply.ticket_message_id]
    # The parent's own job, when it runs, finds nothing left to do.
    email_process_batch(raw_email_ids=[parent.pk])
    assert Ticket.objects.filter(requester=ticket.requester).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_reply_waits_for_the_worker_processing_its_parent(world):
    """Worker 1 holds the parent's batch open; worker 2's reply must not open a ticket of
    its own, it waits for worker 1's commit and joins the parent's ticket."""
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    # A known sender: worker 2 must not be held up creating her contact as worker 1 does.
    contact_get_or_create_by_email(email="zoe@customer.test")
    parent = email_store(mailbox=mailbox, schedule=False, raw=make_mail(
        sender="zoe@customer.test", subject="Printer", message_id="<p2@customer.test>"))[0]
    reply = email_store(mailbox=mailbox, schedule=False, raw=make_mail(
        sender="zoe@customer.test", subject="Re: Printer", in_reply_to="<p2@customer.test>"))[0]
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def worker_1() -> None:
        try:
            with transaction.atomic():
                email_process_fast(raw_email_ids=[parent.pk])
                holding.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            holding.set()
            done.set()
            connection.close()

    def worker_2() -> None:
        try:
            holding.wait(10)
            if connection.vendor == "sqlite":  # one writer at a time: it cannot overlap
                done.wait(10)
            retry_while_locked(lambda: email_process_batch(raw_email_ids=[reply.pk]))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    first, second = threading.Thread(target=worker_1), threading.Thread(target=worker_2)
    first.start()
    second.start()
    holding.wait(10)
    second.join(1.0)  # on PostgreSQL worker 2 is now waiting on the parent's row lock
    release.set()
    first.join(20)
    second.join(20)
    assert not errors
    parent.refresh_from_db()
    reply.refresh_from_db()
    assert reply.state == RawEmail.State.PROCESSED
    assert reply.ticket_id == parent.ticket_id is not None
    assert Ticket.objects.filter(raw_emails__mailbox=mailbox).distinct().count() == 1
