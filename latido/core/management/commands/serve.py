"""`latido serve`: the embedded mode — web server, task worker and scheduler in one command."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from latido.core.management.supervision import Child, Supervisor
from latido.core.task_backends import uses_database_backend, uses_rq_backend


class Command(BaseCommand):
    help = "Serve Latido: migrate, then run the web server, a task worker and the scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true",
                            help=_("Do not start a task worker (run `latido worker` elsewhere)."))
        parser.add_argument("--no-scheduler", action="store_true",
                            help=_("Do not start the scheduler (run `latido scheduler` "
                                   "elsewhere)."))
        parser.add_argument("--no-migrate", action="store_true",
                            help=_("Do not apply database migrations first."))

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from config.asgi import application

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        children = []
        has_worker = uses_database_backend() or uses_rq_backend()
        if not options["no_worker"] and has_worker:
            children.append(Child("worker", ["worker"]))
        if not options["no_scheduler"]:
            children.append(Child("scheduler", ["scheduler"]))
        supervisor = Supervisor(children)

        def _note_signal(signum: int, frame: FrameType | None) -> None:
            # uvicorn handles the signal itself and re-raises it once it has shut down;
            # this handler keeps that re-raise from killing us before the children stop.
            pass

        previous = {sig: signal.signal(sig, _note_signal) for sig in (signal.SIGINT,
                                                                       signal.SIGTERM)}
        supervisor.start_all()
        # Static files come from the apps' static folders (no collectstatic needed).
        app = ASGIStaticFilesHandler(application)
        self.stdout.write(_("Latido is listening on http://%(host)s:%(port)d/ (Ctrl-C stops it)")
                          % {"host": options["host"], "port": options["port"]})
        try:
            uvicorn.run(app, host=options["host"], port=options["port"], lifespan="off",
                        log_level="info" if options["verbosity"] > 1 else "warning",
                        access_log=options["verbosity"] > 1)
        finally:
            supervisor.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(_("Latido stopped."))
