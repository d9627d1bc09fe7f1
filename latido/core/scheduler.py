"""The scheduler: one loop that enqueues due periodic jobs, safe to run on several machines.

Every scheduler tries to claim one database lease with a conditional UPDATE; only the holder
enqueues, the others idle and take over when the holder stops renewing. Each job's next run
time is also moved forward with a conditional UPDATE, so even two holders in a race (a clock
jump, a paused process) enqueue a due job once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from latido.core.models import Lease, PeriodicJobState
from latido.core.task_backends import uses_database_backend

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
LEASE_TTL = timedelta(seconds=30)
TICK_SECONDS = 5.0
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PeriodicJob:
    """A task (dotted path to a django-tasks Task) enqueued every `every`."""

    name: str
    task: str
    every: timedelta
    kwargs: dict[str, Any] = field(default_factory=dict)


# The registry. Later apps (SLA sweeps, time-based automations, mailbox polling, scheduled
# reports) add their jobs here by dotted path, so core imports none of them.
PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("prune-task-results", "latido.core.housekeeping.prune_task_results",
                timedelta(hours=6)),
    PeriodicJob("clear-expired-sessions", "latido.core.housekeeping.clear_expired_sessions",
                timedelta(hours=12)),
    # Mail stored but never processed (a worker died mid-batch) is scheduled again.
    PeriodicJob("requeue-stale-emails", "latido.channels.email.tasks.requeue_stale_emails",
                timedelta(minutes=5)),
    # Outgoing mail that failed and whose backoff passed (or whose send job was lost).
    PeriodicJob("retry-outbound-emails", "latido.channels.email.tasks.retry_outbound_emails",
                timedelta(minutes=1)),
    # IMAP mailboxes are polled from here; `latido imap_poll` remains for a dedicated poller.
    PeriodicJob("poll-imap-mailboxes", "latido.channels.email.tasks.poll_imap_mailboxes",
                timedelta(minutes=1)),
    # Social replies whose POST to the connector failed and whose backoff passed.
    PeriodicJob("retry-social-replies", "latido.channels.social.tasks.retry_social_replies",
                timedelta(minutes=1)),
    # Database-backend jobs left RUNNING by a dead worker: re-run if idempotent, else failed.
    PeriodicJob("recover-lost-tasks", "latido.core.task_recovery.recover_lost_tasks",
                timedelta(minutes=1)),
    # Live chats whose visitor vanished, also when no agent console is open to sweep them.
    PeriodicJob("sweep-stale-chats", "latido.channels.chat.tasks.sweep_stale_chats",
                timedelta(minutes=1)),
)


def default_holder() -> str:
    """A name unique to this process: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{get_random_string(6)}"


def lease_claim(*, name: str, holder: str, now: datetime, ttl: timedelta = LEASE_TTL) -> bool:
    """Take or renew the lease; True when `holder` holds it until now + ttl.

    One conditional UPDATE: it matches only when the lease is ours or has expired, so of two
    claimants at most one row update succeeds.
    """
    Lease.objects.bulk_create([Lease(name=name, holder="", expires_at=_NEVER)],
                              ignore_conflicts=True)
    claimed = Lease.objects.filter(
        Q(holder=holder) | Q(expires_at__lte=now), name=name
    ).update(holder=holder, expires_at=now + ttl)
    return claimed == 1


def lease_release(*, name: str, holder: str) -> None:
    """Give the lease up at once so another scheduler need not wait for it to expire."""
    Lease.objects.filter(name=name, holder=holder).update(holder="", expires_at=_NEVER)


def _enqueue(job: PeriodicJob) -> None:
    """Enqueue inside the claim's transaction for the database backend, else after commit."""
    task = import_string(job.task)
    if uses_database_backend():
        task.enqueue(**job.kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**job.kwargs))


def enqueue_due_jobs(*, now: datetime, jobs: Sequence[PeriodicJob] = PERIODIC_JOBS) -> list[str]:
    """Enqueue every job whose time has come and move its next run forward; returns names.

    A new job is due at once. The claim is a conditional UPDATE on the job's next run time.
    """
    PeriodicJobState.objects.bulk_create(
        [PeriodicJobState(name=job.name, next_run_at=now) for job in jobs],
        ignore_conflicts=True,
    )
    enqueued: list[str] = []
    for job in jobs:
        with transaction.atomic():
            claimed = PeriodicJobState.objects.filter(
                name=job.name, next_run_at__lte=now
            ).update(next_run_at=now + job.every, last_enqueued_at=now)
            if claimed:
                _enqueue(job)
                enqueued.append(job.name)
    return enqueued


@dataclass
class Tick:
    leader: bool
    enqueued: list[str]


class Scheduler:
    """The loop behind `latido scheduler`; `tick` is one pass, `run` loops until stopped."""

    def __init__(
        self, *, holder: str | None = None, jobs: Sequence[PeriodicJob] = PERIODIC_JOBS,
        ttl: timedelta = LEASE_TTL, interval: float = TICK_SECONDS,
        clock: Callable[[], datetime] = timezone.now, lease_name: str = LEASE_NAME,
    ) -> None:
        self.holder = holder or default_holder()
        self.jobs = tuple(jobs)
        self.ttl = ttl
        self.interval = interval
        self.clock = clock
        self.lease_name = lease_name
        self.stop_event = threading.Event()
        self.is_leader = False

    def tick(self) -> Tick:
        now = self.clock()
        leader = lease_claim(name=self.lease_name, holder=self.holder, now=now, ttl=self.ttl)
        if leader != self.is_leader:
            logger.info("scheduler %s %s the lease", self.holder,
                        "holds" if leader else "lost")
        self.is_leader = leader
        if not leader:
            return Tick(leader=False, enqueued=[])
        enqueued = enqueue_due_jobs(now=now, jobs=self.jobs)
        for name in enqueued:
            logger.info("scheduler enqueued %s", name)
        return Tick(leader=True, enqueued=enqueued)

    def run(self, *, max_ticks: int | None = None) -> None:
        """Tick every `interval` seconds until `stop()` (or `max_ticks`), then release."""
        from django.db import close_old_connections

        ticks = 0
        try:
            while not self.stop_event.is_set():
                close_old_connections()
                try:
                    self.tick()
                except Exception:
                    # A locked or unreachable database must not end the loop; retry next tick.
                    logger.exception("scheduler tick failed")
                ticks += 1
                if max_ticks is not None and ticks >= max_ticks:
                    break
                self.stop_event.wait(self.interval)
        finally:
            self.release()

    def release(self) -> None:
        """Give the lease up if held, so another scheduler takes over at once."""
        if self.is_leader:
            lease_release(name=self.lease_name, holder=self.holder)
            self.is_leader = False

    def stop(self) -> None:
        self.stop_event.set()
