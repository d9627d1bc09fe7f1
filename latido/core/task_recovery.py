"""Jobs of the database task backend whose worker died: run them again, or fail them visibly.

django-tasks-db marks a job RUNNING when a worker claims it and only a live worker moves it
on. A worker killed with SIGKILL, by the OOM killer or with its machine leaves the row
RUNNING forever and the job never runs. The `recover-lost-tasks` periodic job finds rows
RUNNING for longer than ``LATIDO_TASK_STALE_SECONDS`` and:

* for tasks listed in ``LATIDO_RERUNNABLE_TASKS`` (idempotent ones: running them twice has
  the effect of running them once) puts the row back to READY, so a worker runs it again;
* for any other task, or one already lost ``LATIDO_TASK_MAX_RUNS`` times, marks it FAILED
  with a "worker lost" error and logs it, so an operator sees it in the task admin.

django-tasks-db records which worker claimed a job (``worker_ids``) but writes no heartbeat,
so "the worker is gone" cannot be told from "the job is slow": age is the only signal, and
the limit must be longer than the slowest job. A job that was merely slow and is run again
is harmless for the re-runnable tasks (they are idempotent) and is reported for the others.

Each change is one conditional UPDATE on the row as read (still RUNNING, same start time),
so two sweeps racing (two schedulers, an overlapping run) change a row once and a job is
put back once. ``worker_ids`` is kept: each claim appends one, so it counts the runs.

With RQ the same periodic job requeues abandoned jobs of the re-runnable tasks from RQ's
FailedJobRegistry (see ``recover_lost_rq_jobs``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from latido.core.task_backends import uses_database_backend, uses_rq_backend

logger = logging.getLogger(__name__)

DEFAULT_STALE_SECONDS = 900
DEFAULT_MAX_RUNS = 3
DEFAULT_RERUNNABLE_TASKS = (
    "latido.core.tasks.run_event_pipeline",
    "latido.channels.email.tasks.process_raw_email",
    "latido.channels.email.tasks.process_raw_emails",
)
NOT_RETRIED = "worker lost; not retried automatically"


class WorkerLost(Exception):  # noqa: N818 (the name is what an operator reads)
    """Recorded as the error of a job whose worker died while running it."""


@dataclass
class Recovery:
    rerun: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"rerun": self.rerun, "failed": self.failed}


def stale_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "LATIDO_TASK_STALE_SECONDS",
                                         DEFAULT_STALE_SECONDS)))


def rerunnable_tasks() -> frozenset[str]:
    return frozenset(getattr(settings, "LATIDO_RERUNNABLE_TASKS", DEFAULT_RERUNNABLE_TASKS))


def max_runs() -> int:
    return max(1, int(getattr(settings, "LATIDO_TASK_MAX_RUNS", DEFAULT_MAX_RUNS)))


def recover_lost_tasks_now(*, now: datetime | None = None, limit: int = 500) -> Recovery:
    """One sweep over RUNNING rows older than the limit; returns the ids it changed."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    done = Recovery()
    stale = (DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING,
                                         started_at__lt=now - stale_after())
             .order_by("started_at")
             .values_list("pk", "task_path", "started_at", "worker_ids")[:limit])
    for pk, task_path, started_at, worker_ids in list(stale):
        if started_at is None:  # not possible for a RUNNING row; never guess
            continue
        outcome = recover_one(pk=pk, task_path=task_path, started_at=started_at,
                              worker_ids=worker_ids, now=now)
        if outcome == "rerun":
            done.rerun.append(str(pk))
        elif outcome == "failed":
            done.failed.append(str(pk))
    return done


def recover_one(*, pk: Any, task_path: str, started_at: datetime, worker_ids: list[str],
                now: datetime) -> str:
    """Re-run or fail one lost job as it was read; "" when another sweep (or a worker)
    changed the row since: the UPDATE matches only the same RUNNING row, same start time."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING,
                                      started_at=started_at)
    runs, runs_allowed = len(worker_ids or []), max_runs()
    rerunnable = task_path in rerunnable_tasks()
    if rerunnable and runs < runs_allowed:
        if not row.update(status=TaskResultStatus.READY, started_at=None):
            return ""
        logger.warning("task %s (%s) lost its worker %s (run %d of at most %d); queued to "
                       "run again", pk, task_path, _last(worker_ids), runs, runs_allowed)
        return "rerun"
    reason = NOT_RETRIED if not rerunnable else f"worker lost {runs} times; not retried again"
    if not row.update(status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                      exception_class_path=f"{__name__}.{WorkerLost.__qualname__}",
                      traceback=f"{__name__}.WorkerLost: {reason} (worker "
                                f"{_last(worker_ids)}, started {started_at.isoformat()})\n"):
        return ""
    logger.error("task %s (%s) lost its worker %s: %s", pk, task_path, _last(worker_ids),
                 reason)
    return "failed"


def _last(worker_ids: Any) -> str:
    return str(worker_ids[-1]) if worker_ids else "?"


RQ_RUNS_KEY = "latido_lost_runs"
RQ_CLAIM_TTL = 7 * 24 * 3600


def recover_lost_rq_jobs(*, limit: int = 500) -> Recovery:
    """RQ: requeue abandoned jobs of re-runnable tasks from the FailedJobRegistry.

    A killed RQ worker stops renewing its heartbeat; once the job's StartedJobRegistry entry
    expires, RQ's cleanup (run here first, else by a worker's maintenance) moves the job to the
    FailedJobRegistry with an AbandonedJobError. Jobs that failed with an exception of their own
    are left there, as are abandoned ones of other tasks (RQ already shows them as failed).
    The run count lives in the job's meta; a Redis SET NX per (job, run) makes two racing
    sweeps requeue a job once.
    """
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.exceptions import NoSuchJobError
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    done = Recovery()
    allowed, runs_allowed = rerunnable_tasks(), max_runs()
    tasks_settings: Any = settings.TASKS
    for name in tasks_settings["default"].get("QUEUES") or ["default"]:
        queue = django_rq.get_queue(name, job_class=Job)
        StartedJobRegistry(queue=queue).cleanup()
        failed = FailedJobRegistry(queue=queue)
        for job_id in failed.get_job_ids(end=limit - 1):
            try:
                job = Job.fetch(job_id, connection=queue.connection)
            except NoSuchJobError:
                continue
            result = job.latest_result()
            if (job.func_name not in allowed or result is None
                    or "AbandonedJobError" not in (result.exc_string or "")):
                continue
            runs = int(job.meta.get(RQ_RUNS_KEY, 1))
            if runs >= runs_allowed:
                continue  # stays failed, as RQ left it
            if not queue.connection.set(f"latido:lost-job:{job.id}:{runs}", 1, nx=True,
                                        ex=RQ_CLAIM_TTL):
                continue
            job.meta[RQ_RUNS_KEY] = runs + 1
            job.save_meta()  # type: ignore[no-untyped-call]
            failed.requeue(job)
            done.rerun.append(job.id)
            logger.warning("RQ job %s (%s) was abandoned by its worker (run %d of at most %d); "
                           "requeued", job.id, job.func_name, runs, runs_allowed)
    return done


@task()
def recover_lost_tasks(limit: int = 500) -> dict[str, list[str]]:
    """The periodic job, for the configured backend (the immediate one has nothing to lose)."""
    if uses_database_backend():
        return recover_lost_tasks_now(limit=limit).as_dict()
    if uses_rq_backend():
        return recover_lost_rq_jobs(limit=limit).as_dict()
    return Recovery().as_dict()
