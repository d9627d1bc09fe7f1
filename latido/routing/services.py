"""Assignment: the least-loaded agent of the queue's team and tier, within capacity."""

from __future__ import annotations

from django.db.models import Count, Q

from latido.accounts.models import User
from latido.accounts.roles import ROLE_TIER
from latido.tickets.enums import UNSOLVED
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_assign


def pick_agent(*, team_id: int, tier: int) -> User | None:
    """The active agent of this team and tier with the fewest open tickets and room left."""
    roles = [role for role, t in ROLE_TIER.items() if t == tier]
    candidates = (
        User.objects.filter(teams__id=team_id, role__in=roles, is_active=True)
        .annotate(load=Count("assigned_tickets",
                             filter=Q(assigned_tickets__status__in=UNSOLVED)))
        .order_by("load", "id")
    )
    for agent in candidates[:20]:
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
