"""IMAP polling: fetch new mail, store it with ``email_store``, only then mark or move it.

A mailbox of kind IMAP keeps its configuration in ``Mailbox.settings``::

    {"host": "imap.example.com", "port": 993, "security": "ssl",   # or "starttls" / "none"
     "username": "help@example.com", "password_env": "LATIDO_IMAP_HELP_PASSWORD",
     "auth": "password",                              # or "oauth2" (refreshed) / "xoauth2"
     "token_env": "LATIDO_IMAP_HELP_TOKEN",           # xoauth2: a fixed access token
     "oauth_…": …,                                    # oauth2: see latido.channels.email.oauth
     "folder": "INBOX", "processed_folder": "",                     # "" = mark \\Seen
     "ca_file": ""}                      # PEM file of CAs to trust; "" = the system's store

Secrets never live in the database: ``password_env`` / ``token_env`` name environment
variables. Messages are fetched ``FETCH_BATCH`` at a time with ``BODY.PEEK[]`` (which does
not set ``\\Seen``), stored with one processing job in one transaction, and marked or moved
only after that commit. A crash in between means the next poll fetches them again and
``email_store`` returns the stored rows (no loss, no duplicate).
"""

from __future__ import annotations

import imaplib
import logging
import os
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from latido.channels.email.ingest import email_store_many
from latido.channels.email.oauth import OAuthConfig, OAuthError, oauth_access_token
from latido.channels.email.tasks import enqueue_processing_batch
from latido.channels.models import Mailbox
from latido.core.errors import DomainError

logger = logging.getLogger(__name__)

MAX_PER_POLL = 200
FETCH_BATCH = 50  # messages per UID FETCH, per commit and per processing job
SECURITY_CHOICES = ("ssl", "starttls", "none")
AUTH_CHOICES = ("password", "oauth2", "xoauth2")

_UID = re.compile(rb"UID (\d+)")


class ImapPollError(DomainError):
    code = "imap_error"


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    security: str
    username: str
    auth: str
    secret_env: str
    folder: str
    processed_folder: str
    timeout: float
    ca_file: str = ""
    mailbox_id: int = 0
    oauth: OAuthConfig | None = None

    @classmethod
    def from_mailbox(cls, mailbox: Mailbox) -> ImapConfig:
        data: dict[str, Any] = dict(mailbox.settings or {})
        security = str(data.get("security") or "ssl").lower()
        auth = str(data.get("auth") or "password").lower()
        host = str(data.get("host") or "").strip()
        username = str(data.get("username") or "").strip()
        if security not in SECURITY_CHOICES:
            raise ImapPollError(_("Unknown IMAP security %(value)r (use ssl, starttls or none).")
                                % {"value": security})
        if auth not in AUTH_CHOICES:
            raise ImapPollError(_("Unknown IMAP authentication %(value)r (use password, oauth2 "
                                  "or xoauth2).") % {"value": auth})
        if not host or not username:
            raise ImapPollError(_("The IMAP settings of %(address)s need a host and a "
                                  "username.") % {"address": mailbox.address})
        oauth = None
        if auth == "oauth2":
            try:
                oauth = OAuthConfig.from_settings(data)
            except OAuthError as exc:
                raise ImapPollError(exc.message) from exc
        secret_key = {"xoauth2": "token_env", "oauth2": "oauth_refresh_token_env"}.get(
            auth, "password_env")
        secret_env = str(data.get(secret_key) or "").strip()
        if not secret_env:
            raise ImapPollError(_("The IMAP settings of %(address)s need %(key)s, the name of "
                                  "the environment variable holding the secret.")
                                % {"address": mailbox.address, "key": secret_key})
        default_port = 993 if security == "ssl" else 143
        return cls(
            host=host, port=int(data.get("port") or default_port), security=security,
            username=username, auth=auth, secret_env=secret_env,
            folder=str(data.get("folder") or "INBOX"),
            processed_folder=str(data.get("processed_folder") or "").strip(),
            timeout=float(data.get("timeout") or 60),
            ca_file=str(data.get("ca_file") or "").strip(),
            mailbox_id=mailbox.pk or 0, oauth=oauth,
        )

    def secret(self) -> str:
        value = os.environ.get(self.secret_env, "")
        if not value:
            raise ImapPollError(_("The environment variable %(name)s (the IMAP secret) is not "
                                  "set.") % {"name": self.secret_env})
        return value


def xoauth2_string(username: str, token: str) -> bytes:
    """The SASL XOAUTH2 initial response (imaplib base64-encodes it)."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01".encode()


def _check(result: tuple[str, Any], what: str) -> Any:
    status, data = result
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapPollError(_("IMAP %(command)s failed: %(detail)s")
                            % {"command": what, "detail": detail})
    return data


def tls_context(config: ImapConfig) -> ssl.SSLContext:
    """Certificate and host name always verified; ``ca_file`` adds a private CA to trust."""
    return ssl.create_default_context(cafile=config.ca_file or None)


def _connect(config: ImapConfig) -> imaplib.IMAP4:
    try:
        if config.security == "ssl":
            return imaplib.IMAP4_SSL(config.host, config.port, timeout=config.timeout,
                                     ssl_context=tls_context(config))
        client = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            client.starttls(ssl_context=tls_context(config))
        return client
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        raise ImapPollError(_("Cannot connect to the IMAP server %(host)s:%(port)d: %(error)s")
                            % {"host": config.host, "port": config.port, "error": exc}) from exc


def _xoauth2(client: imaplib.IMAP4, username: str, token: str) -> None:
    """AUTHENTICATE XOAUTH2; on failure the server's JSON challenge is answered empty."""
    answers = iter([xoauth2_string(username, token)])
    client.authenticate("XOAUTH2", lambda _challenge: next(answers, b""))


def _oauth_token(config: ImapConfig, rejected: str = "") -> str:
    assert config.oauth is not None
    try:
        return oauth_access_token(mailbox_id=config.mailbox_id, config=config.oauth,
                                  rejected=rejected)
    except OAuthError as exc:
        raise ImapPollError(exc.message) from exc


def _login_oauth2(client: imaplib.IMAP4, config: ImapConfig) -> None:
    """The cached token; when the server rejects it, one refresh and one more try."""
    token = _oauth_token(config)
    try:
        _xoauth2(client, config.username, token)
        return
    except imaplib.IMAP4.error:
        logger.info("IMAP server rejected the access token of %s; refreshing", config.username)
    token = _oauth_token(config, rejected=token)
    try:
        _xoauth2(client, config.username, token)
    except imaplib.IMAP4.error as exc:
        raise ImapPollError(_("IMAP login failed for %(user)s at %(host)s even with a freshly "
                              "refreshed OAuth2 token (check the account's IMAP access and "
                              "the scope): %(error)s")
                            % {"user": config.username, "host": config.host,
                               "error": exc}) from exc


def _login(client: imaplib.IMAP4, config: ImapConfig) -> None:
    if config.auth == "oauth2":
        _login_oauth2(client, config)
        return
    secret = config.secret()
    try:
        if config.auth == "xoauth2":
            _xoauth2(client, config.username, secret)
        else:
            client.login(config.username, secret)
    except imaplib.IMAP4.error as exc:
        raise ImapPollError(_("IMAP login failed for %(user)s at %(host)s (check the username "
                              "and the secret in %(env)s): %(error)s")
                            % {"user": config.username, "host": config.host,
                               "env": config.secret_env, "error": exc}) from exc


@contextmanager
def imap_session(config: ImapConfig) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection with the configured folder selected; logs out at the end."""
    client = _connect(config)
    try:
        _login(client, config)
        _check(client.select(_quote(config.folder)), "SELECT")
        if config.processed_folder:
            status, data = client.create(_quote(config.processed_folder))
            if status != "OK" and b"exist" not in b" ".join(data).lower():
                _check((status, data), "CREATE")
        yield client
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pending_uids(client: imaplib.IMAP4, config: ImapConfig) -> list[str]:
    """UIDs still to take: unseen ones, or every undeleted one when mail is moved away."""
    criterion = "UNDELETED" if config.processed_folder else "UNSEEN"
    data = _check(client.uid("SEARCH", criterion), "SEARCH")
    uids = b" ".join(d for d in data if d).split()
    return sorted((uid.decode("ascii") for uid in uids), key=int)


def fetch_message(client: imaplib.IMAP4, uid: str) -> bytes | None:
    """The message's exact bytes, without setting \\Seen; None when it vanished meanwhile."""
    data = _check(client.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            found = _UID.search(item[0])
            if found is None or found.group(1) == uid.encode("ascii"):
                return bytes(item[1])
    return None


def fetch_messages(client: imaplib.IMAP4, uids: list[str]) -> dict[str, bytes]:
    """Several messages' exact bytes in one UID FETCH, by UID in ascending order.

    Without setting \\Seen. Messages that vanished meanwhile are left out. The UID is read
    from the response, before the literal (dovecot, most servers) or after it.
    """
    if not uids:
        return {}
    wanted = set(uids)
    data = _check(client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])"), "FETCH")
    found: dict[str, bytes] = {}
    unnamed: bytes | None = None  # a literal whose UID comes after it
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            match = _UID.search(item[0])
            unnamed = None if match else bytes(item[1])
            if match and match.group(1).decode("ascii") in wanted:
                found[match.group(1).decode("ascii")] = bytes(item[1])
        elif isinstance(item, bytes) and unnamed is not None:
            match = _UID.search(item)
            if match and match.group(1).decode("ascii") in wanted:
                found[match.group(1).decode("ascii")] = unnamed
            unnamed = None
    return {uid: found[uid] for uid in sorted(found, key=int)}


def mark_processed(client: imaplib.IMAP4, uid: str, config: ImapConfig) -> None:
    """Flag the message \\Seen, or move it to the processed folder."""
    if not config.processed_folder:
        _check(client.uid("STORE", uid, "+FLAGS.SILENT", "(\\Seen)"), "STORE")
        return
    target = _quote(config.processed_folder)
    if "MOVE" in client.capabilities:
        _check(client.uid("MOVE", uid, target), "MOVE")
        return
    _check(client.uid("COPY", uid, target), "COPY")
    _check(client.uid("STORE", uid, "+FLAGS.SILENT", "(\\Deleted)"), "STORE")
    if "UIDPLUS" in client.capabilities:
        _check(client.uid("EXPUNGE", uid), "EXPUNGE")
    else:
        _check(client.expunge(), "EXPUNGE")


def _store(mailbox: Mailbox, raws: list[bytes]) -> None:
    """Store a fetched batch and schedule its processing as one job, in one transaction."""
    with transaction.atomic():
        stored = email_store_many(mailbox=mailbox, raws=raws)
        enqueue_processing_batch([row.pk for row, created in stored if created])


def imap_poll_mailbox(*, mailbox: Mailbox, limit: int = MAX_PER_POLL) -> int:
    """Take up to ``limit`` new messages from the mailbox's IMAP folder; returns how many.

    Must run outside a transaction: messages are fetched ``FETCH_BATCH`` at a time, stored
    with one processing job in one transaction, and only after that commit are they flagged
    or moved on the server (one command for the batch).
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("imap_poll_mailbox must not run inside a transaction")
    config = ImapConfig.from_mailbox(mailbox)
    taken = 0
    try:
        with imap_session(config) as client:
            uids = pending_uids(client, config)[:limit]
            for start in range(0, len(uids), FETCH_BATCH):
                fetched = fetch_messages(client, uids[start:start + FETCH_BATCH])
                if not fetched:
                    continue
                _store(mailbox, list(fetched.values()))  # committed when this returns
                mark_processed(client, ",".join(fetched), config)
                taken += len(fetched)
    except ImapPollError:
        logger.exception("IMAP polling of %s failed", mailbox.address)
        raise
    except (OSError, imaplib.IMAP4.error) as exc:
        logger.exception("IMAP polling of %s failed", mailbox.address)
        raise ImapPollError(_("IMAP polling of %(address)s failed (messages taken before the "
                              "failure: %(n)d): %(error)s")
                            % {"address": mailbox.address, "n": taken, "error": exc}) from exc
    logger.info("IMAP polling of %s took %d messages", mailbox.address, taken)
    return taken


def imap_check(*, mailbox: Mailbox) -> int:
    """Connect, log in and open the folder as polling would; returns its message count.

    Takes and changes nothing (the processed folder is created if missing, as polling does).
    """
    config = ImapConfig.from_mailbox(mailbox)
    try:
        with imap_session(config) as client:
            data = _check(client.select(_quote(config.folder), readonly=True), "SELECT")
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapPollError(_("IMAP connection to %(host)s failed: %(error)s")
                            % {"host": config.host, "error": exc}) from exc
    first = data[0] if data else b"0"
    return int(first) if isinstance(first, bytes) and first.isdigit() else 0


def imap_mailboxes(address: str | None = None) -> list[Mailbox]:
    """The active IMAP mailboxes, or the one with this address."""
    found = Mailbox.objects.filter(kind=Mailbox.Kind.IMAP, active=True)
    if address:
        found = found.filter(address__iexact=address.strip())
    return list(found)
