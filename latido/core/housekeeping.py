"""Periodic housekeeping tasks the scheduler enqueues (each idempotent, safe to run twice)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from latido.core.task_backends import uses_database_backend

TASK_RESULT_MAX_AGE_DAYS = 14


@task()
def prune_task_results(min_age_days: int = TASK_RESULT_MAX_AGE_DAYS) -> int:
    """Delete finished database task results older than `min_age_days`; returns the count.

    Only the database backend keeps results in our tables; RQ expires its own in Redis.
    """
    if not uses_database_backend():
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=min_age_days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted


@task()
def clear_expired_sessions() -> int:
    """Delete sessions whose expiry date has passed; returns the count."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
