"""The sweep-stale-chats periodic job: abandoned chats close with no agent console open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from latido.channels.chat import services
from latido.channels.chat.consumers import ALL_GROUP, chat_group, team_group
from latido.channels.chat.models import ChatSession, ChatStatus
from latido.channels.chat.tasks import sweep_stale_chats
from latido.core.scheduler import PERIODIC_JOBS, enqueue_due_jobs
from latido.core.tests.test_background_work import DB_TASKS, keep_signal_handlers  # noqa: F401
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent

from .conftest import SHOP

pytestmark = pytest.mark.django_db(transaction=True)
TASK = "latido.channels.chat.tasks.sweep_stale_chats"


def _start(widget, email: str) -> ChatSession:
    return services.chat_start(widget=widget, origin=SHOP, name="Vera", email=email,
                               message="Where is my parcel?")[0]


def test_the_job_runs_every_minute():
    [job] = [job for job in PERIODIC_JOBS if job.name == "sweep-stale-chats"]
    assert (job.task, job.every) == (TASK, timedelta(minutes=1))


def test_the_scheduled_sweep_closes_a_vanished_visitors_chat_and_tells_the_consoles(
    widget, world, keep_signal_handlers  # noqa: F811
):
    gone = _start(widget, "gone@shop.test")
    here = _start(widget, "here@shop.test")
    ChatSession.objects.filter(pk=gone.pk).update(
        last_seen_at=timezone.now() - services.VISITOR_GONE_AFTER - timedelta(seconds=1))
    layer = get_channel_layer()
    listener = async_to_sync(layer.new_channel)()
    for group in (chat_group(gone.pk), team_group(world.team.pk), ALL_GROUP):
        async_to_sync(layer.group_add)(group, listener)

    with override_settings(TASKS=DB_TASKS):
        assert "sweep-stale-chats" in enqueue_due_jobs(now=timezone.now())
        DBTaskResult.objects.exclude(task_path=TASK).delete()  # only the sweep is under test
        call_command("worker", burst=True, verbosity=0)

    job = DBTaskResult.objects.get(task_path=TASK)
    assert (job.status, job.return_value) == ("SUCCESSFUL", [gone.pk])
    statuses = dict(ChatSession.objects.values_list("pk", "status"))
    assert statuses == {gone.pk: ChatStatus.ABANDONED, here.pk: ChatStatus.WAITING}
    assert TicketEvent.objects.filter(ticket=gone.ticket,
                                      type=EventType.CHAT_ABANDONED).count() == 1
    received = [async_to_sync(layer.receive)(listener) for _ in range(3)]
    assert received[0] == {"type": "chat.state", "status": ChatStatus.ABANDONED,
                           "left_message": False, "chat_id": gone.pk}
    assert received[1:] == [{"type": "queue.changed"}] * 2


def test_a_second_sweep_finds_nothing_to_close(widget):
    gone = _start(widget, "gone@shop.test")
    ChatSession.objects.filter(pk=gone.pk).update(
        last_seen_at=timezone.now() - services.VISITOR_GONE_AFTER - timedelta(seconds=1))
    assert sweep_stale_chats.call() == [gone.pk]
    assert sweep_stale_chats.call() == []
    assert TicketEvent.objects.filter(ticket=gone.ticket,
                                      type=EventType.CHAT_ABANDONED).count() == 1
