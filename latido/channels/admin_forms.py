"""The mailbox form of the configuration UI: IMAP, OAuth2 and webhook settings as fields.

The settings live in ``Mailbox.settings`` (JSON); this form shows them as typed fields and
writes them back, keeping keys it does not know. Secrets are never entered here: the form
asks for the NAME of the environment variable that holds each secret.
"""

from __future__ import annotations

import re
import ssl
from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from latido.channels.email.imap import SECURITY_CHOICES
from latido.channels.models import Mailbox

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")

SECURITY_LABELS = {"ssl": _("SSL/TLS (port 993)"), "starttls": _("STARTTLS (port 143)"),
                   "none": _("None (only on a trusted network)")}
AUTH_LABELS = {
    "password": _("Password"),
    "oauth2": _("OAuth2 (XOAUTH2) with token refresh (Microsoft 365, Gmail)"),
    "xoauth2": _("OAuth2 (XOAUTH2) access token from the environment, no refresh"),
}
PROVIDER_LABELS = {"microsoft": _("Microsoft 365"), "google": _("Google (Gmail)"),
                   "custom": _("Other (give the token endpoint)")}

# form field -> settings key
SETTING_FIELDS = {
    "imap_host": "host", "imap_port": "port", "imap_security": "security",
    "imap_username": "username", "imap_auth": "auth", "imap_password_env": "password_env",
    "imap_token_env": "token_env", "imap_folder": "folder",
    "imap_processed_folder": "processed_folder", "imap_ca_file": "ca_file",
    "oauth_provider": "oauth_provider", "oauth_client_id": "oauth_client_id",
    "oauth_token_url": "oauth_token_url", "oauth_scope": "oauth_scope",
    "oauth_client_secret_env": "oauth_client_secret_env",
    "oauth_refresh_token_env": "oauth_refresh_token_env",
    "webhook_secret_env": "webhook_secret_env",
}
ENV_FIELDS = ("imap_password_env", "imap_token_env", "oauth_client_secret_env",
              "oauth_refresh_token_env", "webhook_secret_env")


def _env_field(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=128, help_text=_(
        "The name of the environment variable holding the secret (for example "
        "LATIDO_IMAP_HELP_PASSWORD), never the secret itself."))


class MailboxForm(forms.ModelForm[Mailbox]):
    imap_host = forms.CharField(label=_("IMAP server"), required=False, max_length=253)
    imap_port = forms.IntegerField(label=_("port"), required=False, min_value=1,
                                   max_value=65535,
                                   help_text=_("Empty: 993 for SSL/TLS, else 143."))
    imap_security = forms.ChoiceField(
        label=_("security"), required=False,
        choices=[(c, SECURITY_LABELS[c]) for c in SECURITY_CHOICES])
    imap_username = forms.CharField(label=_("username"), required=False, max_length=254)
    imap_auth = forms.ChoiceField(label=_("authentication"), required=False,
                                  choices=list(AUTH_LABELS.items()))
    imap_password_env = _env_field(_("password variable"))
    imap_token_env = _env_field(_("access token variable"))
    imap_folder = forms.CharField(label=_("folder"), required=False, max_length=200,
                                  help_text=_("Empty: INBOX."))
    imap_processed_folder = forms.CharField(
        label=_("move to folder after import"), required=False, max_length=200,
        help_text=_("Empty: imported messages stay in the folder and are marked as read."))
    imap_ca_file = forms.CharField(
        label=_("CA certificates file"), required=False, max_length=500,
        help_text=_("A PEM file of certificate authorities to trust for a server with a "
                    "private certificate. Empty: the system's trusted authorities. The "
                    "certificate is always verified."))
    oauth_provider = forms.ChoiceField(label=_("OAuth2 provider"), required=False,
                                       choices=list(PROVIDER_LABELS.items()))
    oauth_client_id = forms.CharField(label=_("client ID"), required=False, max_length=300)
    oauth_token_url = forms.URLField(
        label=_("token endpoint"), required=False, max_length=500, assume_scheme="https",
        help_text=_("Empty: the provider's (Microsoft: login.microsoftonline.com/common, "
                    "Google: oauth2.googleapis.com)."))
    oauth_scope = forms.CharField(label=_("scope"), required=False, max_length=500,
                                  help_text=_("Empty: the provider's IMAP scope."))
    oauth_client_secret_env = _env_field(_("client secret variable"))
    oauth_refresh_token_env = _env_field(_("refresh token variable"))
    webhook_secret_env = _env_field(_("webhook secret variable"))

    class Meta:
        model = Mailbox
        fields = ("name", "address", "kind", "active", "team", "default_language",
                  "acknowledge_new")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.instance.settings if isinstance(self.instance.settings, dict) else {}
        for field, key in SETTING_FIELDS.items():
            if key in data and field not in self.initial:
                self.initial[field] = data[key]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ENV_FIELDS:
            value = (data.get(field) or "").strip()
            if value and not ENV_NAME.match(value):
                self.add_error(field, _("Give the name of an environment variable (letters, "
                                        "digits and underscores), not the secret itself."))
        ca_file = (data.get("imap_ca_file") or "").strip()
        if ca_file:
            self._check_ca_file(ca_file)
        if data.get("kind") == Mailbox.Kind.IMAP:
            self._check_imap(data)
        return data

    def _check_ca_file(self, path: str) -> None:
        if not Path(path).is_absolute():
            self.add_error("imap_ca_file", _("Give an absolute path."))
            return
        try:
            ssl.create_default_context(cafile=path)
        except (OSError, ssl.SSLError):
            self.add_error("imap_ca_file", _("This is not a readable PEM file of "
                                             "certificates."))

    def _check_imap(self, data: dict[str, Any]) -> None:
        required = ["imap_host", "imap_username"]
        auth = data.get("imap_auth") or "password"
        required += {"password": ["imap_password_env"], "xoauth2": ["imap_token_env"],
                     "oauth2": ["oauth_client_id", "oauth_refresh_token_env"]}[auth]
        if auth == "oauth2" and (data.get("oauth_provider") or "custom") == "custom":
            required.append("oauth_token_url")
        for field in required:
            if field not in self.errors and not (str(data.get(field) or "")).strip():
                self.add_error(field, _("An IMAP mailbox needs this."))

    def save(self, commit: bool = True) -> Mailbox:
        mailbox = super().save(commit=False)
        settings = dict(mailbox.settings) if isinstance(mailbox.settings, dict) else {}
        for field, key in SETTING_FIELDS.items():
            value = self.cleaned_data.get(field)
            value = value.strip() if isinstance(value, str) else value
            if value in (None, ""):
                settings.pop(key, None)
            else:
                settings[key] = value
        mailbox.settings = settings
        if commit:
            mailbox.save()
            self.save_m2m()
        return mailbox
