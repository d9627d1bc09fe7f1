from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from latido.core.housekeeping import clear_expired_sessions, prune_task_results
from latido.core.models import Lease, PeriodicJobState
from latido.core.scheduler import (
    PERIODIC_JOBS,
    PeriodicJob,
    Scheduler,
    enqueue_due_jobs,
    lease_claim,
)

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _enqueued_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@override_settings(TASKS=DB_TASKS)
def test_of_two_schedulers_only_the_lease_holder_enqueues():
    clock = Clock(T0)
    first = Scheduler(holder="host-a:1", clock=clock)
    second = Scheduler(holder="host-b:2", clock=clock)

    tick_a = first.tick()
    tick_b = second.tick()

    assert (tick_a.leader, tick_a.enqueued) == (True, ["prune-task-results",
                                                        "clear-expired-sessions",
                                                        "requeue-stale-emails",
                                                        "retry-outbound-emails",
                                                        "poll-imap-mailboxes",
                                                        "retry-social-replies",
                                                        "recover-lost-tasks",
                                                        "sweep-stale-chats"])
    assert (tick_b.leader, tick_b.enqueued) == (False, [])
    assert _enqueued_paths() == ["latido.channels.chat.tasks.sweep_stale_chats",
                                 "latido.channels.email.tasks.poll_imap_mailboxes",
                                 "latido.channels.email.tasks.requeue_stale_emails",
                                 "latido.channels.email.tasks.retry_outbound_emails",
                                 "latido.channels.social.tasks.retry_social_replies",
                                 "latido.core.housekeeping.clear_expired_sessions",
                                 "latido.core.housekeeping.prune_task_results",
                                 "latido.core.task_recovery.recover_lost_tasks"]
    lease = Lease.objects.get(name="scheduler")
    assert (lease.holder, lease.expires_at) == ("host-a:1", T0 + timedelta(seconds=30))


@override_settings(TASKS=DB_TASKS)
def test_the_holder_renews_and_the_other_takes_over_only_after_expiry():
    clock = Clock(T0)
    first = Scheduler(holder="a", clock=clock)
    second = Scheduler(holder="b", clock=clock)
    first.tick()

    clock.now = T0 + timedelta(seconds=20)
    assert first.tick().leader is True  # renewed until T0 + 50 s
    clock.now = T0 + timedelta(seconds=45)
    assert second.tick().leader is False  # would have expired at T0 + 30 s without renewal
    clock.now = T0 + timedelta(seconds=50)
    assert second.tick().leader is True  # the first stopped renewing
    assert first.tick().leader is False
    assert Lease.objects.get(name="scheduler").holder == "b"
    assert DBTaskResult.objects.count() == 8  # jobs were not due again in between


@override_settings(TASKS=DB_TASKS)
def test_release_hands_the_lease_over_at_once():
    clock = Clock(T0)
    first = Scheduler(holder="a", clock=clock)
    second = Scheduler(holder="b", clock=clock)
    first.tick()
    first.release()

    assert second.tick().leader is True
    assert Lease.objects.get(name="scheduler").holder == "b"


@override_settings(TASKS=DB_TASKS)
def test_a_job_is_enqueued_again_when_its_interval_has_passed():
    clock = Clock(T0)
    scheduler = Scheduler(holder="a", clock=clock)
    scheduler.tick()
    clock.now = T0 + timedelta(hours=6, seconds=1)

    assert scheduler.tick().enqueued == ["prune-task-results", "requeue-stale-emails",
                                         "retry-outbound-emails", "poll-imap-mailboxes",
                                         "retry-social-replies", "recover-lost-tasks",
                                         "sweep-stale-chats"]
    clock.now = T0 + timedelta(hours=12, seconds=1)
    assert scheduler.tick().enqueued == ["prune-task-results", "clear-expired-sessions",
                                         "requeue-stale-emails", "retry-outbound-emails",
                                         "poll-imap-mailboxes", "retry-social-replies",
                                         "recover-lost-tasks", "sweep-stale-chats"]
    assert DBTaskResult.objects.count() == 23
    state = PeriodicJobState.objects.get(name="clear-expired-sessions")
    assert state.next_run_at == T0 + timedelta(hours=24, seconds=1)


@override_settings(TASKS=DB_TASKS)
def test_two_claims_of_the_same_due_job_enqueue_it_once():
    # Even two lease holders in a race (a paused process, a clock jump) cannot double-run.
    first = enqueue_due_jobs(now=T0)
    second = enqueue_due_jobs(now=T0)

    assert first == [job.name for job in PERIODIC_JOBS]
    assert second == []
    assert DBTaskResult.objects.count() == 8


def test_lease_claim_is_refused_while_another_holder_is_valid():
    assert lease_claim(name="x", holder="a", now=T0) is True
    assert lease_claim(name="x", holder="b", now=T0 + timedelta(seconds=29)) is False
    assert lease_claim(name="x", holder="b", now=T0 + timedelta(seconds=30)) is True
    assert Lease.objects.filter(name="x").count() == 1


@override_settings(TASKS=DB_TASKS)
def test_an_enqueue_that_fails_leaves_the_job_due():
    broken = PeriodicJob("broken", "latido.core.housekeeping.no_such_task", timedelta(hours=1))
    with pytest.raises(ImportError):
        enqueue_due_jobs(now=T0, jobs=[broken])
    assert PeriodicJobState.objects.get(name="broken").next_run_at == T0
    assert DBTaskResult.objects.count() == 0


@override_settings(TASKS=DB_TASKS)
def test_prune_task_results_deletes_only_old_finished_results():
    old = prune_task_results.enqueue()
    recent = clear_expired_sessions.enqueue()
    waiting = clear_expired_sessions.enqueue()
    now = timezone.now()
    DBTaskResult.objects.filter(id=old.id).update(status="SUCCESSFUL",
                                                  finished_at=now - timedelta(days=15))
    DBTaskResult.objects.filter(id=recent.id).update(status="SUCCESSFUL",
                                                     finished_at=now - timedelta(days=13))

    deleted = prune_task_results.call()

    assert deleted == 1
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert remaining == {str(recent.id), str(waiting.id)}


def test_clear_expired_sessions_keeps_live_ones():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="x",
                           expire_date=now - timedelta(minutes=1))
    Session.objects.create(session_key="live", session_data="x",
                           expire_date=now + timedelta(days=1))

    assert clear_expired_sessions.call() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
