"""`latido worker`: run the configured task backend's worker (database or RQ)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from latido.core.management.supervision import watch_parent
from latido.core.task_backends import default_backend_path, uses_database_backend, uses_rq_backend

RQ_JOB_CLASS = "django_tasks_rq.Job"


class Command(BaseCommand):
    help = ("Run background tasks: django-tasks-db's worker on the database backend, "
            "an RQ worker when LATIDO_TASK_BACKEND=rq.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default="default",
                            help=_("Queues to work, separated by commas."))
        parser.add_argument("--burst", action="store_true",
                            help=_("Run the tasks queued now, then exit."))
        parser.add_argument("--interval", type=float, default=1.0,
                            help=_("Database backend: seconds between polls when idle."))
        parser.add_argument("--no-fork", action="store_true",
                            help=_("RQ backend: run jobs inside the worker process "
                                   "(rq.SimpleWorker) instead of a fork per job."))

    def handle(self, *args: Any, **options: Any) -> None:
        watch_parent()
        queues = [q.strip() for q in options["queue"].split(",") if q.strip()]
        verbosity = options["verbosity"]
        if uses_database_backend():
            call_command(
                "db_worker", queue_name=",".join(queues), batch=options["burst"],
                interval=options["interval"], reload=False,
                startup_delay=not options["burst"], verbosity=verbosity,
            )
        elif uses_rq_backend():
            from django_rq.management.commands.rqworker import Command as RQWorker

            call_command(
                RQWorker(), *queues, job_class=RQ_JOB_CLASS, burst=options["burst"],
                worker_class="rq.SimpleWorker" if options["no_fork"] else None,
                verbosity=verbosity,
            )
        else:
            message = _("The task backend %(backend)s runs tasks inline; it has no worker. "
                        "Set LATIDO_TASK_BACKEND to database or rq.")
            raise CommandError(message % {"backend": default_backend_path()})
