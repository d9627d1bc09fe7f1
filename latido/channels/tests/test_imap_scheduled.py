"""The scheduler's IMAP job polls every active IMAP mailbox against a real dovecot."""

from __future__ import annotations

from pathlib import Path

import pytest

from latido.channels.email.tasks import poll_imap_mailboxes
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.dovecot import PASSWORD, USER, Dovecot

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS = Path(__file__).parents[1] / "email" / "tests" / "corpus"


def _mailbox(server: Dovecot, address: str, password_env: str, active: bool = True) -> Mailbox:
    settings = {"host": "127.0.0.1", "port": server.port, "security": "none",
                "username": USER, "password_env": password_env}
    return Mailbox.objects.create(name=address, address=address, kind=Mailbox.Kind.IMAP,
                                  settings=settings, active=active)


def test_job_polls_active_mailboxes_and_survives_a_broken_one(imap_server, monkeypatch):
    import imaplib

    monkeypatch.setenv("LATIDO_TEST_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("LATIDO_TEST_IMAP_WRONG", "not-the-password")
    raw = (CORPUS / "ar_windows1256.eml").read_bytes().replace(b"\r\n", b"\n")
    client = imaplib.IMAP4("127.0.0.1", imap_server.port, timeout=30)
    client.login(USER, PASSWORD)
    assert client.append("INBOX", None, None, raw.replace(b"\n", b"\r\n"))[0] == "OK"
    client.logout()
    _mailbox(imap_server, "broken@latido.test", "LATIDO_TEST_IMAP_WRONG")
    _mailbox(imap_server, "help@latido.test", "LATIDO_TEST_IMAP_PASSWORD")
    _mailbox(imap_server, "off@latido.test", "LATIDO_TEST_IMAP_PASSWORD", active=False)

    taken = poll_imap_mailboxes.call()

    assert taken == {"broken@latido.test": -1, "help@latido.test": 1}
    assert list(RawEmail.objects.values_list("mailbox__address", flat=True)) == [
        "help@latido.test"]
    assert poll_imap_mailboxes.call() == {"broken@latido.test": -1, "help@latido.test": 0}
