"""bench/generate.py on the test database: N tickets whose messages and events agree."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest

from bench.generate import generate
from bench.people import BENCH_AGENT_EMAIL
from latido.accounts.models import Queue, User
from latido.accounts.selectors import user_for_token
from latido.tickets.enums import EventType, Status
from latido.tickets.models import Message, Ticket, TicketEvent

N = 60
SAME_STEP = timedelta(seconds=1)  # the services read the clock once per row, not per step


def _close(a: datetime, b: datetime) -> bool:
    return abs(a - b) < SAME_STEP


@pytest.fixture
def info(db):
    return generate(tickets=N, batch=25, seed=3, progress=False)


def _events_by_ticket() -> dict[int, list[TicketEvent]]:
    out: dict[int, list[TicketEvent]] = defaultdict(list)
    for event in TicketEvent.objects.order_by("id"):
        out[event.ticket_id].append(event)
    return out


def test_generates_exactly_n_tickets_with_messages_and_events(info):
    assert Ticket.objects.count() == N
    assert info["counts"]["ticket"] == N
    assert info["counts"]["message"] == Message.objects.count()
    without_messages = Ticket.objects.filter(messages__isnull=True).count()
    without_events = Ticket.objects.filter(events__isnull=True).count()
    assert (without_messages, without_events) == (0, 0)
    assert Message.objects.count() >= 2 * N  # "several per ticket": on average at least two
    assert Message.objects.filter(is_public=False).exists()


def test_every_ticket_opens_with_its_description_and_a_created_event(info):
    events = _events_by_ticket()
    for ticket in Ticket.objects.all():
        first_message = ticket.messages.order_by("id").first()
        created = events[ticket.pk][0]
        assert created.type == EventType.CREATED
        assert created.message_id == first_message.pk
        assert first_message.is_public is True
        assert _close(created.created_at, ticket.created_at)
        assert _close(first_message.created_at, ticket.created_at)
        assert created.data["requester"] == ticket.requester_id
        assert created.data["status"] == Status.NEW
        assert [e.type for e in events[ticket.pk]].count(EventType.CREATED) == 1


def test_ticket_state_is_what_replaying_its_events_gives(info):
    events = _events_by_ticket()
    for ticket in Ticket.objects.select_related("queue"):
        status, assignee, tier = Status.NEW, None, 1
        for e in events[ticket.pk]:
            assert e.type in EventType.values
            if e.type == EventType.STATUS:
                assert e.data["from"] == status
                status = e.data["to"]
            elif e.type == EventType.ASSIGNED:
                assert e.data["from"] == assignee
                assignee = e.data["to"]
            elif e.type in (EventType.ESCALATED, EventType.DEESCALATED):
                assert e.data["from_tier"] == tier
                tier = e.data["to_tier"]
                assert len(e.data["reason"]) > 0
        assert (ticket.status, ticket.assignee_id, ticket.tier) == (status, assignee, tier)
        assert ticket.queue.tier == ticket.tier
        assert ticket.queue.team_id == ticket.team_id
        assert (ticket.solved_at is not None) == (ticket.status in ("solved", "closed"))
        assert _close(ticket.updated_at, events[ticket.pk][-1].created_at)


def test_messages_match_their_reply_note_and_escalation_events(info):
    events = _events_by_ticket()
    messages = {m.pk: m for m in Message.objects.all()}
    for ticket in Ticket.objects.all():
        kinds = Counter(e.type for e in events[ticket.pk])
        public = ticket.messages.filter(is_public=True).count()
        internal = ticket.messages.filter(is_public=False).count()
        assert public == 1 + kinds[EventType.REPLY]
        assert internal == kinds[EventType.NOTE] + kinds[EventType.ESCALATED]
        for e in events[ticket.pk]:
            if e.message_id is not None:
                message = messages[e.message_id]
                assert message.ticket_id == ticket.pk
                assert _close(message.created_at, e.created_at)
                if e.type == EventType.REPLY:
                    assert e.data == {"channel": message.channel, "public": True}
                if e.type == EventType.NOTE:
                    assert (message.is_public, message.author_id) == (False, e.actor_id)


def test_agents_write_replies_and_customers_write_as_their_contact(info):
    agent_roles = {"tier1", "tier2", "engineer", "lead"}
    for message in Message.objects.exclude(author_role="customer"):
        assert message.author_role in agent_roles
        assert message.author_contact_id is None
        assert message.author.role == message.author_role
    for message in Message.objects.filter(author_role="customer").select_related("ticket"):
        assert message.author_contact_id == message.ticket.requester_id


def test_fixed_ticket_token_and_queue_for_the_load_driver(info):
    fixed = Ticket.objects.get(pk=info["ticket_id"])
    assert fixed.messages.count() == 10
    agent = User.objects.get(email=BENCH_AGENT_EMAIL)
    assert user_for_token(raw=info["token"]) == agent
    assert agent.check_password(info["password"]) is True
    queue = Queue.objects.get(pk=info["queue_id"])
    assert (queue.team_id, queue.tier) == (info["team_id"], 1)
    assert agent.teams.filter(pk=info["team_id"]).exists()
    assert len(info["requester_ids"]) > 0


def test_a_second_run_adds_tickets_and_reuses_the_people(info):
    users = User.objects.count()
    again = generate(tickets=5, batch=25, seed=4, progress=False)
    assert Ticket.objects.count() == N + 5
    assert User.objects.count() == users
    assert again["ticket_id"] != info["ticket_id"]
