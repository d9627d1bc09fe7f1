"""Per-user language (profile first, then the browser) and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserLanguageMiddleware:
    """Runs before LocaleMiddleware: a signed-in user's profile language wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth.middleware import get_user

        user = get_user(request)
        lang = getattr(user, "language", "") if user.is_authenticated else ""
        if lang and lang in dict(settings.LANGUAGES):
            request.META["HTTP_ACCEPT_LANGUAGE"] = lang
            translation.activate(lang)
        return self.get_response(request)


class UserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        tz_name = getattr(user, "time_zone", "") if user and user.is_authenticated else ""
        try:
            if tz_name:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
