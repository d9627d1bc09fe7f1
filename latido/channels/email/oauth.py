"""OAuth2 access tokens for IMAP (XOAUTH2): cached per mailbox, refreshed at the provider.

Microsoft 365 and Gmail stopped accepting passwords for IMAP; a mailbox signs in with an
access token obtained from a refresh token (OAuth2 ``grant_type=refresh_token``, RFC 6749
section 6). Settings (``Mailbox.settings``)::

    {"auth": "oauth2", "oauth_provider": "microsoft",   # or "google" / "custom"
     "oauth_client_id": "…", "oauth_token_url": "",     # "" = the provider's endpoint
     "oauth_scope": "",                                  # "" = the provider's IMAP scope
     "oauth_client_secret_env": "LATIDO_IMAP_HELP_CLIENT_SECRET",
     "oauth_refresh_token_env": "LATIDO_IMAP_HELP_REFRESH_TOKEN"}

The client secret and the refresh token are read from those environment variables; only the
short-lived access token is cached (``MailboxOAuthToken``). A token is refreshed when it is
missing, expires within a minute, or the IMAP server rejected it (the caller retries once).
Refreshing locks the cache row, so two pollers do not both call the provider.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.channels.models import MailboxOAuthToken
from latido.core.errors import DomainError

logger = logging.getLogger(__name__)

PROVIDERS = {
    "microsoft": ("https://login.microsoftonline.com/common/oauth2/v2.0/token",
                  "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"),
    "google": ("https://oauth2.googleapis.com/token", "https://mail.google.com/"),
}
EXPIRY_MARGIN = timedelta(seconds=60)
DEFAULT_LIFETIME = 3600
TIMEOUT = 20.0


class OAuthError(DomainError):
    code = "oauth_error"


@dataclass(frozen=True)
class OAuthConfig:
    client_id: str
    token_url: str
    scope: str
    client_secret_env: str
    refresh_token_env: str

    @classmethod
    def from_settings(cls, data: dict[str, Any]) -> OAuthConfig:
        provider = str(data.get("oauth_provider") or "custom").lower()
        default_url, default_scope = PROVIDERS.get(provider, ("", ""))
        config = cls(
            client_id=str(data.get("oauth_client_id") or "").strip(),
            token_url=str(data.get("oauth_token_url") or "").strip() or default_url,
            scope=str(data.get("oauth_scope") or "").strip() or default_scope,
            client_secret_env=str(data.get("oauth_client_secret_env") or "").strip(),
            refresh_token_env=str(data.get("oauth_refresh_token_env") or "").strip(),
        )
        missing = [name for name, value in (
            ("oauth_client_id", config.client_id), ("oauth_token_url", config.token_url),
            ("oauth_refresh_token_env", config.refresh_token_env)) if not value]
        if missing:
            raise OAuthError(_("The OAuth2 settings need %(keys)s.")
                             % {"keys": ", ".join(missing)})
        return config

    def _env(self, name: str) -> str:
        value = os.environ.get(name, "")
        if not value:
            raise OAuthError(_("The environment variable %(name)s (an OAuth2 secret) is not "
                               "set.") % {"name": name})
        return value

    def form(self) -> dict[str, str]:
        data = {"grant_type": "refresh_token", "client_id": self.client_id,
                "refresh_token": self._env(self.refresh_token_env)}
        if self.client_secret_env:
            data["client_secret"] = self._env(self.client_secret_env)
        if self.scope:
            data["scope"] = self.scope
        return data


def _request_token(config: OAuthConfig) -> tuple[str, int]:
    """POST the refresh token to the token endpoint; the new access token and its lifetime."""
    try:
        response = httpx.post(config.token_url, data=config.form(), timeout=TIMEOUT,
                              headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise OAuthError(_("The token endpoint %(url)s could not be reached: %(error)s")
                         % {"url": config.token_url, "error": exc}) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    token = str(body.get("access_token") or "")
    if response.status_code != 200 or not token:
        detail = " ".join(str(body.get(k) or "") for k in ("error", "error_description"))
        raise OAuthError(_("The token endpoint refused the refresh (HTTP %(status)d): "
                           "%(error)s") % {"status": response.status_code,
                                           "error": detail.strip() or response.text[:200]})
    if body.get("refresh_token") and body["refresh_token"] != os.environ.get(
            config.refresh_token_env):
        logger.warning("the token endpoint issued a new refresh token; update %s",
                       config.refresh_token_env)
    try:
        lifetime = int(body.get("expires_in") or DEFAULT_LIFETIME)
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME
    return token, max(lifetime, 0)


def oauth_access_token(*, mailbox_id: int, config: OAuthConfig, rejected: str = "") -> str:
    """A usable access token: the cached one, or a fresh one from the token endpoint.

    ``rejected`` is a token the IMAP server just refused; it is never returned again.
    """
    now = timezone.now()
    cached = MailboxOAuthToken.objects.filter(mailbox_id=mailbox_id).first()
    if (cached is not None and cached.access_token and cached.access_token != rejected
            and cached.expires_at and cached.expires_at > now + EXPIRY_MARGIN):
        return cached.access_token
    MailboxOAuthToken.objects.get_or_create(mailbox_id=mailbox_id)
    error: OAuthError | None = None
    with transaction.atomic():
        row = MailboxOAuthToken.objects.select_for_update().get(mailbox_id=mailbox_id)
        now = timezone.now()
        if (row.access_token and row.access_token != rejected and row.expires_at
                and row.expires_at > now + EXPIRY_MARGIN):
            return row.access_token  # refreshed by another poller while we waited
        try:
            token, lifetime = _request_token(config)
        except OAuthError as exc:
            error = exc
            row.last_error = exc.message[:2000]
            row.save(update_fields=["last_error"])
        else:
            row.access_token = token
            row.expires_at = now + timedelta(seconds=lifetime)
            row.refreshed_at = now
            row.refreshes += 1
            row.last_error = ""
            row.save()
    if error is not None:
        raise error
    return token
