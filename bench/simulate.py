"""Ticket lives as the services would have written them, produced as plain row tuples.

Each ticket is played through a short life (created, assigned, replies both ways, internal
notes, escalations with hand-off notes, priority changes, solve, close) and every step appends
the same Message and TicketEvent rows, with the same event types and `data` shapes, that
`latido.tickets.services` writes. Rows are tuples in the column order of `COLUMNS`; times are
aware UTC datetimes (or whatever the `stamp` function makes of epoch seconds); JSON is already
a string.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

from bench.texts import Texts

# Column order of the rows this module produces (Django attnames).
COLUMNS = {
    "ticket": (
        "id", "subject", "status", "priority", "type", "tier", "channel", "fields", "version",
        "created_at", "updated_at", "solved_at", "assignee_id", "category_id", "created_by_id",
        "organization_id", "queue_id", "requester_id", "team_id",
    ),
    "message": (
        "id", "ticket_id", "author_id", "author_contact_id", "author_role", "is_public",
        "channel", "body_html", "body_text", "created_at",
    ),
    "event": (
        "id", "ticket_id", "type", "actor_id", "actor_role", "message_id", "data", "created_at",
    ),
    "follower": ("ticket_id", "user_id"),
}

CHANNELS = (("email", 45), ("portal", 25), ("web", 10), ("chat", 10), ("phone", 7), ("api", 3))
PRIORITIES = ((1, 15), (2, 60), (3, 20), (4, 5))
TYPES = (("question", 55), ("incident", 30), ("problem", 5), ("task", 10))
UNSOLVED_FINAL = (("new", 25), ("open", 35), ("pending", 30), ("on_hold", 10))
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0


def _weighted(pairs: tuple[tuple[object, int], ...]) -> tuple[list[object], list[int]]:
    values = [v for v, _ in pairs]
    return values, list(accumulate(w for _, w in pairs))


@dataclass
class TeamCast:
    """One team as the generator needs it: its queues by tier and its agents by tier."""

    id: int
    queues: dict[int, int]  # tier -> queue id
    agents: dict[int, list[tuple[int, str]]]  # tier -> [(user id, role)]
    lead: tuple[int, str]


@dataclass
class Cast:
    teams: list[TeamCast]
    team_weights: list[int]
    contacts: list[tuple[int, int | None]]  # (contact id, organization id)
    portal_contacts: list[tuple[int, int | None, int]]  # (contact id, org id, user id)
    categories: list[int]


@dataclass
class Batch:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {k: [] for k in COLUMNS})
    tickets: int = 0


def _status_data(before: str, after: str, _cache: dict[tuple[str, str], str] = {}) -> str:  # noqa: B006
    key = (before, after)
    if key not in _cache:
        _cache[key] = json.dumps({"from": before, "to": after})
    return _cache[key]


class Simulator:
    """Plays ticket lives; ids of messages and events come from the counters it is given."""

    def __init__(self, *, cast: Cast, texts: Texts, seed: int, now: float,
                 next_message_id: int, next_event_id: int,
                 stamp: Callable[[float], Any] | None = None) -> None:
        self.cast = cast
        self.stamp = stamp or _dt
        self.texts = texts
        self.rng = random.Random(seed)
        self.now = now
        self.message_id = next_message_id
        self.event_id = next_event_id
        self._channels = _weighted(CHANNELS)
        self._priorities = _weighted(PRIORITIES)
        self._types = _weighted(TYPES)
        self._unsolved = _weighted(UNSOLVED_FINAL)
        self._teams = (list(range(len(cast.teams))), list(accumulate(cast.team_weights)))

    def _pick(self, table: tuple[list, list[int]]):  # type: ignore[no-untyped-def]
        values, cum = table
        return values[bisect(cum, self.rng.random() * cum[-1])]

    # --- rows --------------------------------------------------------------------------
    def _message(self, b: Batch, tid: int, at: float, author: int | None, contact: int | None,
                 role: str, public: bool, channel: str, body: tuple[str, str]) -> int:
        mid = self.message_id
        self.message_id += 1
        b.rows["message"].append((mid, tid, author, contact, role, public, channel, body[0],
                                  body[1], self.stamp(at)))
        return mid

    def _event(self, b: Batch, tid: int, at: float, type_: str, actor: int | None, role: str,
               message: int | None, data: str) -> None:
        b.rows["event"].append((self.event_id, tid, type_, actor, role, message, data,
                                self.stamp(at)))
        self.event_id += 1

    # --- one life ----------------------------------------------------------------------
    def ticket(self, b: Batch, tid: int, created: float) -> None:  # noqa: C901, PLR0912, PLR0915
        rng, texts, cast = self.rng, self.texts, self.cast
        team = cast.teams[self._pick(self._teams)]
        channel = self._pick(self._channels)
        priority = self._pick(self._priorities)
        ttype = self._pick(self._types)
        category = rng.choice(cast.categories) if cast.categories and rng.random() < 0.8 else None
        user: int | None = None
        if channel == "portal" and cast.portal_contacts:
            contact, org, user = rng.choice(cast.portal_contacts)
        else:
            if channel == "portal":
                channel = "web"
            contact, org = rng.choice(cast.contacts)
        subject = texts.subject(rng)
        first = texts.customer(rng)
        t = created
        # ticket_create: the first message is the description, then the CREATED event.
        if channel in ("phone", "api"):
            creator, creator_role = rng.choice(team.agents[1])
            mid = self._message(b, tid, t, creator, None, creator_role, True, channel, first)
        elif user is not None:
            creator, creator_role = user, "customer"
            mid = self._message(b, tid, t, user, contact, "customer", True, channel, first)
        else:
            creator, creator_role = None, "system"
            mid = self._message(b, tid, t, None, contact, "customer", True, channel, first)
        self._event(b, tid, t, "created", creator, creator_role, mid, json.dumps({
            "subject": subject, "status": "new", "priority": priority, "tier": 1,
            "channel": channel, "team": team.id, "requester": contact, "category": category,
            "tags": [],
        }))
        status, tier, assignee, assignee_role = "new", 1, None, ""
        version, solved_at = 1, None
        followers: set[int] = set()

        age = self.now - created
        unsolved_p = 0.8 if age < DAY else 0.5 if age < 3 * DAY else 0.2 if age < 10 * DAY else 0.02
        final = self._pick(self._unsolved) if rng.random() < unsolved_p else "solved"
        # Steps are spread over the time this ticket has had, capped at a few days.
        life = min(age * 0.9, rng.uniform(0.5 * HOUR, 5 * DAY))
        step = life / 12 if life > 0 else 0.0
        limit = self.now - 1.0

        def later(t: float) -> float:
            return min(t + rng.uniform(0.2, 1.8) * step, limit)

        def status_to(t: float, new: str, actor: int | None, role: str) -> None:
            nonlocal status, solved_at
            self._event(b, tid, t, "status", actor, role, None, _status_data(status, new))
            if new in ("solved", "closed"):
                solved_at = solved_at if status in ("solved", "closed") else t
            else:
                solved_at = None
            status = new

        def assign(t: float, to_tier: int) -> None:
            nonlocal assignee, assignee_role, version
            agent, role = rng.choice(team.agents[to_tier])
            actor, actor_role = (agent, role) if rng.random() < 0.7 else team.lead
            self._event(b, tid, t, "assigned", actor, actor_role, None, json.dumps(
                {"from": assignee, "to": agent,
                 "reassignment": assignee is not None}))
            assignee, assignee_role = agent, role
            if status == "new":
                status_to(t, "open", actor, actor_role)
            version += 1

        def agent_reply(t: float, new_status: str) -> None:
            nonlocal version
            body = texts.solve(rng) if new_status == "solved" else texts.agent(rng)
            m = self._message(b, tid, t, assignee, None, assignee_role, True, channel, body)
            self._event(b, tid, t, "reply", assignee, assignee_role, m,
                        texts.reply_data(channel))
            if new_status != status:
                status_to(t, new_status, assignee, assignee_role)
            version += 1

        def customer_reply(t: float) -> None:
            nonlocal version
            m = self._message(b, tid, t, user, contact, "customer", True, channel,
                              texts.customer(rng))
            role = "customer" if user is not None else "system"
            self._event(b, tid, t, "reply", user, role, m, texts.reply_data(channel))
            if status in ("pending", "solved", "on_hold"):
                status_to(t, "open", user, role)
            version += 1

        def note(t: float, author: int | None, role: str) -> None:
            nonlocal version
            m = self._message(b, tid, t, author, None, role, False, "agent", texts.note(rng))
            self._event(b, tid, t, "note", author, role, m, '{"public": false}')
            version += 1

        def escalate(t: float, to_tier: int) -> None:
            nonlocal tier, assignee, assignee_role, version
            actor, role = (assignee, assignee_role) if assignee else team.lead
            m = self._message(b, tid, t, actor, None, role, False, "agent", texts.handoff(rng))
            self._event(b, tid, t, "escalated", actor, role, m, json.dumps({
                "from_tier": tier, "to_tier": to_tier, "reason": texts.reason(rng),
                "previous_assignee": assignee}))
            if assignee is not None:
                self._event(b, tid, t, "assigned", actor, role, None, json.dumps(
                    {"from": assignee, "to": None, "reassignment": False}))
            if status == "new":
                status_to(t, "open", actor, role)
            tier, assignee, assignee_role = to_tier, None, ""
            followers.add(actor)  # type: ignore[arg-type]
            version += 1

        if final != "new":
            t = later(t)
            assign(t, 1)
            if rng.random() < 0.25:
                t = later(t)
                note(t, assignee, assignee_role)
            one_touch = final == "solved" and rng.random() < 0.35
            t = later(t)
            if not one_touch:
                agent_reply(t, "pending" if rng.random() < 0.6 else status)
            for _ in range(0 if one_touch else rng.choice((0, 0, 0, 1, 1, 2))):
                t = later(t)
                customer_reply(t)
                t = later(t)
                agent_reply(t, "pending" if rng.random() < 0.6 else status)
            if not one_touch and rng.random() < 0.2:
                t = later(t)
                escalate(t, 2)
                if rng.random() < 0.9 or final == "solved":
                    t = later(t)
                    assign(t, 2)
                    t = later(t)
                    agent_reply(t, "pending")
                    if rng.random() < 0.15:
                        t = later(t)
                        escalate(t, 3)
                        t = later(t)
                        assign(t, 3)
                        t = later(t)
                        note(t, assignee, assignee_role)
            if rng.random() < 0.08:
                t = later(t)
                new_priority = rng.choice([p for p in (1, 2, 3, 4) if p != priority])
                actor, role = (assignee, assignee_role) if assignee else team.lead
                self._event(b, tid, t, "priority", actor, role, None,
                            json.dumps({"from": priority, "to": new_priority}))
                priority = new_priority
                version += 1
            t = later(t)
            if final == "open":
                customer_reply(t)
            elif final == "on_hold":
                actor, role = (assignee, assignee_role) if assignee else team.lead
                status_to(t, "on_hold", actor, role)
                version += 1
            elif final == "solved":
                if assignee is None:
                    assign(t, tier)
                agent_reply(t, "solved")
                close_at = t + 4 * DAY
                if close_at < limit:
                    t = close_at
                    status_to(t, "closed", None, "system")
                    version += 1
        b.rows["ticket"].append((
            tid, subject, status, priority, ttype, tier, channel, "{}", version,
            self.stamp(created), self.stamp(t),
            self.stamp(solved_at) if solved_at is not None else None, assignee, category,
            creator if creator_role != "system" else None, org, team.queues[tier], contact,
            team.id,
        ))
        for uid in sorted(followers):
            b.rows["follower"].append((tid, uid))
        b.tickets += 1


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(int(ts), tz=UTC)
