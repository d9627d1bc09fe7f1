"""The signed inbound webhook: mail providers POST the raw RFC 822 message.

The sender signs ``timestamp + "." + body`` with HMAC-SHA256 and the mailbox's secret and
sends ``X-Latido-Timestamp: <unix seconds>`` and ``X-Latido-Signature: sha256=<hex>``. The
secret is not in the database: ``Mailbox.settings["webhook_secret_env"]`` names the
environment variable holding it (like IMAP's ``password_env``). A timestamp more than five
minutes away from now is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from latido.channels.email.ingest import email_receive, header_message_id
from latido.channels.email.parse import parse_email
from latido.channels.models import Mailbox, RawEmail
from latido.channels.signing import (
    BadSignature,
    Malformed,
    UnsupportedMediaType,
    secret_from_env,
    sign,
    verify,
)
from latido.core.errors import NotFound

__all__ = ["BadSignature", "Malformed", "UnsupportedMediaType", "sign", "verify_signature",
           "webhook_receive", "webhook_secret"]

CONTENT_TYPES = frozenset({"message/rfc822", "application/octet-stream"})


@dataclass(frozen=True)
class WebhookResult:
    raw_email: RawEmail
    duplicate: bool


def webhook_secret(mailbox: Mailbox) -> str:
    """The mailbox's webhook secret from its environment variable, or "" when not set up."""
    data = mailbox.settings if isinstance(mailbox.settings, dict) else {}
    return secret_from_env(str(data.get("webhook_secret_env") or ""))


def verify_signature(
    *, secret: str, timestamp: str | None, signature: str | None, body: bytes,
    now: float | None = None,
) -> None:
    """Raise ``BadSignature`` unless the signature matches and the timestamp is fresh."""
    verify(secret, timestamp, signature, body, now=now)


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
