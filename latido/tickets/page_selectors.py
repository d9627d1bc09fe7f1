"""Reads only the agent pages need: sidebar counts, assignable agents, names on the timeline.

Counts are capped (COUNT over a LIMIT subquery) so a queue with a million tickets costs the
same as one with a hundred; the page shows "99+".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from latido.accounts.models import Queue, Team, User
from latido.accounts.roles import STAFF_ROLES, Perm
from latido.tickets.enums import UNSOLVED, EventType
from latido.tickets.models import Category, Ticket, TicketEvent
from latido.tickets.selectors import queues_for, visible_tickets

COUNT_CAP = 100


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int


@dataclass(frozen=True)
class TeamQueues:
    team: Team
    queues: list[QueueCount]


@dataclass(frozen=True)
class Sidebar:
    """What the agent sidebar shows; counts are of unsolved tickets, capped at COUNT_CAP."""

    works_tickets: bool
    mine: int = 0
    unassigned: int = 0
    invited: int = 0
    teams: list[TeamQueues] = field(default_factory=list)
    cap: int = COUNT_CAP


def _capped(qs: QuerySet[Ticket]) -> int:
    return qs.order_by().values("pk")[:COUNT_CAP].count()


def _queue_count_sql() -> tuple[str, list[str]]:
    ticket_table = Ticket._meta.db_table
    queue_table = Queue._meta.db_table
    marks = ", ".join(["%s"] * len(UNSOLVED))
    # Table names come from model metadata and the statuses are parameters.
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {ticket_table} t "  # noqa: S608
        f"WHERE t.queue_id = {queue_table}.id AND t.status IN ({marks}) "
        f"LIMIT {COUNT_CAP}) capped"
    )
    return sql, [str(s) for s in UNSOLVED]


def sidebar_for(*, actor: User) -> Sidebar:
    """Counts for "mine", "unassigned" and each visible queue, grouped by team and tier."""
    open_tickets = visible_tickets(actor=actor).filter(status__in=UNSOLVED)
    if not actor.can(Perm.TICKET_WORK):
        return Sidebar(works_tickets=False, invited=_capped(open_tickets))
    sql, params = _queue_count_sql()
    open_count = RawSQL(sql, params)  # noqa: S611 - fixed SQL, statuses are parameters
    queues = queues_for(actor=actor).annotate(open_count=open_count).order_by("team__name", "tier")
    teams: list[TeamQueues] = []
    for queue in queues:
        if not teams or teams[-1].team.pk != queue.team_id:
            teams.append(TeamQueues(team=queue.team, queues=[]))
        teams[-1].queues.append(QueueCount(queue=queue, count=cast(Any, queue).open_count))
    return Sidebar(
        works_tickets=True,
        mine=_capped(open_tickets.filter(assignee_id=actor.pk)),
        unassigned=_capped(open_tickets.filter(assignee__isnull=True)),
        teams=teams,
    )


def assignable_agents_for(*, ticket: Ticket) -> list[User]:
    """Active support staff of the ticket's team (members and lead), by name."""
    qs = User.objects.filter(is_active=True, role__in=list(STAFF_ROLES))
    if ticket.team_id is not None:
        qs = qs.filter(Q(teams=ticket.team_id) | Q(led_teams=ticket.team_id))
    return list(qs.distinct().order_by("display_name", "email"))


@dataclass(frozen=True)
class TimelineNames:
    users: dict[int, str]
    categories: dict[int, str]


def timeline_names(events: Iterable[TicketEvent]) -> TimelineNames:
    """Names of the people and categories that events refer to by id, in at most two queries."""
    user_ids: set[int] = set()
    category_ids: set[int] = set()
    for event in events:
        data = event.data or {}
        if event.type == EventType.ASSIGNED:
            user_ids.update(v for v in (data.get("from"), data.get("to")) if isinstance(v, int))
        elif event.type in (EventType.INVITED, EventType.FOLLOWER):
            if isinstance(data.get("user"), int):
                user_ids.add(data["user"])
        elif event.type == EventType.CHAT_ACCEPTED:
            if isinstance(data.get("agent"), int):
                user_ids.add(data["agent"])
        elif event.type == EventType.CATEGORY:
            category_ids.update(
                v for v in (data.get("from"), data.get("to")) if isinstance(v, int)
            )
    users = (
        {u.pk: u.name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    )
    categories = (
        dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name"))
        if category_ids else {}
    )
    return TimelineNames(users=users, categories=categories)
