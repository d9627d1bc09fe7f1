"""`latido imap_poll`: take new mail from the active IMAP mailboxes."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from latido.channels.email.imap import ImapPollError, imap_mailboxes, imap_poll_mailbox


class Command(BaseCommand):
    help = "Poll the active IMAP mailboxes once (--once) or every --interval seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", default=None, help="Poll only this mailbox address.")
        parser.add_argument("--once", action="store_true", help="Poll once and exit.")
        parser.add_argument("--interval", type=float, default=60.0,
                            help="Seconds between polls when looping.")

    def handle(self, *args: Any, **options: Any) -> None:
        only = options["mailbox"]
        if only and not imap_mailboxes(only):
            raise CommandError(_("No active IMAP mailbox has the address %(address)s.")
                               % {"address": only})
        if options["once"]:
            failed = self._poll(only)
            if failed:
                raise CommandError(_("IMAP polling failed for: %(addresses)s")
                                   % {"addresses": ", ".join(failed)})
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        while not stop.is_set():
            self._poll(only)
            stop.wait(options["interval"])

    def _poll(self, only: str | None) -> list[str]:
        failed = []
        for mailbox in imap_mailboxes(only):
            try:
                taken = imap_poll_mailbox(mailbox=mailbox)
            except ImapPollError as exc:
                failed.append(mailbox.address)
                self.stderr.write(f"{mailbox.address}: {exc.message}")
                continue
            self.stdout.write(f"{mailbox.address}: {taken}")
        return failed
