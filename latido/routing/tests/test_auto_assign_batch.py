"""Batched auto-assignment picks what assigning one ticket at a time would pick."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from latido.accounts.models import Queue, Team, User
from latido.accounts.roles import Role, Tier
from latido.accounts.services import team_add_member, team_create, user_create
from latido.customers.models import Contact
from latido.customers.services import contact_create
from latido.routing import handlers, services
from latido.routing.handlers import auto_assign
from latido.routing.services import ticket_auto_assign, tickets_auto_assign
from latido.tickets.enums import EventType, Status
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


@dataclass
class Situation:
    team: Team
    agents: list[User]
    tickets: list[Ticket]  # unassigned, new, in the team's tier-1 queue


def _contact() -> Contact:
    return Contact.objects.first() or contact_create(name="Cleo", emails=["cleo@cust.test"])


def _ticket(team: Team, subject: str) -> Ticket:
    return ticket_create(actor=None, requester=_contact(), subject=subject, body="Help",
                         channel="email", team=team)


def _situation(tag: str, loads: list[int], new: int, *, capacity: int = 40,
               auto: bool = True) -> Situation:
    team = team_create(name=f"Routing {tag}")
    Queue.objects.filter(team=team, tier=Tier.TIER1).update(auto_assign=auto)
    agents = []
    for i, load in enumerate(loads):
        agent = user_create(email=f"agent{i}-{tag}@latido.test", password=None,
                            role=Role.TIER1, name=f"Agent {i}")
        User.objects.filter(pk=agent.pk).update(ticket_capacity=capacity)
        team_add_member(team=team, user=agent)
        for n in range(load):
            busy = _ticket(team, f"busy {i}.{n}")
            Ticket.objects.filter(pk=busy.pk).update(assignee=agent, status=Status.OPEN)
        agents.append(agent)
    tickets = [_ticket(team, f"new {n}") for n in range(new)]
    return Situation(team=team, agents=agents, tickets=tickets)


def _picks(s: Situation) -> list[int | None]:
    """Index in ``s.agents`` of each new ticket's assignee (None: unassigned)."""
    index = {a.pk: i for i, a in enumerate(s.agents)}
    rows = dict(Ticket.objects.filter(pk__in=[t.pk for t in s.tickets])
                .values_list("pk", "assignee_id"))
    return [index[rows[t.pk]] if rows[t.pk] is not None else None for t in s.tickets]


def test_tickets_spread_by_load_as_one_by_one_would(world):
    alone = _situation("alone", [0, 2, 5], 6)
    for t in alone.tickets:
        ticket_auto_assign(ticket_id=t.pk)
    together = _situation("together", [0, 2, 5], 6)

    result = tickets_auto_assign(ticket_ids=[t.pk for t in together.tickets])

    # least load first, ties to the lower id: 0→1, 0→2, 0→3, 1→3, 0→4, 1→4
    assert _picks(alone) == [0, 0, 0, 1, 0, 1]
    assert _picks(together) == _picks(alone)
    assert {pk: a.pk for pk, a in result.items()} == {
        t.pk: together.agents[i].pk for t, i in zip(together.tickets, [0, 0, 0, 1, 0, 1],
                                                     strict=True)}
    statuses = set(Ticket.objects.filter(pk__in=[t.pk for t in together.tickets])
                   .values_list("status", flat=True))
    assert statuses == {Status.OPEN}
    for t in together.tickets:
        assert list(TicketEvent.objects.filter(ticket=t).order_by("pk")
                    .values_list("type", flat=True)) == ["created", "assigned", "status"]


def test_capacity_is_respected_and_counts_the_batchs_own_picks(world):
    s = _situation("full", [1, 2, 0], 4, capacity=2)
    result = tickets_auto_assign(ticket_ids=[t.pk for t in s.tickets])
    # agent 1 is full; agent 0 has room for one, agent 2 for two
    assert _picks(s) == [2, 0, 2, None]
    assert len(result) == 3
    assert Ticket.objects.get(pk=s.tickets[3].pk).status == Status.NEW


def test_everyone_full_leaves_the_tickets_unassigned(world):
    s = _situation("allfull", [2, 2], 2, capacity=2)
    assert tickets_auto_assign(ticket_ids=[t.pk for t in s.tickets]) == {}
    assert _picks(s) == [None, None]
    assert not TicketEvent.objects.filter(ticket__in=s.tickets,
                                          type=EventType.ASSIGNED).exists()


def test_queues_without_auto_assign_are_left_alone(world):
    s = _situation("manual", [0], 2, auto=False)
    assert tickets_auto_assign(ticket_ids=[t.pk for t in s.tickets]) == {}
    assert _picks(s) == [None, None]


def test_assigned_and_solved_tickets_are_skipped(world):
    s = _situation("skip", [0, 0], 3)
    taken, solved, free = s.tickets
    Ticket.objects.filter(pk=taken.pk).update(assignee=s.agents[1], status=Status.OPEN)
    Ticket.objects.filter(pk=solved.pk).update(status=Status.SOLVED)

    result = tickets_auto_assign(ticket_ids=[t.pk for t in s.tickets])

    assert set(result) == {free.pk}
    # agent 1 carries `taken`, so agent 0 is the least loaded
    assert _picks(s) == [1, None, 0]
    assert Ticket.objects.get(pk=solved.pk).status == Status.SOLVED
    assert not TicketEvent.objects.filter(ticket__in=[taken, solved],
                                          type=EventType.ASSIGNED).exists()


def test_only_active_agents_of_the_queues_team_and_tier_are_picked(world):
    s = _situation("who", [3], 4)
    inactive = user_create(email="gone@latido.test", password=None, role=Role.TIER1)
    team_add_member(team=s.team, user=inactive)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    tier2 = user_create(email="t2@latido.test", password=None, role=Role.TIER2)
    team_add_member(team=s.team, user=tier2)
    lead = user_create(email="lead2@latido.test", password=None, role=Role.LEAD)
    team_add_member(team=s.team, user=lead)
    elsewhere = _situation("elsewhere", [0], 0)

    tickets_auto_assign(ticket_ids=[t.pk for t in s.tickets])

    assignees = set(Ticket.objects.filter(pk__in=[t.pk for t in s.tickets])
                    .values_list("assignee_id", flat=True))
    assert assignees == {s.agents[0].pk}
    assert elsewhere.agents[0].assigned_tickets.count() == 0


def test_a_tier_two_queue_gets_tier_two_agents(world):
    s = _situation("tier2", [0], 0)
    specialist = user_create(email="spec@latido.test", password=None, role=Role.TIER2)
    team_add_member(team=s.team, user=specialist)
    queue2 = Queue.objects.get(team=s.team, tier=Tier.TIER2)
    Queue.objects.filter(pk=queue2.pk).update(auto_assign=True)
    ticket = _ticket(s.team, "escalated")
    Ticket.objects.filter(pk=ticket.pk).update(queue=queue2, tier=Tier.TIER2)

    assert tickets_auto_assign(ticket_ids=[ticket.pk]) == {ticket.pk: specialist}
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == specialist.pk


def test_a_ticket_outside_its_queues_team_goes_one_by_one(world, monkeypatch):
    home = _situation("home", [2, 0], 1)
    away = _situation("away", [], 0)
    both = home.agents[1]  # also works the ticket's own team, so ticket_assign accepts them
    team_add_member(team=away.team, user=both)
    odd = _ticket(away.team, "odd")
    Ticket.objects.filter(pk=odd.pk).update(queue=Queue.objects.get(team=home.team,
                                                                    tier=Tier.TIER1))
    calls: list[int] = []
    real = services.ticket_auto_assign

    def spy(*, ticket_id: int) -> User | None:
        calls.append(ticket_id)
        return real(ticket_id=ticket_id)

    monkeypatch.setattr(services, "ticket_auto_assign", spy)
    result = tickets_auto_assign(ticket_ids=[odd.pk, home.tickets[0].pk])

    assert calls == [odd.pk]  # the other ticket went through the batch
    # the batch's pick (agent 1: 0 → 1) is counted when the odd one is picked (2 vs 1)
    assert result == {home.tickets[0].pk: both, odd.pk: both}
    fresh = Ticket.objects.get(pk=odd.pk)
    assert (fresh.assignee_id, fresh.status) == (both.pk, Status.OPEN)


def _created_events(tickets: list[Ticket]) -> list[int]:
    return list(TicketEvent.objects.filter(ticket__in=tickets, type=EventType.CREATED)
                .values_list("pk", flat=True))


def test_the_handler_assigns_the_run_together(world, monkeypatch):
    s = _situation("handler", [0, 1], 3)

    def refuse(*, ticket_id: int) -> None:
        raise AssertionError("the batch should not fall back")

    monkeypatch.setattr(handlers, "ticket_auto_assign", refuse)
    auto_assign(_created_events(s.tickets))
    assert _picks(s) == [0, 0, 1]


def test_the_handler_falls_back_to_one_by_one_when_the_batch_fails(world, monkeypatch):
    s = _situation("fallback", [0, 1], 3)
    calls: list[list[int]] = []

    def broken(*, ticket_ids: list[int]) -> None:
        calls.append(ticket_ids)
        _ticket(s.team, "written before the failure")  # must be rolled back
        raise RuntimeError("batch broke")

    monkeypatch.setattr(handlers, "tickets_auto_assign", broken)
    auto_assign(_created_events(s.tickets))

    assert sorted(calls[0]) == sorted(t.pk for t in s.tickets)
    assert _picks(s) == [0, 0, 1]
    assert not Ticket.objects.filter(subject="written before the failure").exists()


def test_the_handler_ignores_events_that_are_not_arrivals(world):
    s = _situation("ignore", [0], 1)
    ticket = s.tickets[0]
    note = TicketEvent.objects.create(ticket=ticket, type=EventType.NOTE, data={})
    auto_assign([note.pk])
    assert _picks(s) == [None]
    auto_assign([*_created_events(s.tickets), note.pk])
    assert _picks(s) == [0]
