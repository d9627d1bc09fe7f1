"""Spam defences of the web form: the signed form token, the honeypot and client identity.

The token is issued when the form is shown (config endpoint or the hosted page): it binds the
form key, the time it was issued and a one-time nonce, signed with the site secret. A submit
faster than the form's minimum fill time, with a token of another form, a forged or expired
token, or a nonce already used is refused before anything is stored.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from latido.channels.webform.models import WebForm
from latido.core.errors import ValidationError

TOKEN_SALT = "latido.webform.token"
TOKEN_MAX_AGE = 24 * 3600
# The honeypot's name: an innocent-looking field that bots fill and people never see.
HONEYPOT_FIELD = "website"
TOKEN_FIELD = "token"


@dataclass(frozen=True)
class FormToken:
    nonce: str
    issued_at: float


def token_issue(*, form: WebForm, at: float | None = None) -> str:
    payload = {"k": form.key, "t": at if at is not None else time.time(),
               "n": secrets.token_hex(12)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def token_check(*, form: WebForm, token: str, now: float | None = None) -> FormToken:
    """The token's nonce, or ValidationError (forged, expired, another form's, too fast)."""
    now = now if now is not None else time.time()
    expired = ValidationError(
        _("This form has expired. Please reload the page and send it again."),
        code="token_invalid",
    )
    try:
        payload = signing.loads(token or "", salt=TOKEN_SALT)
    except signing.BadSignature as exc:
        raise expired from exc
    if not isinstance(payload, dict) or payload.get("k") != form.key:
        raise expired
    issued, nonce = payload.get("t"), payload.get("n")
    if not isinstance(issued, int | float) or not isinstance(nonce, str):
        raise expired
    age = now - issued
    if age > TOKEN_MAX_AGE or age < -60:
        raise expired
    if age < form.min_fill_seconds:
        raise ValidationError(
            _("The form was sent too quickly. Please wait a few seconds and send it again."),
            code="too_fast",
        )
    return FormToken(nonce=nonce[:32], issued_at=float(issued))


def honeypot_filled(value: str | None) -> bool:
    return bool((value or "").strip())


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or behind N trusted proxies the Nth-last
    X-Forwarded-For entry (entries further left are client-supplied and untrusted)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.LATIDO_TRUSTED_PROXY_COUNT
    if proxies > 0:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [p for p in chain if p]
        if len(chain) >= proxies:
            remote = chain[-proxies]
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return remote[:64]
    if address.version == 6:  # one IPv6 visitor usually owns a whole /64
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def identity_hash(kind: str, value: str) -> str:
    """Keyed hash of an IP address or email: countable, not readable back."""
    return salted_hmac(f"latido.webform.{kind}", value.lower(), algorithm="sha256").hexdigest()
