"""`latido scheduler`: enqueue due periodic jobs; extra schedulers idle (database lease)."""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from latido.core.management.supervision import watch_parent
from latido.core.scheduler import TICK_SECONDS, Scheduler


class Command(BaseCommand):
    help = "Run the scheduler loop that enqueues periodic jobs; safe to run more than once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=TICK_SECONDS,
                            help=_("Seconds between two passes."))
        parser.add_argument("--once", action="store_true",
                            help=_("Make one pass, report it and exit."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] > 0:
            logger = logging.getLogger("latido.core.scheduler")
            logger.setLevel(logging.INFO)
            if not logger.handlers:
                logger.addHandler(logging.StreamHandler(self.stderr))
                logger.propagate = False
        scheduler = Scheduler(interval=options["interval"])
        if options["once"]:
            try:
                tick = scheduler.tick()
            finally:
                scheduler.release()
            self._report(tick.leader, tick.enqueued)
            return
        watch_parent()

        def _stop(signum: int, frame: FrameType | None) -> None:
            scheduler.stop()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        logging.getLogger("latido.core.scheduler").info("scheduler %s started",
                                                        scheduler.holder)
        scheduler.run()

    def _report(self, leader: bool, enqueued: list[str]) -> None:
        if not leader:
            self.stdout.write(_("Another scheduler holds the lease; nothing to do."))
        elif enqueued:
            self.stdout.write(_("Enqueued: %(jobs)s") % {"jobs": ", ".join(enqueued)})
        else:
            self.stdout.write(_("No job is due."))
