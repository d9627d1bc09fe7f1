"""Forms of the sign-in and profile pages: they parse input, services do the writing."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        tz for tz in zoneinfo.available_timezones() if "/" in tz or tz == "UTC"
    )
    return [(name, name.replace("_", " ")) for name in names]


class SignInForm(AuthenticationForm):
    """Email and password; the email backend matches addresses case-insensitively."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("That email address and password do not match an account."),
        "inactive": _("This account is inactive."),
    }


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False,
        choices=[("", _("Browser language")), ("en", "English"), ("es", "Español"),
                 ("pl", "Polski")],
        help_text=_("“Browser language” follows your browser's setting."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices,
        help_text=_("Dates and times are shown in this time zone."),
    )
