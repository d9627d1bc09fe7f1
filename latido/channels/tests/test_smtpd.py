"""The SMTP endpoint over the real protocol: aiosmtpd on loopback, smtplib as the sender."""

from __future__ import annotations

import smtplib
import socket

import pytest

from latido.channels.email.smtpd import make_controller
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.helpers import make_mail
from latido.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server():
    Mailbox.objects.create(name="Help", address="help@latido.test")
    Mailbox.objects.create(name="Old", address="old@latido.test", active=False)
    port = _free_port()
    controller = make_controller(host="127.0.0.1", port=port, size_limit=200_000)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def _send(port: int, raw: bytes, to: str = "help@latido.test") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.sendmail("ana@customer.test", [to], raw)


def test_delivered_mail_becomes_a_ticket_and_redelivery_is_a_no_op(smtp_server):
    raw = make_mail(subject="Over SMTP", message_id="<smtp1@customer.test>")
    _send(smtp_server, raw)
    _send(smtp_server, raw)
    row = RawEmail.objects.get()
    assert row.state == RawEmail.State.PROCESSED
    assert bytes(row.raw) == raw
    ticket = Ticket.objects.get()
    assert ticket.subject == "Over SMTP"
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_a_reply_over_smtp_threads_into_the_ticket(smtp_server):
    _send(smtp_server, make_mail(message_id="<smtp2@customer.test>"))
    _send(smtp_server, make_mail(subject="Re: Hello", body="Any news?",
                                 in_reply_to="<smtp2@customer.test>"))
    ticket = Ticket.objects.get()
    assert [m.body_text.strip() for m in ticket.messages.order_by("id")] == [
        "My card was charged twice.", "Any news?",
    ]


@pytest.mark.parametrize("address", ["nobody@latido.test", "old@latido.test"])
def test_unknown_or_inactive_recipient_is_refused_with_550(smtp_server, address):
    with (smtplib.SMTP("127.0.0.1", smtp_server, timeout=30) as client,
          pytest.raises(smtplib.SMTPRecipientsRefused) as refused):
        client.sendmail("ana@customer.test", [address], make_mail(to=address))
    assert refused.value.recipients[address][0] == 550
    assert RawEmail.objects.count() == 0


def test_a_message_over_the_size_limit_is_refused_with_552(smtp_server):
    raw = make_mail(body="x" * 300_000)
    with smtplib.SMTP("127.0.0.1", smtp_server, timeout=30) as client:
        # A client announcing the size is refused at MAIL FROM ...
        with pytest.raises(smtplib.SMTPSenderRefused) as announced:
            client.sendmail("ana@customer.test", ["help@latido.test"], raw)
        assert announced.value.smtp_code == 552
        # ... and one that does not is refused after DATA.
        client.rset()
        assert client.mail("ana@customer.test")[0] == 250
        assert client.rcpt("help@latido.test")[0] == 250
        code, _ = client.data(raw)
    assert code == 552
    assert RawEmail.objects.count() == 0


def test_an_auto_reply_over_smtp_is_stored_and_ignored(smtp_server):
    _send(smtp_server, make_mail(subject="Out of office",
                                 headers={"Auto-Submitted": "auto-replied"}))
    row = RawEmail.objects.get()
    assert row.state == RawEmail.State.IGNORED
    assert Ticket.objects.count() == 0


def test_the_command_refuses_an_unknown_mailbox():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No active mailbox has the address x@latido.test."):
        call_command("smtpd", "--mailbox", "x@latido.test", "--port", str(_free_port()))


def test_a_server_for_one_mailbox_refuses_the_others(transactional_db):
    Mailbox.objects.create(name="Help", address="help@latido.test")
    Mailbox.objects.create(name="Sales", address="sales@latido.test")
    port = _free_port()
    controller = make_controller(host="127.0.0.1", port=port, only_address="help@latido.test")
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.ehlo()
            assert client.mail("ana@customer.test")[0] == 250
            assert client.rcpt("sales@latido.test")[0] == 550
            assert client.rcpt("help@latido.test")[0] == 250
    finally:
        controller.stop()
