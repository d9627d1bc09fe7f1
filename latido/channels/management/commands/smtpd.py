"""`latido smtpd`: receive mail for the active mailboxes over SMTP."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from latido.channels.email.smtpd import DEFAULT_SIZE_LIMIT, make_controller
from latido.channels.models import Mailbox


class Command(BaseCommand):
    help = "Run the SMTP endpoint that stores inbound mail for the active mailboxes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--mailbox", default=None,
                            help="Accept mail only for this mailbox address.")
        parser.add_argument("--size-limit", type=int, default=DEFAULT_SIZE_LIMIT,
                            help="Largest accepted message in bytes (larger ones get 552).")

    def handle(self, *args: Any, **options: Any) -> None:
        only = options["mailbox"]
        if only and not Mailbox.objects.filter(address__iexact=only, active=True).exists():
            raise CommandError(_("No active mailbox has the address %(address)s.")
                               % {"address": only})
        controller = make_controller(
            host=options["host"], port=options["port"], only_address=only,
            size_limit=options["size_limit"],
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        controller.start()
        self.stdout.write(f"latido smtpd listening on {options['host']}:{options['port']}")
        try:
            stop.wait()
        finally:
            controller.stop()
