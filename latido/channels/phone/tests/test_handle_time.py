"""KPIS H1-H3: what a handle-time report needs about calls is stored, per agent and ticket."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from latido.channels.phone.models import Call
from latido.channels.phone.services import CallDetails, call_create_ticket, call_link, call_log
from latido.channels.phone.tests.conftest import deliver
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent


def _report() -> tuple[dict[int, int], dict[int, set[int]]]:
    """Working time and tickets handled per agent, from the CALL events alone."""
    seconds: dict[int, int] = defaultdict(int)
    tickets: dict[int, set[int]] = defaultdict(set)
    for event in TicketEvent.objects.filter(type=EventType.CALL):
        agent = event.data["agent"]
        assert agent == event.actor_id
        seconds[agent] += event.data["duration_seconds"]
        tickets[agent].add(event.ticket_id)
    return dict(seconds), dict(tickets)


def test_calls_are_working_time_of_the_agent_on_their_tickets(world, source):
    start = timezone.now() - timedelta(hours=2)
    call_log(actor=world.tier1, ticket=world.ticket, details=CallDetails(
        direction="outbound", number="+34600111222", started_at=start, duration_seconds=300,
        outcome="resolved"))
    created = call_create_ticket(actor=world.tier1, subject="New card", details=CallDetails(
        direction="inbound", number="+34600999888", started_at=start + timedelta(minutes=30),
        duration_seconds=60))
    deliver(source.pk, {"event": "answered", "call_id": "h-1", "from": "+34600111222",
                        "agent": world.tier2.email})
    deliver(source.pk, {"event": "ended", "call_id": "h-1", "duration": 120})
    reported = Call.objects.get(external_id="h-1")
    call_link(actor=world.tier2, call=reported, ticket=world.ticket)

    seconds, handled = _report()
    assert seconds == {world.tier1.pk: 360, world.tier2.pk: 120}
    assert handled == {world.tier1.pk: {world.ticket.pk, created.ticket_id},
                       world.tier2.pk: {world.ticket.pk}}
    # Each event is anchored on the call's start (H1 counts work in the period of its start).
    for event in TicketEvent.objects.filter(type=EventType.CALL):
        call = Call.objects.get(pk=event.data["call_id"])
        assert datetime.fromisoformat(event.data["started_at"]) == call.started_at
        assert (call.agent_id, call.ticket_id, call.duration_seconds) == (
            event.data["agent"], event.ticket_id, event.data["duration_seconds"])


def test_calls_not_on_a_ticket_or_missed_are_not_working_time(world, source):
    deliver(source.pk, {"event": "ended", "call_id": "h-2", "from": "+34600111333",
                        "agent": world.tier1.email, "duration": 45})
    deliver(source.pk, {"event": "missed", "call_id": "h-3", "from": "+34600111444"})
    assert _report() == ({}, {})
    assert TicketEvent.objects.filter(type=EventType.CALL_MISSED).count() == 1
