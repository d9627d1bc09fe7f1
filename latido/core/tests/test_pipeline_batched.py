from __future__ import annotations

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from latido.core import pipeline
from latido.tickets.models import TicketEvent
from latido.tickets.services import ticket_create, ticket_note

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _create(world, subject: str):
    return ticket_create(actor=world.customer_a, requester=world.contact_a, subject=subject,
                         body="Please help.", channel="portal", team=world.team)


@override_settings(TASKS=DB_TASKS)
def test_batched_publishes_every_event_once_in_one_task(world):
    before = TicketEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with pipeline.batched():
        first = _create(world, "One")
        with pipeline.batched():  # nested blocks leave publishing to the outer one
            ticket_note(ticket=first, actor=world.tier1, body="Looked at it.")
        _create(world, "Two")
        assert DBTaskResult.objects.count() == 0

    task = DBTaskResult.objects.get()
    new_events = list(TicketEvent.objects.filter(id__gt=before).order_by("id")
                      .values_list("id", flat=True))
    assert len(new_events) == 3
    assert task.args_kwargs == {"args": [new_events], "kwargs": {}}


def _create_then_fail(world) -> None:
    with pipeline.batched():
        _create(world, "Never published")
        raise RuntimeError("stop")


@override_settings(TASKS=DB_TASKS)
def test_batched_publishes_nothing_when_the_block_fails(world):
    with pytest.raises(RuntimeError, match="^stop$"):
        _create_then_fail(world)
    with pipeline.batched():
        pass

    assert DBTaskResult.objects.count() == 0
    _create(world, "After the batch")
    assert DBTaskResult.objects.count() == 1
