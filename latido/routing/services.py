"""Assignment: the least-loaded agent of the queue's team and tier, within capacity."""

from __future__ import annotations

import heapq
from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from latido.accounts.models import User
from latido.accounts.roles import ROLE_TIER
from latido.tickets.enums import UNSOLVED
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_assign
from latido.tickets.services.bulk import tickets_assign_by_system


def _candidates(*, team_id: int, tier: int) -> QuerySet[User]:
    """The team's active agents of this tier, fewest open tickets first (as ``load``)."""
    roles = [role for role, t in ROLE_TIER.items() if t == tier]
    return (
        User.objects.filter(teams__id=team_id, role__in=roles, is_active=True)
        .annotate(load=Count("assigned_tickets",
                             filter=Q(assigned_tickets__status__in=UNSOLVED)))
        .order_by("load", "id")
    )


def pick_agent(*, team_id: int, tier: int) -> User | None:
    """The active agent of this team and tier with the fewest open tickets and room left."""
    for agent in _candidates(team_id=team_id, tier=tier)[:20]:
        if agent.load < agent.ticket_capacity:  # type: ignore[attr-defined]
            return agent
    return None


def ticket_auto_assign(*, ticket_id: int) -> User | None:
    """Assign an unassigned ticket in an auto-assign queue; idempotent (skips assigned ones)."""
    ticket = Ticket.objects.select_related("queue").filter(pk=ticket_id).first()
    if (ticket is None or ticket.assignee_id is not None or ticket.queue is None
            or not ticket.queue.auto_assign or ticket.status not in UNSOLVED):
        return None
    agent = pick_agent(team_id=ticket.queue.team_id, tier=ticket.queue.tier)
    if agent is None:
        return None
    ticket_assign(ticket=ticket, actor=None, assignee=agent)
    return agent


def tickets_auto_assign(*, ticket_ids: list[int]) -> dict[int, User]:
    """``ticket_auto_assign`` for many tickets at once: one load query per queue's team and
    tier, the picks made in ticket order with each pick counted in the agent's load (as one
    by one would), and the assignments written together. Returns ticket id → agent.

    A ticket whose team is not its queue's team goes through ``ticket_auto_assign``, which
    checks the assignee against the ticket's own team.
    """
    tickets = (Ticket.objects.select_related("queue")
               .filter(pk__in=ticket_ids, assignee__isnull=True, status__in=UNSOLVED,
                       queue__auto_assign=True)
               .order_by("pk"))
    groups: dict[tuple[int, int], list[Ticket]] = defaultdict(list)
    elsewhere: list[int] = []
    for ticket in tickets:
        assert ticket.queue is not None  # filtered on the queue's auto_assign
        if ticket.team_id != ticket.queue.team_id:
            elsewhere.append(ticket.pk)
        else:
            groups[(ticket.queue.team_id, ticket.queue.tier)].append(ticket)
    picks: list[tuple[int, User]] = []
    for (team_id, tier), members in groups.items():
        agents = list(_candidates(team_id=team_id, tier=tier))
        heap = [(a.load, a.pk, a) for a in agents  # type: ignore[attr-defined]
                if a.load < a.ticket_capacity]  # type: ignore[attr-defined]
        heapq.heapify(heap)
        for ticket in members:
            if not heap:
                break
            load, pk, agent = heapq.heappop(heap)
            picks.append((ticket.pk, agent))
            if load + 1 < agent.ticket_capacity:
                heapq.heappush(heap, (load + 1, pk, agent))
    assigned = set(tickets_assign_by_system(picks)) if picks else set()
    result = {pk: agent for pk, agent in picks if pk in assigned}
    for pk in elsewhere:
        picked = ticket_auto_assign(ticket_id=pk)
        if picked is not None:
            result[pk] = picked
    return result
