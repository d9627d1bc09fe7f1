"""`latido createadmin`: create an administrator who can sign in and configure everything."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from latido.accounts.roles import Role
from latido.accounts.services import user_create
from latido.core.errors import DomainError

PASSWORD_ENV = "LATIDO_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = ("Create an administrator. The password comes from --password or "
            "LATIDO_ADMIN_PASSWORD.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", default=None,
                            help=_("Prefer LATIDO_ADMIN_PASSWORD: options show up in ps."))
        parser.add_argument("--name", default="", help=_("Display name."))

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or os.environ.get(PASSWORD_ENV, "")
        if not password:
            raise CommandError(_("Give a password with --password or LATIDO_ADMIN_PASSWORD."))
        try:
            validate_password(password)
        except DjangoValidationError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from exc
        try:
            user = user_create(email=options["email"], password=password, role=Role.ADMIN,
                               name=options["name"], is_superuser=True)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(_("Administrator %(email)s created.") % {"email": user.email})
