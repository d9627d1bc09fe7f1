"""Both task backends for real: django-tasks-db in this database and django-tasks-rq on Redis."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import django_rq
import pytest
import redis
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from latido.accounts.models import Queue
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_create

PIPELINE_TASK = "latido.core.tasks.run_event_pipeline"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
# A Redis database of its own, so the test never touches a real deployment's queues.
RQ_TEST_URL = "redis://127.0.0.1:6379/15"
RQ_QUEUES = {"default": {"URL": RQ_TEST_URL, "DEFAULT_TIMEOUT": 60}}


@pytest.fixture
def keep_signal_handlers() -> Iterator[None]:
    """Workers install SIGINT/SIGTERM handlers; give pytest its own back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def rq_redis() -> Iterator[redis.Redis]:
    """The test Redis database, emptied of RQ keys; a lock keeps parallel runs apart."""
    conn = redis.Redis.from_url(RQ_TEST_URL)
    with conn.lock("latido-test:rq-lock", timeout=120, blocking_timeout=120):
        for key in conn.scan_iter("rq:*"):
            conn.delete(key)
        yield conn
        for key in conn.scan_iter("rq:*"):
            conn.delete(key)


def _create(world, subject: str) -> Ticket:
    return ticket_create(actor=world.customer_a, requester=world.contact_a, subject=subject,
                         body="Please help.", channel="portal", team=world.team)


def _create_and_roll_back(world, subject: str) -> int:
    """Create a ticket in a transaction that then fails; return the task rows seen inside."""
    with transaction.atomic():
        _create(world, subject)
        inside = DBTaskResult.objects.filter(task_path=PIPELINE_TASK).count()
        raise RuntimeError(f"roll back ({inside} task rows inside)")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_database_backend_enqueues_in_the_same_transaction(world):
    with pytest.raises(RuntimeError, match=r"^roll back \(1 task rows inside\)$"):
        _create_and_roll_back(world, "Rolled back")

    assert DBTaskResult.objects.count() == 0
    assert Ticket.objects.filter(subject="Rolled back").count() == 0


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_the_pipeline(world, keep_signal_handlers):
    Queue.objects.filter(team=world.team, tier=1).update(auto_assign=True)
    with override_settings(TASKS=DB_TASKS):
        ticket = _create(world, "Queued for the worker")
        result = DBTaskResult.objects.get(task_path=PIPELINE_TASK)
        ticket.refresh_from_db()
        assert (result.status, ticket.assignee_id) == ("READY", None)

        call_command("worker", burst=True, verbosity=0)

    ticket.refresh_from_db()
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    # the assignment published its events (status, assigned) as ONE follow-up job (the
    # auto-assign handler batches what it publishes), which the burst ran too
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 2
    follow_up = DBTaskResult.objects.exclude(pk=result.pk).get()
    assert sorted(follow_up.args_kwargs["args"][0]) == sorted(
        ticket.events.filter(type__in=["status", "assigned"]).values_list("pk", flat=True))
    assert ticket.assignee == world.tier1
    assert ticket.events.filter(type="assigned", actor__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_rq_backend_enqueues_after_commit_and_a_burst_worker_runs_it(
    world, rq_redis, keep_signal_handlers
):
    Queue.objects.filter(team=world.team, tier=1).update(auto_assign=True)
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES=RQ_QUEUES):
        queue = django_rq.get_queue("default")
        with transaction.atomic():
            ticket = _create(world, "Queued in Redis")
            assert queue.count == 0  # nothing leaves before the commit
        assert queue.count == 1
        ticket.refresh_from_db()
        assert ticket.assignee_id is None

        call_command("worker", burst=True, no_fork=True, verbosity=0)

        assert queue.count == 0
        assert queue.failed_job_registry.count == 0
        # created, then the assignment's own two events (status, assigned) went round again,
        # as one job (the auto-assign handler batches what it publishes)
        assert queue.finished_job_registry.count == 2
    ticket.refresh_from_db()
    assert ticket.assignee == world.tier1
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_rq_rollback_enqueues_nothing(world, rq_redis):
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES=RQ_QUEUES):
        queue = django_rq.get_queue("default")
        with pytest.raises(RuntimeError, match=r"^roll back \(0 task rows inside\)$"):
            _create_and_roll_back(world, "Never sent")
        assert queue.count == 0
