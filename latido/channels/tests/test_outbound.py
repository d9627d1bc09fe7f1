"""Email out over a real SMTP server: aiosmtpd on loopback receives what Django sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from latido.channels.email.outbound import MAX_ATTEMPTS, outbound_send
from latido.channels.email.tasks import retry_outbound_emails
from latido.channels.models import EmailThreadRef, Mailbox, OutboundEmail
from latido.channels.selectors import outbound_for_ticket, undelivered_for_ticket
from latido.channels.tests.helpers import deliver, make_mail
from latido.channels.tests.smtp_server import INBOUND_ID
from latido.tickets.enums import Channel
from latido.tickets.models import Message, Ticket
from latido.tickets.services import ticket_create, ticket_note, ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_reply_on_an_email_ticket_sends_one_threaded_mail(world, smtp, email_ticket):
    reply = ticket_reply(ticket=email_ticket, actor=world.tier1, body="Refund issued.")

    row = OutboundEmail.objects.get()
    assert [m["Message-ID"] for m in smtp.collector.messages] == [f"<{row.message_id}>"]
    mail = smtp.collector.messages[0]
    assert smtp.collector.rcpt == [["ana@customer.test"]]
    assert mail["To"] == "ana@customer.test"
    assert mail["From"] == "Help <help@latido.test>"
    assert mail["Subject"] == f"Re: Card charged twice [LAT-{email_ticket.pk}]"
    assert mail["In-Reply-To"] == f"<{INBOUND_ID}>"
    assert mail["References"] == f"<{INBOUND_ID}>"
    assert mail["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert mail["Auto-Submitted"] is None
    ref = email_ticket.reference
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == (
        f"Hello ana,\n\nRefund issued.\n\n--\nTicket {ref}: Card charged twice\n"
        f"Reply to this email to answer; please keep {ref} in the subject.")
    assert (f"<p>Hello ana,</p><p>Refund issued.</p><p>--<br>Ticket {ref}: Card charged twice"
            in mail.get_body(("html",)).get_content())
    assert row.language == "en"
    assert row.message_id.startswith(f"latido.{email_ticket.pk}.{reply.pk}.")
    assert row.message_id.endswith("@latido.test")
    assert (row.state, row.attempts, row.last_error) == (OutboundEmail.State.SENT, 1, "")
    assert row.sent_at is not None
    assert list(EmailThreadRef.objects.filter(direction="out").values_list(
        "message_id", "ticket_message")) == [(row.message_id, reply.pk)]
    assert list(outbound_for_ticket(email_ticket)) == [row]


def test_sending_twice_sends_once_and_the_pipeline_twice_creates_one_row(
    world, smtp, email_ticket
):
    from latido.core import pipeline

    ticket_reply(ticket=email_ticket, actor=world.tier1, body="Refund issued.")
    row = OutboundEmail.objects.get()
    outbound_send(outbound_id=row.pk)
    outbound_send(outbound_id=row.pk)
    pipeline.run([row.event_id])

    assert len(smtp.collector.messages) == 1
    assert OutboundEmail.objects.count() == 1


def test_a_second_reply_references_the_whole_thread(world, smtp, email_ticket):
    ticket_reply(ticket=email_ticket, actor=world.tier1, body="First answer.")
    ticket_reply(ticket=email_ticket, actor=world.tier1, body="Second answer.")

    first, second = OutboundEmail.objects.order_by("id")
    assert second.in_reply_to == INBOUND_ID
    assert smtp.collector.messages[1]["References"] == f"<{INBOUND_ID}> <{first.message_id}>"


def test_notes_customer_replies_and_portal_tickets_send_nothing(world, smtp, email_ticket):
    ticket_note(ticket=email_ticket, actor=world.tier1, body="Internal only.")
    ticket_reply(ticket=email_ticket, actor=None, body="Any news?")
    ticket_reply(ticket=world.ticket, actor=world.tier1, body="Portal answer.")

    assert smtp.collector.messages == []
    assert OutboundEmail.objects.count() == 0


def test_an_agent_reply_on_a_web_form_ticket_is_mailed_to_the_visitor(world, smtp):
    # Web-form visitors have no portal login: the answer reaches them by email.
    ticket = ticket_create(actor=None, requester=world.contact_b, subject="Form question",
                           body="Sent from the contact form.", channel=Channel.WEB)
    ticket_reply(ticket=ticket, actor=world.tier1, body="Here is your answer.")

    [mail] = smtp.collector.messages
    assert mail["To"] == world.contact_b.primary_email
    assert "Here is your answer." in mail.get_body(preferencelist=("plain",)).get_content()
    assert OutboundEmail.objects.get().ticket == ticket


def test_a_failed_send_backs_off_and_the_retry_job_sends_the_same_message_id(
    world, smtp, email_ticket
):
    smtp.stop()
    before = timezone.now()
    ticket_reply(ticket=email_ticket, actor=world.tier1, body="Refund issued.")
    after = timezone.now()

    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts) == (OutboundEmail.State.FAILED, 1)
    assert "Connection refused" in row.last_error
    assert row.next_attempt_at is not None
    assert before + timedelta(minutes=1) <= row.next_attempt_at <= after + timedelta(minutes=1)
    assert undelivered_for_ticket(email_ticket) == [row]
    assert retry_outbound_emails.call() == 0  # not due yet

    smtp.start()
    OutboundEmail.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert retry_outbound_emails.call() == 1

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboundEmail.State.SENT, 2, "")
    assert [m["Message-ID"] for m in smtp.collector.messages] == [f"<{row.message_id}>"]
    assert undelivered_for_ticket(email_ticket) == []


def test_backoff_grows_and_the_last_failure_writes_a_note(world, smtp, email_ticket):
    smtp.stop()
    ticket_reply(ticket=email_ticket, actor=world.tier1, body="Refund issued.")
    row = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=row.pk).update(attempts=2, next_attempt_at=timezone.now())
    start = timezone.now()
    outbound_send(outbound_id=row.pk)
    row.refresh_from_db()
    assert row.attempts == 3
    assert row.next_attempt_at is not None
    assert start + timedelta(minutes=25) <= row.next_attempt_at
    assert row.next_attempt_at <= timezone.now() + timedelta(minutes=25)

    OutboundEmail.objects.filter(pk=row.pk).update(
        attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    outbound_send(outbound_id=row.pk)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    note = Message.objects.filter(ticket=email_ticket, is_public=False).get()
    assert note.body_text.startswith(
        f"The email reply to ana@customer.test could not be delivered after {MAX_ATTEMPTS} "
        "attempts: ")
    assert retry_outbound_emails.call() == 0  # given up: no more attempts


def test_the_customers_answer_to_our_mail_threads_into_the_same_ticket(
    world, smtp, email_ticket
):
    ticket_reply(ticket=email_ticket, actor=world.tier1, body="Refund issued.")
    row = OutboundEmail.objects.get()
    mailbox = Mailbox.objects.get()

    raw = deliver(mailbox, make_mail(
        subject="Thanks", message_id="<second.456@customer.test>",
        in_reply_to=f"<{row.message_id}>", body="Got it, thanks."))

    assert raw.ticket_id == email_ticket.pk
    assert Ticket.objects.filter(channel="email").count() == 1
    assert raw.ticket_message is not None
    assert raw.ticket_message.body_text.strip() == "Got it, thanks."
    assert len(smtp.collector.messages) == 1  # the customer's mail is not answered
