"""The recover-lost-tasks sweep on real django-tasks-db rows (the worker itself runs them)."""

from __future__ import annotations

from datetime import timedelta

import django_rq
import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rq.job_lifecycle import record_job_failure

from latido.core.housekeeping import clear_expired_sessions, prune_task_results
from latido.core.task_recovery import (
    NOT_RETRIED,
    WorkerLost,
    recover_lost_tasks,
    recover_lost_tasks_now,
    recover_one,
)
from latido.core.tasks import run_event_pipeline
from latido.core.tests.test_background_work import (  # noqa: F401 (fixtures)
    DB_TASKS,
    RQ_QUEUES,
    RQ_TASKS,
    keep_signal_handlers,
    rq_redis,
)

pytestmark = pytest.mark.django_db
SESSIONS_TASK = "latido.core.housekeeping.clear_expired_sessions"
PIPELINE_TASK = "latido.core.tasks.run_event_pipeline"


def _running(task, *args, age: timedelta, workers: int = 1) -> DBTaskResult:
    """A job a worker claimed `age` ago and never finished (what SIGKILL leaves behind)."""
    result = task.enqueue(*args)
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = "RUNNING"
    row.started_at = timezone.now() - age
    row.worker_ids = [f"dead-worker-{i}" for i in range(workers)]
    row.save()
    return row


def _as_read(row: DBTaskResult) -> dict:
    """What a sweep read of a row: it then acts on this snapshot, possibly late."""
    return {"pk": row.pk, "task_path": row.task_path, "started_at": row.started_at,
            "worker_ids": row.worker_ids, "now": timezone.now()}


@override_settings(TASKS=DB_TASKS, LATIDO_TASK_STALE_SECONDS=900)
def test_a_stale_rerunnable_job_is_put_back_to_ready_and_a_young_one_is_left_alone():
    lost = _running(run_event_pipeline, [1], age=timedelta(seconds=901))
    young = _running(run_event_pipeline, [2], age=timedelta(seconds=899))

    done = recover_lost_tasks_now()

    assert done.as_dict() == {"rerun": [str(lost.pk)], "failed": []}
    lost.refresh_from_db()
    young.refresh_from_db()
    assert (lost.status, lost.started_at, lost.finished_at) == ("READY", None, None)
    assert lost.worker_ids == ["dead-worker-0"]  # kept: it counts the runs so far
    assert list(DBTaskResult.objects.ready().values_list("pk", flat=True)) == [lost.pk]
    assert (young.status, young.started_at is not None) == ("RUNNING", True)


@override_settings(TASKS=DB_TASKS, LATIDO_TASK_STALE_SECONDS=60)
def test_a_job_not_listed_as_rerunnable_is_failed_with_a_clear_error(caplog):
    lost = _running(prune_task_results, age=timedelta(minutes=5))

    with caplog.at_level("ERROR", logger="latido.core.task_recovery"):
        done = recover_lost_tasks_now()

    assert done.as_dict() == {"rerun": [], "failed": [str(lost.pk)]}
    lost.refresh_from_db()
    assert lost.status == "FAILED"
    assert lost.finished_at is not None
    assert lost.exception_class_path == "latido.core.task_recovery.WorkerLost"
    assert NOT_RETRIED in lost.traceback
    assert "dead-worker-0" in lost.traceback
    error = lost.task_result.errors[0]
    assert error.exception_class is WorkerLost  # the admin and the API can resolve it
    assert f"task {lost.pk} (latido.core.housekeeping.prune_task_results)" in caplog.text
    assert NOT_RETRIED in caplog.text
    assert not DBTaskResult.objects.ready().exists()


@override_settings(TASKS=DB_TASKS, LATIDO_TASK_STALE_SECONDS=60, LATIDO_TASK_MAX_RUNS=3)
def test_a_job_that_keeps_killing_its_worker_is_failed_after_the_last_allowed_run():
    # e.g. a message that makes the worker run out of memory every time
    again = _running(run_event_pipeline, [1], age=timedelta(minutes=5), workers=2)
    poison = _running(run_event_pipeline, [2], age=timedelta(minutes=5), workers=3)

    done = recover_lost_tasks_now()

    assert done.as_dict() == {"rerun": [str(again.pk)], "failed": [str(poison.pk)]}
    poison.refresh_from_db()
    assert poison.status == "FAILED"
    assert "worker lost 3 times; not retried again" in poison.traceback


@override_settings(TASKS=DB_TASKS, LATIDO_TASK_STALE_SECONDS=60)
def test_two_racing_sweeps_put_a_lost_job_back_once():
    lost = _running(run_event_pipeline, [1], age=timedelta(minutes=5))
    # the second sweep read the same stale row before the first one changed it
    snapshot = _as_read(lost)

    first = recover_one(**snapshot)
    second = recover_one(**snapshot)
    assert (first, second) == ("rerun", "")

    # a worker claims it again; a sweep still holding the old snapshot must not touch it
    row = DBTaskResult.objects.get(pk=lost.pk)
    row.claim("live-worker")
    assert recover_one(**snapshot) == ""
    row.refresh_from_db()
    assert (row.status, row.worker_ids) == ("RUNNING", ["dead-worker-0", "live-worker"])
    assert recover_lost_tasks_now().as_dict() == {"rerun": [], "failed": []}  # it is young

    # nor may a racing sweep fail a row the other one already failed
    failed_row = _running(prune_task_results, age=timedelta(minutes=5))
    snap = _as_read(failed_row)
    assert (recover_one(**snap), recover_one(**snap)) == ("failed", "")


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_recovered_job_again_once(keep_signal_handlers):  # noqa: F811
    expired = Session.objects.create(session_key="x" * 32, session_data="",
                                     expire_date=timezone.now() - timedelta(days=1))
    with override_settings(TASKS=DB_TASKS, LATIDO_TASK_STALE_SECONDS=60,
                           LATIDO_RERUNNABLE_TASKS=[SESSIONS_TASK]):
        lost = _running(clear_expired_sessions, age=timedelta(minutes=5))
        call_command("worker", burst=True, verbosity=0)  # a READY-only worker: nothing
        assert Session.objects.filter(pk=expired.pk).exists()

        # the sweep runs as the periodic job does: through the worker
        recover_lost_tasks.enqueue()
        call_command("worker", burst=True, verbosity=0)

    lost.refresh_from_db()
    assert lost.status == "SUCCESSFUL"
    assert lost.return_value == 1
    assert len(lost.worker_ids) == 2  # the dead worker and the one that finished it
    assert not Session.objects.filter(pk=expired.pk).exists()
    sweep = DBTaskResult.objects.get(task_path="latido.core.task_recovery.recover_lost_tasks")
    assert sweep.status == "SUCCESSFUL"
    assert sweep.return_value == {"rerun": [str(lost.pk)], "failed": []}


@override_settings(LATIDO_TASK_STALE_SECONDS=60)
def test_the_sweep_leaves_rows_alone_when_the_database_backend_is_not_in_use():
    # e.g. rows left over from before a switch to RQ: those are not this backend's jobs
    with override_settings(TASKS=DB_TASKS):
        lost = _running(run_event_pipeline, [1], age=timedelta(minutes=5))
    assert recover_lost_tasks.call() == {"rerun": [], "failed": []}  # immediate backend
    lost.refresh_from_db()
    assert lost.status == "RUNNING"


def _failed_in_rq(task, *args, exc_string: str):
    """An RQ job failed the way RQ's cleanup fails an abandoned one (or with its own error)."""
    result = task.enqueue(*args)
    queue = django_rq.get_queue("default")
    job = queue.fetch_job(result.id)
    queue.remove(job)
    with queue.connection.pipeline() as pipe:
        record_job_failure(job, exc_string, pipe)
        pipe.execute()
    return queue, job


ABANDONED = "Moved to FailedJobRegistry, due to AbandonedJobError, at 2026-01-01"


@pytest.mark.django_db(transaction=True)
def test_on_rq_only_abandoned_jobs_of_rerunnable_tasks_are_requeued_and_once(
    rq_redis,  # noqa: F811
):
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES=RQ_QUEUES, LATIDO_TASK_MAX_RUNS=2):
        queue, lost = _failed_in_rq(run_event_pipeline, [1], exc_string=ABANDONED)
        _, other = _failed_in_rq(prune_task_results, exc_string=ABANDONED)
        _, broken = _failed_in_rq(run_event_pipeline, [2], exc_string="ValueError: bad")

        first = recover_lost_tasks.call()
        second = recover_lost_tasks.call()  # a racing or later sweep: nothing more

        assert first == {"rerun": [lost.id], "failed": []}
        assert second == {"rerun": [], "failed": []}
        assert queue.job_ids == [lost.id]
        assert sorted(queue.failed_job_registry.get_job_ids()) == sorted([other.id, broken.id])
        assert queue.fetch_job(lost.id).meta["latido_lost_runs"] == 2

        # lost again on its second run: with at most 2 runs it now stays failed
        queue.remove(lost)
        with queue.connection.pipeline() as pipe:
            record_job_failure(queue.fetch_job(lost.id), ABANDONED, pipe)
            pipe.execute()
        assert recover_lost_tasks.call() == {"rerun": [], "failed": []}
        assert lost.id in queue.failed_job_registry.get_job_ids()
