"""Fixtures for the channel tests: a real dovecot IMAP server per test session."""

from __future__ import annotations

import imaplib
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from latido.channels.tests.dovecot import OAUTH_USER, PASSWORD, TOKEN, USER, Dovecot, start_dovecot
from latido.channels.tests.smtp_server import email_ticket, smtp  # noqa: F401 (fixtures)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    # Not under pytest's tmp_path: that is private to us, and dovecot's auth and mail
    # processes run as another user when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="latido-dovecot-"))
    root.chmod(0o755)
    server = start_dovecot(root)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


_LIST = re.compile(rb'\(.*?\) (?:"[^"]*"|NIL) "?(.*?)"?$')


def _empty(port: int, user: str, secret: str) -> None:
    client = imaplib.IMAP4("127.0.0.1", port, timeout=30)
    try:
        client.login(user, secret)
        _, listing = client.list()
        for line in listing:
            found = _LIST.match(line) if isinstance(line, bytes) else None
            name = found.group(1).decode() if found else ""
            status, count = client.select(f'"{name}"') if name else ("NO", [b"0"])
            if status == "OK":
                if int(count[0] or 0):
                    client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                    client.expunge()
                client.close()
            if name and name != "INBOX":
                client.delete(f'"{name}"')
    finally:
        client.logout()


@pytest.fixture
def imap_server(dovecot: Dovecot) -> Dovecot:
    """The session's dovecot with empty mailboxes for every test."""
    _empty(dovecot.port, USER, PASSWORD)
    _empty(dovecot.port, OAUTH_USER, TOKEN)
    return dovecot
