"""The signed inbound webhook: mail providers POST the raw RFC 822 message.

The sender signs ``timestamp + "." + body`` with HMAC-SHA256 and the mailbox's secret and
sends ``X-Latido-Timestamp: <unix seconds>`` and ``X-Latido-Signature: sha256=<hex>``. The
secret is not in the database: ``Mailbox.settings["webhook_secret_env"]`` names the
environment variable holding it (like IMAP's ``password_env``). A timestamp more than five
minutes away from now is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from latido.channels.email.ingest import email_receive, header_message_id
from latido.channels.email.parse import parse_email
from latido.channels.models import Mailbox, RawEmail
from latido.core.errors import DomainError, NotFound

MAX_SKEW_SECONDS = 5 * 60
SIGNATURE_PREFIX = "sha256="
CONTENT_TYPES = frozenset({"message/rfc822", "application/octet-stream"})


class BadSignature(DomainError):
    code = "bad_signature"
    http_status = 401


class Malformed(DomainError):
    code = "malformed"
    http_status = 400


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    http_status = 415


@dataclass(frozen=True)
class WebhookResult:
    raw_email: RawEmail
    duplicate: bool


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body; what senders compute."""
    signed = timestamp.encode("ascii") + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def webhook_secret(mailbox: Mailbox) -> str:
    """The mailbox's webhook secret from its environment variable, or "" when not set up."""
    data = mailbox.settings if isinstance(mailbox.settings, dict) else {}
    name = str(data.get("webhook_secret_env") or "").strip()
    return os.environ.get(name, "") if name else ""


def verify_signature(
    *, secret: str, timestamp: str | None, signature: str | None, body: bytes,
    now: float | None = None,
) -> None:
    """Raise ``BadSignature`` unless the signature matches and the timestamp is fresh."""
    if not timestamp or not signature:
        raise BadSignature(_("Send the X-Latido-Timestamp and X-Latido-Signature headers."))
    stamp = timestamp.strip()
    if not stamp.isascii() or not stamp.isdigit():
        raise BadSignature(_("X-Latido-Timestamp must be a Unix time in seconds."))
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > MAX_SKEW_SECONDS:
        raise BadSignature(_("The request timestamp is more than 5 minutes off."))
    expected = sign(secret=secret, timestamp=stamp, body=body)
    if not hmac.compare_digest(expected.encode("ascii"),
                               signature.strip().encode("utf-8", "replace")):
        raise BadSignature(_("The signature does not match the request body."))


def _mailbox(mailbox_id: int) -> tuple[Mailbox, str]:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
    secret = webhook_secret(mailbox) if mailbox is not None else ""
    if mailbox is None or not secret:
        raise NotFound(_("No such mailbox."))
    return mailbox, secret


def _check_message(body: bytes, content_type: str) -> None:
    if not body.strip():
        raise Malformed(_("The request body is empty; send the raw email message."))
    if content_type.split(";")[0].strip().lower() not in CONTENT_TYPES:
        raise UnsupportedMediaType(_("Send the message as message/rfc822 or "
                                     "application/octet-stream."))
    if not parse_email(body).is_usable:
        raise Malformed(_("The request body is not an email message (no header section "
                          "with a From address)."))


def webhook_receive(
    *, mailbox_id: int, body: bytes, content_type: str, timestamp: str | None,
    signature: str | None,
) -> WebhookResult:
    """Verify a webhook delivery and store the message; a redelivery is a duplicate."""
    mailbox, secret = _mailbox(mailbox_id)
    verify_signature(secret=secret, timestamp=timestamp, signature=signature, body=body)
    _check_message(body, content_type)
    digest = hashlib.sha256(body).hexdigest()
    duplicate = RawEmail.objects.filter(
        mailbox=mailbox, message_id=header_message_id(body), sha256=digest
    ).exists()
    row = email_receive(mailbox=mailbox, raw=body)
    return WebhookResult(raw_email=row, duplicate=duplicate)
