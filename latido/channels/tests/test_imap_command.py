"""`latido imap_poll` against the session's dovecot."""

from __future__ import annotations

import imaplib
import io

import pytest
from django.core.management import CommandError, call_command

from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.dovecot import PASSWORD, USER, Dovecot
from latido.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _imap_mailbox(server: Dovecot, address: str, env: str) -> Mailbox:
    return Mailbox.objects.create(
        name=address, address=address, kind=Mailbox.Kind.IMAP,
        settings={"host": "127.0.0.1", "port": server.port, "security": "none",
                  "username": USER, "password_env": env},
    )


def _append(server: Dovecot, subject: str) -> None:
    client = imaplib.IMAP4("127.0.0.1", server.port, timeout=30)
    try:
        client.login(USER, PASSWORD)
        raw = (f"From: ana@customer.test\r\nTo: help@latido.test\r\nSubject: {subject}\r\n"
               f"Message-ID: <{subject}@customer.test>\r\n\r\nPlease help.\r\n").encode()
        assert client.append("INBOX", None, None, raw)[0] == "OK"
    finally:
        client.logout()


def test_once_polls_the_active_imap_mailboxes(imap_server, monkeypatch):
    monkeypatch.setenv("LATIDO_TEST_IMAP_PASSWORD", PASSWORD)
    _imap_mailbox(imap_server, "help@latido.test", "LATIDO_TEST_IMAP_PASSWORD")
    Mailbox.objects.create(name="SMTP", address="smtp@latido.test")
    _append(imap_server, "first")
    _append(imap_server, "second")
    out = io.StringIO()
    call_command("imap_poll", "--once", stdout=out)
    assert out.getvalue() == "help@latido.test: 2\n"
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["first", "second"]
    out = io.StringIO()
    call_command("imap_poll", "--once", "--mailbox", "HELP@latido.test", stdout=out)
    assert out.getvalue() == "help@latido.test: 0\n"
    assert RawEmail.objects.count() == 2


def test_once_reports_a_failing_mailbox_and_still_polls_the_others(imap_server, monkeypatch):
    monkeypatch.setenv("LATIDO_TEST_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("LATIDO_TEST_IMAP_WRONG", "wrong")
    _imap_mailbox(imap_server, "bad@latido.test", "LATIDO_TEST_IMAP_WRONG")
    _imap_mailbox(imap_server, "help@latido.test", "LATIDO_TEST_IMAP_PASSWORD")
    _append(imap_server, "third")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("imap_poll", "--once", stdout=out, stderr=err)
    assert str(caught.value) == "IMAP polling failed for: bad@latido.test"
    assert err.getvalue().startswith("bad@latido.test: IMAP login failed for help at 127.0.0.1")
    assert out.getvalue() == "help@latido.test: 1\n"
    assert RawEmail.objects.count() == 1


def test_an_unknown_mailbox_is_refused(imap_server):
    Mailbox.objects.create(name="SMTP", address="smtp@latido.test")
    with pytest.raises(CommandError) as caught:
        call_command("imap_poll", "--once", "--mailbox", "smtp@latido.test")
    assert str(caught.value) == "No active IMAP mailbox has the address smtp@latido.test."
