"""IMAP polling against a real dovecot on loopback: every message taken exactly once."""

from __future__ import annotations

import imaplib
from pathlib import Path

import pytest

from latido.channels.email.imap import (
    ImapConfig,
    ImapPollError,
    fetch_message,
    imap_poll_mailbox,
    imap_session,
    pending_uids,
)
from latido.channels.email.ingest import email_receive
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.dovecot import OAUTH_USER, PASSWORD, TOKEN, USER, Dovecot
from latido.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS = Path(__file__).parents[1] / "email" / "tests" / "corpus"
HUMAN = ["ar_windows1256", "attachment_without_filename", "auto_submitted_no_is_human"]


def _corpus(name: str) -> bytes:
    return (CORPUS / f"{name}.eml").read_bytes()


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _mailbox(server: Dovecot, **extra: object) -> Mailbox:
    settings = {"host": "127.0.0.1", "port": server.port, "security": "none",
                "username": USER, "password_env": "LATIDO_TEST_IMAP_PASSWORD", **extra}
    return Mailbox.objects.create(name="Help", address="help@latido.test",
                                  kind=Mailbox.Kind.IMAP, settings=settings)


def _client(server: Dovecot, user: str = USER, secret: str = PASSWORD) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", server.port, timeout=30)
    client.login(user, secret)
    return client


def _append(server: Dovecot, *messages: bytes, user: str = USER, secret: str = PASSWORD) -> None:
    client = _client(server, user, secret)
    try:
        for raw in messages:
            assert client.append("INBOX", None, None, _crlf(raw))[0] == "OK"
    finally:
        client.logout()


def _folder(server: Dovecot, folder: str, criterion: str = "ALL") -> int:
    client = _client(server)
    try:
        assert client.select(f'"{folder}"', readonly=True)[0] == "OK"
        _, data = client.uid("SEARCH", criterion)
        return len(data[0].split())
    finally:
        client.logout()


@pytest.fixture(autouse=True)
def _secrets(monkeypatch):
    monkeypatch.setenv("LATIDO_TEST_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("LATIDO_TEST_IMAP_TOKEN", TOKEN)


def test_poll_takes_every_message_once_and_marks_it_seen(imap_server):
    mailbox = _mailbox(imap_server)
    _append(imap_server, *(_corpus(name) for name in [*HUMAN, "bounce_dsn_postfix"]))
    assert imap_poll_mailbox(mailbox=mailbox) == 4
    rows = list(RawEmail.objects.order_by("id"))
    assert [r.state for r in rows] == [RawEmail.State.PROCESSED] * 3 + [RawEmail.State.IGNORED]
    for name, row in zip([*HUMAN, "bounce_dsn_postfix"], rows, strict=True):
        assert bytes(row.raw) == _crlf(_corpus(name))
    assert Ticket.objects.count() == 3
    assert _folder(imap_server, "INBOX", "UNSEEN") == 0
    assert _folder(imap_server, "INBOX", "SEEN") == 4
    assert imap_poll_mailbox(mailbox=mailbox) == 0
    assert RawEmail.objects.count() == 4
    assert Ticket.objects.count() == 3


def test_poll_moves_taken_messages_to_the_processed_folder(imap_server):
    mailbox = _mailbox(imap_server, processed_folder="Latido done")
    _append(imap_server, *(_corpus(name) for name in HUMAN))
    assert imap_poll_mailbox(mailbox=mailbox) == 3
    assert _folder(imap_server, "INBOX") == 0
    assert _folder(imap_server, "Latido done") == 3
    assert imap_poll_mailbox(mailbox=mailbox) == 0
    assert RawEmail.objects.count() == 3
    assert Ticket.objects.count() == 3


def test_a_redelivered_message_is_taken_again_but_stored_once(imap_server):
    mailbox = _mailbox(imap_server)
    raw = _corpus(HUMAN[0])
    _append(imap_server, raw)
    assert imap_poll_mailbox(mailbox=mailbox) == 1
    _append(imap_server, raw)
    assert imap_poll_mailbox(mailbox=mailbox) == 1
    assert RawEmail.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert _folder(imap_server, "INBOX", "UNSEEN") == 0


def test_a_crash_between_storing_and_marking_yields_no_loss_and_no_duplicate(imap_server):
    mailbox = _mailbox(imap_server)
    _append(imap_server, *(_corpus(name) for name in HUMAN[:2]))
    config = ImapConfig.from_mailbox(mailbox)
    with imap_session(config) as client:
        uid = pending_uids(client, config)[0]
        raw = fetch_message(client, uid)
        assert raw is not None
        email_receive(mailbox=mailbox, raw=raw)
        client.shutdown()  # the worker dies: the message is stored but never marked
    assert RawEmail.objects.count() == 1
    assert _folder(imap_server, "INBOX", "UNSEEN") == 2  # BODY.PEEK[] left it unseen
    assert imap_poll_mailbox(mailbox=mailbox) == 2
    assert RawEmail.objects.count() == 2
    assert Ticket.objects.count() == 2
    assert _folder(imap_server, "INBOX", "UNSEEN") == 0


def test_poll_is_bounded_per_run(imap_server):
    mailbox = _mailbox(imap_server)
    _append(imap_server, *(_corpus(name) for name in HUMAN))
    assert imap_poll_mailbox(mailbox=mailbox, limit=2) == 2
    assert _folder(imap_server, "INBOX", "UNSEEN") == 1
    assert imap_poll_mailbox(mailbox=mailbox, limit=2) == 1
    assert RawEmail.objects.count() == 3


def test_a_wrong_password_is_a_clear_error_and_stores_nothing(imap_server, monkeypatch):
    mailbox = _mailbox(imap_server)
    _append(imap_server, _corpus(HUMAN[0]))
    monkeypatch.setenv("LATIDO_TEST_IMAP_PASSWORD", "wrong")
    with pytest.raises(ImapPollError) as caught:
        imap_poll_mailbox(mailbox=mailbox)
    assert caught.value.message.startswith(
        f"IMAP login failed for {USER} at 127.0.0.1 (check the username and the secret in "
        "LATIDO_TEST_IMAP_PASSWORD):"
    )
    assert RawEmail.objects.count() == 0
    assert _folder(imap_server, "INBOX", "UNSEEN") == 1


def test_a_missing_secret_variable_is_a_clear_error(imap_server, monkeypatch):
    mailbox = _mailbox(imap_server)
    monkeypatch.delenv("LATIDO_TEST_IMAP_PASSWORD")
    with pytest.raises(ImapPollError) as caught:
        imap_poll_mailbox(mailbox=mailbox)
    assert caught.value.message == (
        "The environment variable LATIDO_TEST_IMAP_PASSWORD (the IMAP secret) is not set."
    )


def test_an_unreachable_server_is_a_clear_error(imap_server):
    mailbox = _mailbox(imap_server, port=1)
    with pytest.raises(ImapPollError) as caught:
        imap_poll_mailbox(mailbox=mailbox)
    assert caught.value.message.startswith("Cannot connect to the IMAP server 127.0.0.1:1:")


def test_xoauth2_logs_in_with_the_token_from_the_environment(imap_server):
    mailbox = _mailbox(imap_server, username=OAUTH_USER, auth="xoauth2",
                       token_env="LATIDO_TEST_IMAP_TOKEN")
    _append(imap_server, _corpus(HUMAN[0]), user=OAUTH_USER, secret=TOKEN)
    assert imap_poll_mailbox(mailbox=mailbox) == 1
    assert Ticket.objects.count() == 1
