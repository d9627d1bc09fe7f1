"""XOAUTH2 with token refresh against dovecot's OAuth2 passdb and a loopback token server.

Dovecot checks every XOAUTH2 token by POSTing it to the introspection endpoint of the test's
authorization server, which also issues access tokens for the refresh token: the refresh, the
cache and the one retry after a rejected token all happen for real.
"""

from __future__ import annotations

import imaplib
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from latido.channels.email.imap import ImapPollError, imap_poll_mailbox
from latido.channels.models import Mailbox, MailboxOAuthToken, RawEmail
from latido.channels.tests.dovecot import OAUTH_USER, TOKEN, Dovecot, start_dovecot
from latido.channels.tests.helpers import make_mail
from latido.channels.tests.oauth_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    AuthServer,
    start_auth_server,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def oauth_stack() -> Iterator[tuple[Dovecot, AuthServer]]:
    auth = start_auth_server(OAUTH_USER)
    root = Path(tempfile.mkdtemp(prefix="latido-dovecot-oauth-"))
    root.chmod(0o755)
    server = start_dovecot(root, introspection_url=f"{auth.base_url}/introspect")
    try:
        yield server, auth
    finally:
        server.stop()
        auth.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def stack(oauth_stack, monkeypatch) -> tuple[Dovecot, AuthServer]:
    server, auth = oauth_stack
    auth.state.reset()
    monkeypatch.setenv("LATIDO_TEST_OAUTH_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("LATIDO_TEST_OAUTH_REFRESH", REFRESH_TOKEN)
    client = imaplib.IMAP4("127.0.0.1", server.port, timeout=30)
    try:
        client.login(OAUTH_USER, TOKEN)  # plain password login, only to prepare the mail
        _status, count = client.select("INBOX")
        if int(count[0] or 0):
            client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
            client.expunge()
    finally:
        client.logout()
    return server, auth


def _append(server: Dovecot, subject: str) -> None:
    client = imaplib.IMAP4("127.0.0.1", server.port, timeout=30)
    try:
        client.login(OAUTH_USER, TOKEN)
        assert client.append("INBOX", None, None, make_mail(subject=subject))[0] == "OK"
    finally:
        client.logout()


def _mailbox(server: Dovecot, auth: AuthServer, **extra: object) -> Mailbox:
    settings = {"host": "127.0.0.1", "port": server.port, "security": "none",
                "username": OAUTH_USER, "auth": "oauth2", "oauth_provider": "custom",
                "oauth_client_id": CLIENT_ID, "oauth_token_url": f"{auth.base_url}/token",
                "oauth_scope": "imap", "oauth_client_secret_env": "LATIDO_TEST_OAUTH_SECRET",
                "oauth_refresh_token_env": "LATIDO_TEST_OAUTH_REFRESH", **extra}
    return Mailbox.objects.create(name="Help", address="help@latido.test",
                                  kind=Mailbox.Kind.IMAP, settings=settings)


def test_the_first_poll_refreshes_a_token_and_signs_in_with_xoauth2(stack):
    server, auth = stack
    _append(server, "Via OAuth2")
    mailbox = _mailbox(server, auth)

    assert imap_poll_mailbox(mailbox=mailbox) == 1
    assert RawEmail.objects.get().subject == "Via OAuth2"
    assert auth.state.token_requests == [{
        "grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN, "scope": "imap"}]
    assert auth.state.introspections == ["at-1"]  # dovecot checked our token there
    cached = MailboxOAuthToken.objects.get(mailbox=mailbox)
    assert (cached.access_token, cached.refreshes, cached.last_error) == ("at-1", 1, "")
    assert cached.expires_at is not None
    assert (timezone.now() + timedelta(seconds=3590) < cached.expires_at
            <= timezone.now() + timedelta(seconds=3600))


def test_a_cached_token_is_reused_until_it_expires_then_refreshed(stack):
    server, auth = stack
    mailbox = _mailbox(server, auth)
    assert imap_poll_mailbox(mailbox=mailbox) == 0
    assert imap_poll_mailbox(mailbox=mailbox) == 0
    assert len(auth.state.token_requests) == 1
    assert auth.state.introspections == ["at-1", "at-1"]

    MailboxOAuthToken.objects.filter(mailbox=mailbox).update(
        expires_at=timezone.now() + timedelta(seconds=30))  # inside the safety margin
    _append(server, "After expiry")
    assert imap_poll_mailbox(mailbox=mailbox) == 1
    assert len(auth.state.token_requests) == 2
    assert auth.state.introspections[-1] == "at-2"
    assert MailboxOAuthToken.objects.get(mailbox=mailbox).access_token == "at-2"


def test_a_token_the_server_rejects_is_refreshed_once_and_the_login_retried(stack):
    server, auth = stack
    mailbox = _mailbox(server, auth)
    assert imap_poll_mailbox(mailbox=mailbox) == 0
    auth.state.revoke_all()  # revoked at the provider, still "valid" in our cache
    _append(server, "After revocation")

    assert imap_poll_mailbox(mailbox=mailbox) == 1
    assert auth.state.introspections == ["at-1", "at-1", "at-2"]
    assert MailboxOAuthToken.objects.get(mailbox=mailbox).access_token == "at-2"


def test_a_server_that_keeps_rejecting_gets_one_retry_only(stack):
    server, auth = stack
    mailbox = _mailbox(server, auth, username="someone-else")  # introspection names "oauth"
    _append(server, "Never taken")
    with pytest.raises(ImapPollError) as caught:
        imap_poll_mailbox(mailbox=mailbox)
    assert caught.value.message.startswith(
        "IMAP login failed for someone-else at 127.0.0.1 even with a freshly refreshed OAuth2 "
        "token")
    assert len(auth.state.token_requests) == 2
    assert RawEmail.objects.count() == 0


def test_a_refused_refresh_is_a_clear_error_and_recorded(stack, monkeypatch):
    server, auth = stack
    monkeypatch.setenv("LATIDO_TEST_OAUTH_REFRESH", "revoked-refresh-token")
    mailbox = _mailbox(server, auth)
    _append(server, "Not taken")
    with pytest.raises(ImapPollError) as caught:
        imap_poll_mailbox(mailbox=mailbox)
    expected = ("The token endpoint refused the refresh (HTTP 400): invalid_grant The refresh "
                "token is not valid.")
    assert caught.value.message == expected
    assert MailboxOAuthToken.objects.get(mailbox=mailbox).last_error == expected
    assert auth.state.introspections == []  # never reached the IMAP login
    assert RawEmail.objects.count() == 0


def test_a_missing_refresh_token_variable_is_named(stack, monkeypatch):
    server, auth = stack
    monkeypatch.delenv("LATIDO_TEST_OAUTH_REFRESH")
    with pytest.raises(ImapPollError) as caught:
        imap_poll_mailbox(mailbox=_mailbox(server, auth))
    assert caught.value.message == (
        "The environment variable LATIDO_TEST_OAUTH_REFRESH (an OAuth2 secret) is not set.")
    assert auth.state.token_requests == []


def test_provider_defaults_fill_the_token_endpoint_and_scope():
    from latido.channels.email.oauth import OAuthConfig

    microsoft = OAuthConfig.from_settings({"oauth_provider": "microsoft",
                                           "oauth_client_id": "c",
                                           "oauth_refresh_token_env": "RT"})
    assert microsoft.token_url == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    assert microsoft.scope == "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"
    google = OAuthConfig.from_settings({"oauth_provider": "google", "oauth_client_id": "c",
                                        "oauth_refresh_token_env": "RT"})
    assert (google.token_url, google.scope) == ("https://oauth2.googleapis.com/token",
                                                "https://mail.google.com/")


def test_administrators_see_the_token_expiry_but_never_the_token(stack, world):
    from django.test import Client

    server, auth = stack
    mailbox = _mailbox(server, auth)
    imap_poll_mailbox(mailbox=mailbox)
    client = Client()
    client.force_login(world.admin)
    row = MailboxOAuthToken.objects.get(mailbox=mailbox)
    page = client.get(f"/django-admin/latido_channels/mailboxoauthtoken/{row.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "help@latido.test" in html
    assert "at-1" not in html


def test_the_connection_test_signs_in_with_oauth2_too(stack):
    from latido.channels.email.imap import imap_check

    server, auth = stack
    _append(server, "Counted")
    mailbox = _mailbox(server, auth)
    assert imap_check(mailbox=mailbox) == 1
    assert auth.state.introspections == ["at-1"]
    assert RawEmail.objects.count() == 0
