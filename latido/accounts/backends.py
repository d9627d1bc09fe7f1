from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from latido.accounts.models import User


class EmailBackend(ModelBackend):
    """Sign in with email address (case-insensitive) and password."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any,
    ) -> User | None:
        email = username or kwargs.get("email")
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            User().set_password(password)  # equalise timing for unknown addresses
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
