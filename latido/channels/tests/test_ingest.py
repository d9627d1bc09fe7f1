"""Email intake: storing, deduplication, threading, classification, quarantine and replay."""

from __future__ import annotations

import pytest

from latido.channels.email.ingest import (
    RATE_LIMIT_MESSAGES,
    email_process,
    email_receive,
    email_replay,
)
from latido.channels.models import EmailThreadRef, Mailbox, RawEmail
from latido.channels.tests.helpers import deliver, make_mail
from latido.customers.services import contact_add_identity
from latido.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(world):
    return Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)


def test_new_mail_creates_a_ticket_in_the_mailbox_team_with_thread_ref(mailbox, world):
    raw = make_mail(subject="Double charge", message_id="<m1@customer.test>")
    row = deliver(mailbox, raw)
    assert row.state == RawEmail.State.PROCESSED
    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert ticket.subject == "Double charge"
    assert ticket.channel == "email"
    assert ticket.team == world.team
    assert ticket.requester.primary_email == "ana@customer.test"
    message = ticket.messages.get()
    assert row.ticket_message_id == message.pk
    assert "charged twice" in message.body_text
    assert message.author_contact == ticket.requester
    ref = EmailThreadRef.objects.get(message_id="m1@customer.test")
    assert (ref.ticket_id, ref.ticket_message_id, ref.direction) == (ticket.pk, message.pk, "in")
    assert bytes(row.raw) == raw
    assert row.sender == "ana@customer.test"
    assert row.attempts == 1


def test_redelivery_is_a_no_op(mailbox):
    raw = make_mail(message_id="<dup@customer.test>")
    first = deliver(mailbox, raw)
    second = deliver(mailbox, raw)
    assert first.pk == second.pk
    assert RawEmail.objects.count() == 1
    assert Message.objects.filter(ticket_id=first.ticket_id).count() == 1
    assert Ticket.objects.filter(requester__identities__value="ana@customer.test").count() == 1


def test_message_without_message_id_dedupes_on_content(mailbox):
    raw = b"From: ana@customer.test\r\nTo: help@latido.test\r\nSubject: Hi\r\n\r\nNo id here.\r\n"
    first = deliver(mailbox, raw)
    assert first.message_id is None
    assert deliver(mailbox, raw).pk == first.pk
    assert RawEmail.objects.count() == 1
    assert Ticket.objects.filter(channel="email").count() == 1


def test_same_message_id_with_other_bytes_is_stored_but_not_processed_twice(mailbox):
    deliver(mailbox, make_mail(message_id="<same@customer.test>", body="first copy"))
    again = deliver(mailbox, make_mail(message_id="<same@customer.test>", body="relayed copy"))
    assert RawEmail.objects.count() == 2
    assert again.state == RawEmail.State.IGNORED
    assert again.error == "A message with this Message-ID was already processed."
    assert Message.objects.filter(channel="email").count() == 1


def test_reply_with_in_reply_to_threads_into_the_ticket(mailbox):
    first = deliver(mailbox, make_mail(message_id="<q1@customer.test>"))
    reply = deliver(mailbox, make_mail(
        sender="colleague@elsewhere.test", subject="Re: something else entirely",
        body="Adding details.", in_reply_to="<q1@customer.test>",
    ))
    assert reply.state == RawEmail.State.PROCESSED
    assert reply.ticket_id == first.ticket_id
    assert Ticket.objects.filter(channel="email").count() == 1
    message = Message.objects.get(pk=reply.ticket_message_id)
    assert message.author_contact.primary_email == "colleague@elsewhere.test"
    assert message.is_public is True


def test_subject_reference_from_the_requester_threads(mailbox):
    first = deliver(mailbox, make_mail())
    ticket = Ticket.objects.get(pk=first.ticket_id)
    reply = deliver(mailbox, make_mail(subject=f"Re: [{ticket.reference}] Hello", body="Thanks"))
    assert reply.ticket_id == ticket.pk
    assert ticket.messages.count() == 2


def test_subject_reference_from_another_address_of_the_requester_threads(mailbox):
    first = deliver(mailbox, make_mail())
    ticket = Ticket.objects.get(pk=first.ticket_id)
    contact_add_identity(contact=ticket.requester, kind="email", value="ana@home.test")
    reply = deliver(mailbox, make_mail(sender="ana@home.test", subject=f"{ticket.reference}"))
    assert reply.ticket_id == ticket.pk


def test_subject_reference_from_a_stranger_makes_a_new_ticket(mailbox, world):
    stolen = f"Re: [{world.ticket.reference}] give me the details"
    row = deliver(mailbox, make_mail(sender="mallory@evil.test", subject=stolen,
                                     body="MALLORY-WAS-HERE"))
    assert row.state == RawEmail.State.PROCESSED
    assert row.ticket_id != world.ticket.pk
    assert Ticket.objects.get(pk=row.ticket_id).requester.primary_email == "mallory@evil.test"
    assert not world.ticket.messages.filter(body_text__contains="MALLORY").exists()
    assert Message.objects.get(pk=row.ticket_message_id).body_text.strip() == "MALLORY-WAS-HERE"


def test_subject_reference_from_a_colleague_threads_only_when_the_org_shares(mailbox, world):
    # customer_a2 is in A's organization; the organization does not share tickets yet.
    address = world.customer_a2.email
    subject = f"[{world.ticket.reference}] me too"
    alone = deliver(mailbox, make_mail(sender=address, subject=subject, body="First try"))
    assert alone.ticket_id != world.ticket.pk
    world.org_a.shares_tickets = True
    world.org_a.save()
    shared = deliver(mailbox, make_mail(sender=address, subject=subject, body="Second try"))
    assert shared.ticket_id == world.ticket.pk


def test_reply_to_a_closed_ticket_opens_a_new_one(mailbox):
    first = deliver(mailbox, make_mail(message_id="<c1@customer.test>"))
    Ticket.objects.filter(pk=first.ticket_id).update(status="closed")
    reply = deliver(mailbox, make_mail(in_reply_to="<c1@customer.test>", subject="Re: Hello"))
    assert reply.state == RawEmail.State.PROCESSED
    assert reply.ticket_id != first.ticket_id


@pytest.mark.parametrize(("headers", "reason"), [
    ({"Auto-Submitted": "auto-replied"}, "auto"),
    ({"Precedence": "bulk"}, ""),
    ({"List-Id": "<news.customer.test>"}, ""),
])
def test_auto_replies_and_list_mail_are_ignored(mailbox, headers, reason):
    row = deliver(mailbox, make_mail(subject="Out of office", headers=headers))
    assert row.state == RawEmail.State.IGNORED
    assert row.error != ""
    assert reason.lower() in row.error.lower()
    assert row.ticket_id is None
    assert Ticket.objects.filter(channel="email").count() == 0


def test_mail_from_our_own_mailbox_is_ignored(mailbox):
    row = deliver(mailbox, make_mail(sender="help@latido.test"))
    assert row.state == RawEmail.State.IGNORED
    assert "loop" in row.error


def test_message_without_sender_is_quarantined_with_its_exact_bytes(mailbox):
    raw = b"To: help@latido.test\r\nSubject: who am I\r\n\r\n\xff\xfe body\r\n"
    row = deliver(mailbox, raw)
    assert row.state == RawEmail.State.QUARANTINED
    assert row.error == "The message has no sender address."
    assert bytes(RawEmail.objects.get(pk=row.pk).raw) == raw


def test_processing_failure_is_quarantined_and_replay_after_the_fix_works(
    mailbox, settings, tmp_path
):
    # Attachment storage is broken: the media root is a file, not a directory.
    broken = tmp_path / "not-a-directory"
    broken.write_bytes(b"")
    settings.MEDIA_ROOT = str(broken)
    raw = make_mail(attachments=[("invoice.pdf", b"%PDF-1.4 data", "application/pdf")])
    row = deliver(mailbox, raw)
    assert row.state == RawEmail.State.QUARANTINED
    assert row.error.startswith("Processing failed: ")
    assert (row.sender, row.subject, row.attempts) == ("ana@customer.test", "Hello", 1)
    assert row.ticket_id is None
    assert Ticket.objects.filter(channel="email").count() == 0
    assert bytes(RawEmail.objects.get(pk=row.pk).raw) == raw
    assert email_process(raw_email_id=row.pk).state == RawEmail.State.QUARANTINED  # not again

    settings.MEDIA_ROOT = str(tmp_path / "media")  # the fix
    replayed = email_replay(raw_email_id=row.pk)
    assert replayed.state == RawEmail.State.PROCESSED
    assert replayed.attempts == 2
    ticket = Ticket.objects.get(pk=replayed.ticket_id)
    assert [a.filename for a in ticket.attachments.all()] == ["invoice.pdf"]


def test_forbidden_and_oversized_attachments_are_noted_and_the_mail_kept(mailbox, settings):
    settings.LATIDO_MAX_ATTACHMENT_BYTES = 1000
    row = deliver(mailbox, make_mail(attachments=[
        ("run.exe", b"MZ", "application/octet-stream"),
        ("big.pdf", b"x" * 2000, "application/pdf"),
        ("ok.txt", b"fine", "text/plain"),
    ]))
    assert row.state == RawEmail.State.PROCESSED
    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert [a.filename for a in ticket.attachments.all()] == ["ok.txt"]
    note = ticket.messages.get(is_public=False)
    assert "run.exe: Files of type .exe are not accepted." in note.body_text
    assert "big.pdf: big.pdf is larger than the 0 MB limit." in note.body_text
    assert len(row.notes) == 2


def test_a_sender_over_the_rate_limit_is_quarantined(mailbox):
    rows = [
        deliver(mailbox, make_mail(subject=f"Loop {i}", sender="bot@loop.test"))
        for i in range(RATE_LIMIT_MESSAGES + 2)
    ]
    states = [r.state for r in rows]
    assert states[:RATE_LIMIT_MESSAGES] == [RawEmail.State.PROCESSED] * RATE_LIMIT_MESSAGES
    assert states[RATE_LIMIT_MESSAGES:] == [RawEmail.State.QUARANTINED] * 2
    assert "possible mail loop" in rows[-1].error
    assert deliver(mailbox, make_mail(sender="other@customer.test")).state == "processed"
    assert email_replay(raw_email_id=rows[-1].pk).state == RawEmail.State.PROCESSED


def test_receive_only_stores_and_processing_is_idempotent(mailbox):
    row = email_receive(mailbox=mailbox, raw=make_mail())
    assert row.state == RawEmail.State.RECEIVED
    assert Ticket.objects.filter(channel="email").count() == 0
    email_process(raw_email_id=row.pk)
    email_process(raw_email_id=row.pk)
    assert Ticket.objects.filter(channel="email").count() == 1
    assert RawEmail.objects.get(pk=row.pk).attempts == 1


def test_the_sweep_schedules_messages_whose_processing_job_was_lost(
    mailbox, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from latido.channels.email.tasks import requeue_stale_emails

    # Stored, but the worker died before processing it (no job ran).
    lost = email_receive(mailbox=mailbox, raw=make_mail(subject="Lost job"))
    fresh = email_receive(mailbox=mailbox, raw=make_mail(subject="Just arrived"))
    RawEmail.objects.filter(pk=lost.pk).update(received_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale_emails.call() == 1
    assert RawEmail.objects.get(pk=lost.pk).state == RawEmail.State.PROCESSED
    assert RawEmail.objects.get(pk=fresh.pk).state == RawEmail.State.RECEIVED
    assert Ticket.objects.filter(subject="Lost job").count() == 1


def test_the_same_mail_to_two_mailboxes_is_stored_for_each(mailbox, world):
    other = Mailbox.objects.create(name="Sales", address="sales@latido.test",
                                   team=world.other_team)
    raw = make_mail(message_id="<both@customer.test>", to="help@latido.test, sales@latido.test")
    first, second = deliver(mailbox, raw), deliver(other, raw)
    assert first.pk != second.pk
    assert first.state == RawEmail.State.PROCESSED
    assert second.state == RawEmail.State.PROCESSED
    assert Ticket.objects.get(pk=second.ticket_id).team == world.other_team
