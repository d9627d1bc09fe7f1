"""Signed webhooks shared by every channel (email, phone, social, ...).

The sender signs ``timestamp + "." + body`` with HMAC-SHA256 and a shared secret and sends
``X-Latido-Timestamp: <unix seconds>`` and ``X-Latido-Signature: sha256=<hex>``. A timestamp
more than five minutes away from now is refused, so a captured request cannot be replayed
later. Secrets never live in the database: a row names the environment variable holding it
(``secret_from_env``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from django.utils.translation import gettext as _

from latido.core.errors import DomainError

MAX_SKEW_SECONDS = 5 * 60
SIGNATURE_PREFIX = "sha256="
TIMESTAMP_HEADER = "X-Latido-Timestamp"
SIGNATURE_HEADER = "X-Latido-Signature"


class BadSignature(DomainError):
    code = "bad_signature"
    http_status = 401


class Malformed(DomainError):
    """A signed delivery whose body is not what the webhook takes (400, nothing stored)."""

    code = "malformed"
    http_status = 400


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    http_status = 415


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body; what senders compute."""
    signed = timestamp.encode("ascii") + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str | None, signature: str | None, body: bytes,
    now: float | None = None,
) -> None:
    """Raise ``BadSignature`` unless the signature matches and the timestamp is fresh."""
    if not secret:
        raise BadSignature(_("The webhook secret is not configured."))
    if not timestamp or not signature:
        raise BadSignature(_("Send the X-Latido-Timestamp and X-Latido-Signature headers."))
    stamp = timestamp.strip()
    if not stamp.isascii() or not stamp.isdigit():
        raise BadSignature(_("X-Latido-Timestamp must be a Unix time in seconds."))
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > MAX_SKEW_SECONDS:
        raise BadSignature(_("The request timestamp is more than 5 minutes off."))
    expected = sign(secret, stamp, body)
    if not hmac.compare_digest(expected.encode("ascii"),
                               signature.strip().encode("utf-8", "replace")):
        raise BadSignature(_("The signature does not match the request body."))


def secret_from_env(name: str | None) -> str:
    """The secret held by the environment variable ``name``, or "" when unset or unnamed."""
    name = (name or "").strip()
    return os.environ.get(name, "") if name else ""
