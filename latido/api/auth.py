"""API authentication: personal tokens (`Bearer lat_…`) or the Django session with CSRF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from latido.accounts.models import User
from latido.accounts.selectors import remember_team_ids, user_for_token
from latido.core.errors import PermissionDenied


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lat_…`; one query resolves the token and its user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(raw=token.strip())
        if user is not None:
            remember_team_ids(user)  # loaded for this request alone
            request.user = user
            if user.language and user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; unsafe methods need the CSRF token (`X-CSRFToken`).

    A request that carries an Authorization header is judged by that header alone, so a
    wrong token never falls back to a cookie the browser happened to send.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise PermissionDenied(
                _("CSRF check failed: send the X-CSRFToken header with session requests."),
                code="csrf_failed",
            )
        if isinstance(user, User):
            remember_team_ids(user)  # the session's user is loaded for this request alone
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None  # __call__ does the work; required by the abstract base

