"""IMAP over TLS against a private dovecot with a certificate made by the test.

The server's certificate is signed by a throw-away CA; the mailbox trusts it through its
``ca_file`` setting. Verification is never switched off: without the CA file the connection
fails.
"""

from __future__ import annotations

import imaplib
import shutil
import ssl
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from latido.channels.email.imap import ImapPollError, imap_check, imap_poll_mailbox
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.certs import Certs, make_certs
from latido.channels.tests.dovecot import PASSWORD, USER, Dovecot, start_dovecot
from latido.channels.tests.helpers import make_mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def tls_dovecot() -> Iterator[tuple[Dovecot, Certs]]:
    root = Path(tempfile.mkdtemp(prefix="latido-dovecot-tls-"))
    root.chmod(0o755)
    certs = make_certs(root / "certs")
    server = start_dovecot(root, tls_cert=certs.cert, tls_key=certs.key)
    try:
        yield server, certs
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _append(server: Dovecot, certs: Certs, *subjects: str) -> None:
    context = ssl.create_default_context(cafile=str(certs.ca))
    client = imaplib.IMAP4_SSL("127.0.0.1", server.tls_port, ssl_context=context, timeout=30)
    try:
        client.login(USER, PASSWORD)
        _status, count = client.select("INBOX")
        if int(count[0] or 0):  # what earlier tests left
            client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
            client.expunge()
        for subject in subjects:
            assert client.append("INBOX", None, None, make_mail(subject=subject))[0] == "OK"
    finally:
        client.logout()


def _mailbox(server: Dovecot, certs: Certs | None, security: str, monkeypatch) -> Mailbox:
    monkeypatch.setenv("LATIDO_TEST_IMAP_PASSWORD", PASSWORD)
    port = server.tls_port if security == "ssl" else server.port
    settings = {"host": "127.0.0.1", "port": port, "security": security, "username": USER,
                "password_env": "LATIDO_TEST_IMAP_PASSWORD"}
    if certs is not None:
        settings["ca_file"] = str(certs.ca)
    return Mailbox.objects.create(name="Help", address="help@latido.test",
                                  kind=Mailbox.Kind.IMAP, settings=settings)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_is_taken_over_tls_with_the_mailboxs_ca_file(tls_dovecot, monkeypatch, security):
    server, certs = tls_dovecot
    _append(server, certs, f"Over {security}")
    mailbox = _mailbox(server, certs, security, monkeypatch)

    assert imap_check(mailbox=mailbox) == 1
    assert imap_poll_mailbox(mailbox=mailbox) == 1
    assert RawEmail.objects.get().subject == f"Over {security}"
    assert imap_poll_mailbox(mailbox=mailbox) == 0  # marked seen after the commit


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_an_untrusted_certificate_is_refused(tls_dovecot, monkeypatch, security):
    server, _certs = tls_dovecot
    mailbox = _mailbox(server, None, security, monkeypatch)
    with pytest.raises(ImapPollError) as caught:
        imap_check(mailbox=mailbox)
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert RawEmail.objects.count() == 0


def _run_test_action(admin_client, mailbox: Mailbox) -> list[str]:
    response = admin_client.post("/django-admin/latido_channels/mailbox/", {
        "action": "test_connection", "_selected_action": [str(mailbox.pk)]}, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def admin_client(world):
    from django.test import Client

    client = Client()
    client.force_login(world.admin)
    return client


def test_the_admin_test_connection_action_reports_success_and_failure(
    tls_dovecot, monkeypatch, admin_client
):
    server, certs = tls_dovecot
    _append(server, certs, "Waiting")
    mailbox = _mailbox(server, certs, "starttls", monkeypatch)
    assert _run_test_action(admin_client, mailbox) == [
        "help@latido.test: connected and signed in; 1 message in the folder."]
    assert RawEmail.objects.count() == 0  # a test takes nothing

    monkeypatch.setenv("LATIDO_TEST_IMAP_PASSWORD", "wrong")
    [message] = _run_test_action(admin_client, mailbox)
    assert message.startswith("help@latido.test: IMAP login failed for help at 127.0.0.1 "
                              "(check the username and the secret in "
                              "LATIDO_TEST_IMAP_PASSWORD): ")

    mailbox.settings = {**mailbox.settings, "ca_file": ""}
    mailbox.save()
    [message] = _run_test_action(admin_client, mailbox)
    assert "CERTIFICATE_VERIFY_FAILED" in message
