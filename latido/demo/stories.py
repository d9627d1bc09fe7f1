"""One demo ticket's life, told through the ticket services step by step.

A story moves its own clock forward (agents mostly act in working hours, customers any time)
and stops at "now", so recent tickets are still new, open or pending. Replies always come
after creation and solves after a reply (KPIS.md F1, L2).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from latido.accounts.models import Team, User
from latido.accounts.roles import Tier
from latido.customers.models import Contact
from latido.demo import channel_history, phrases
from latido.demo.backdate import History
from latido.demo.channel_history import DemoChannels
from latido.demo.content_types import CategoryContent
from latido.demo.text import Filler
from latido.tickets.enums import Channel, Priority, Status, TicketType
from latido.tickets.models import Category, Ticket
from latido.tickets.services import (
    ticket_assign,
    ticket_create,
    ticket_deescalate,
    ticket_escalate,
    ticket_invite,
    ticket_note,
    ticket_reply,
    ticket_update,
)


@dataclass
class Cast:
    """The department, as the stories need it."""

    teams: dict[str, Team]
    tier1: dict[str, list[User]]
    tier2: dict[str, list[User]]
    engineers: dict[str, list[User]]
    leads: dict[str, User]
    coordinator: User
    collaborators: dict[str, User]
    languages: dict[int, str]


@dataclass
class Customer:
    contact: Contact
    user: User | None
    language: str
    first_name: str
    vip: bool = False


@dataclass
class TicketPlan:
    created_at: datetime
    customer: Customer
    team: str
    category: Category
    content: CategoryContent


@dataclass
class StoryClock:
    now: datetime
    t: datetime
    rng: random.Random = field(repr=False)

    def customer_step(self, lo_minutes: float, hi_minutes: float) -> bool:
        self.t += timedelta(minutes=self.rng.uniform(lo_minutes, hi_minutes))
        if self.t.hour < 7:
            self.t = self.t.replace(hour=7) + timedelta(minutes=self.rng.uniform(0, 120))
        return self.t <= self.now

    def agent_step(self, lo_minutes: float, hi_minutes: float) -> bool:
        """Agents work 08:00-18:00 on weekdays and a skeleton shift on weekends."""
        self.t += timedelta(minutes=self.rng.uniform(lo_minutes, hi_minutes))
        if self.t.hour >= 18:
            self.t = (self.t + timedelta(days=1)).replace(hour=8, minute=0)
            self.t += timedelta(minutes=self.rng.uniform(0, 90))
        elif self.t.hour < 8:
            self.t = self.t.replace(hour=8, minute=0) + timedelta(minutes=self.rng.uniform(0, 90))
        if self.t.weekday() >= 5 and self.rng.random() < 0.7:
            self.t += timedelta(days=7 - self.t.weekday())
        return self.t <= self.now


class Story:
    """Tells one ticket's story; `History` gets a mark after every service call."""

    def __init__(self, *, plan: TicketPlan, cast: Cast, rng: random.Random, now: datetime,
                 history: History, channels: DemoChannels) -> None:
        self.plan, self.cast, self.rng, self.history = plan, cast, rng, history
        self.channels = channels
        self.clock = StoryClock(now=now, t=plan.created_at, rng=rng)
        self.lang = plan.customer.language
        self.say = Filler(rng, lang=self.lang, team=plan.team,
                          customer=plan.customer.first_name)
        self.ticket: Ticket | None = None
        self.assignee: User | None = None
        self.solved_at: datetime | None = None
        self.last_step_at = plan.created_at

    # --- helpers ------------------------------------------------------------------------
    def _mark(self) -> None:
        self.history.mark(self.clock.t)
        self.last_step_at = self.clock.t

    def _agent_text(self, options: dict[str, list[str]], agent: User) -> str:
        template = self.rng.choice(options.get(self.lang) or options["en"])
        return self.say(template, agent=agent.name.split()[0])

    def _pick(self, agents: list[User]) -> User:
        speakers = [a for a in agents if self.cast.languages.get(a.pk) == self.lang]
        if speakers and self.lang != "en" and self.rng.random() < 0.8:
            return self.rng.choice(speakers)
        return self.rng.choice(agents)

    def _assign(self, agent: User, actor: User | None) -> None:
        assert self.ticket is not None
        ticket_assign(ticket=self.ticket, actor=actor, assignee=agent)
        self.assignee = agent
        self._mark()

    def _agent_reply(self, agent: User, body: str, status: str | None = None) -> None:
        assert self.ticket is not None
        channel = channel_history.reply_channel(self.channels, self.ticket)
        message = ticket_reply(ticket=self.ticket, actor=agent, body=body, channel=channel,
                               status=status)
        channel_history.agent_replied(self.channels, ticket=self.ticket, message=message,
                                      at=self.clock.t)
        if status == Status.SOLVED:
            self.solved_at = self.clock.t
        elif status is not None:
            self.solved_at = None
        self._mark()

    def _customer_reply(self, options: dict[str, list[str]]) -> None:
        assert self.ticket is not None
        customer = self.plan.customer
        body = self.say(self.rng.choice(options.get(self.lang) or options["en"]))
        portal = customer.user is not None and self.ticket.channel == Channel.PORTAL
        if self.ticket.channel == Channel.SOCIAL:  # a new message in the same thread
            self.ticket = channel_history.social_follow_up(self.channels, ticket=self.ticket,
                                                           body=body, at=self.clock.t)
        else:
            ticket_reply(ticket=self.ticket, actor=customer.user if portal else None,
                         contact=None if portal else customer.contact, body=body,
                         channel=Channel.PORTAL if portal else
                         Channel.CHAT if channel_history.chatting(self.channels, self.ticket)
                         else Channel.EMAIL)
        if self.ticket.status not in (Status.SOLVED, Status.CLOSED):
            self.solved_at = None  # the customer reopened it
        self._mark()

    def _solve(self, agent: User) -> None:
        solution = self.plan.content.solution.get(self.lang) or self.plan.content.solution["en"]
        wrapper = phrases.SOLVE_WRAPPER.get(self.lang) or phrases.SOLVE_WRAPPER["en"]
        body = self.say(wrapper, solution=self.say(solution), agent=agent.name.split()[0])
        self._agent_reply(agent, body, status=Status.SOLVED)

    # --- the story ----------------------------------------------------------------------
    def tell(self) -> Ticket:
        self._open()
        self._work()
        ticket = self.ticket
        assert ticket is not None
        self.history.ticket(ticket.pk, updated_at=self.last_step_at, solved_at=self.solved_at)
        return ticket

    def _open(self) -> None:
        plan, rng = self.plan, self.rng
        customer = plan.customer
        technical = plan.content.technical
        subject_tpl, body_tpl = rng.choice(plan.content.requests.get(self.lang)
                                           or plan.content.requests["en"])
        subject, body = self.say(subject_tpl), self.say(body_tpl)
        channel = rng.choices([Channel.PORTAL, Channel.EMAIL, Channel.PHONE, Channel.WEB,
                               Channel.CHAT, Channel.SOCIAL], weights=[34, 38, 10, 9, 5, 4])[0]
        actor: User | None = None
        if channel == Channel.PORTAL:
            actor = customer.user
            if actor is None:
                channel = Channel.EMAIL
        elif channel == Channel.PHONE:
            actor = self._pick(self.cast.tier1[plan.team])
            body = self.say(phrases.PHONE_DESCRIPTION[0], subject=subject, body=body)
        priority = rng.choices(
            [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT],
            weights=[10, 50, 30, 10] if technical else [20, 65, 13, 2])[0]
        ticket_type = rng.choices(
            [TicketType.QUESTION, TicketType.INCIDENT, TicketType.PROBLEM, TicketType.TASK],
            weights=[25, 60, 5, 10] if technical else [65, 15, 0, 20])[0]
        tags = rng.sample(plan.content.tags, k=rng.randint(1, len(plan.content.tags)))
        if customer.vip:
            tags.append("vip")
        if channel == Channel.SOCIAL:
            self.ticket = channel_history.social_open(self.channels, plan, subject=subject,
                                                      body=body, priority=priority,
                                                      type=ticket_type, tags=tags)
        else:
            self.ticket = ticket_create(
                actor=actor, requester=customer.contact, subject=subject, body=body,
                channel=channel, priority=priority, type=ticket_type, category=plan.category,
                team=self.cast.teams[plan.team], tags=tags, created_at=plan.created_at,
            )
        # The call the ticket was opened from, or the chat the visitor is waiting in.
        channel_history.on_open(self.channels, rng, ticket=self.ticket, agent=actor,
                                lang=self.lang)
        self._mark()
        if actor is not None and channel == Channel.PHONE:
            self._assign(actor, actor)  # whoever took the call keeps the ticket
        elif channel == Channel.CHAT:
            self._chat()

    def _chat(self) -> None:
        """Some visitors give up waiting (their message stays); agents answer the others."""
        rng, clock, ticket = self.rng, self.clock, self.ticket
        assert ticket is not None
        if rng.random() < 0.1:
            clock.t = min(clock.now, clock.t + timedelta(seconds=rng.randint(120, 300)))
            channel_history.chat_abandon(self.channels, ticket=ticket, at=clock.t)
            self._mark()
            return
        clock.t = min(clock.now, clock.t + timedelta(seconds=rng.randint(5, 150)))
        agent = self._pick(self.cast.tier1[self.plan.team])
        channel_history.chat_accept(self.channels, ticket=ticket, agent=agent, at=clock.t)
        self._assign(agent, agent)
        clock.t = min(clock.now, clock.t + timedelta(seconds=rng.randint(20, 90)))
        self._agent_reply(agent, self._agent_text(phrases.ACKNOWLEDGE, agent))
        clock.t = min(clock.now, clock.t + timedelta(seconds=rng.randint(30, 240)))
        self._customer_reply(phrases.CUSTOMER_INFO)
        clock.t = min(clock.now, clock.t + timedelta(seconds=rng.randint(60, 600)))
        channel_history.chat_end(self.channels, ticket=ticket, at=clock.t)
        self._mark()

    def _work(self) -> None:
        rng, clock, team = self.rng, self.clock, self.plan.team
        technical = self.plan.content.technical
        if self.assignee is None:
            if not clock.agent_step(3, 150):
                return
            chosen = self._pick(self.cast.tier1[team])
            # Routing assigns most tickets; the coordinator, the lead or the agent the rest.
            assigner = rng.choice([None, None, None, self.cast.coordinator,
                                   self.cast.leads[team], chosen])
            self._assign(chosen, assigner)
        agent = self.assignee
        assert agent is not None
        if not clock.agent_step(10, 300):
            return
        roll = rng.random()
        if roll < 0.25 and not (technical and rng.random() < 0.5):
            self._solve(agent)  # first contact resolution
            self._after_solve()
            return
        if roll < 0.6:
            self._agent_reply(agent, self._agent_text(phrases.ASK_INFO, agent), Status.PENDING)
            if not clock.customer_step(30, 2 * 24 * 60):
                return
            self._customer_reply(phrases.CUSTOMER_INFO)
        else:
            self._agent_reply(agent, self._agent_text(phrases.ACKNOWLEDGE, agent))
        if rng.random() < 0.3:
            if not clock.agent_step(5, 120):
                return
            assert self.ticket is not None
            ticket_note(ticket=self.ticket, actor=agent, body=rng.choice(phrases.NOTES))
            self._mark()
        if not self._side_quests():
            return
        if rng.random() < (0.4 if technical else 0.08):
            if not self._escalate():
                return
        elif rng.random() < 0.15:
            if not clock.customer_step(60, 3 * 24 * 60):
                return
            self._customer_reply(phrases.CUSTOMER_CHASE)
        if not clock.agent_step(20, 24 * 60):
            return
        assert self.assignee is not None
        assert self.ticket is not None  # some callers are rung back, then it is solved
        channel_history.maybe_call_back(self.channels, rng, ticket=self.ticket,
                                        agent=self.assignee, lang=self.lang, at=clock.t)
        self._solve(self.assignee)
        self._after_solve()

    def _side_quests(self) -> bool:
        """Reassignment, priority change, a collaborator from billing or sales."""
        rng, clock, team = self.rng, self.clock, self.plan.team
        assert self.ticket is not None
        assert self.assignee is not None
        if rng.random() < 0.08:
            if not clock.agent_step(30, 8 * 60):
                return False
            others = [a for a in self.cast.tier1[team] if a != self.assignee]
            lead = self.cast.leads[team]
            ticket_note(ticket=self.ticket, actor=lead,
                        body=f"Reassigning: {self.assignee.name} is off until Monday.")
            self._mark()
            self._assign(rng.choice(others), lead)
        if rng.random() < 0.06 and self.ticket.priority < Priority.URGENT:
            if not clock.agent_step(5, 60):
                return False
            ticket_update(ticket=self.ticket, actor=self.assignee, expected_version=None,
                          priority=self.ticket.priority + 1)
            self._mark()
        money = self.plan.content.name in ("Billing & invoices", "Refunds", "Payouts")
        department = "billing" if money and rng.random() < 0.15 else (
            "sales" if rng.random() < 0.03 else "")
        if department:
            if not clock.agent_step(10, 240):
                return False
            collaborator = self.cast.collaborators[department]
            ticket_invite(ticket=self.ticket, actor=self.assignee, collaborator=collaborator)
            self._mark()
            if not clock.agent_step(30, 8 * 60):
                return False
            ticket_note(ticket=self.ticket, actor=collaborator,
                        body=rng.choice(phrases.COLLABORATOR_NOTES[department]))
            self._mark()
        return True

    def _escalate(self) -> bool:
        rng, clock, team = self.rng, self.clock, self.plan.team
        assert self.ticket is not None
        assert self.assignee is not None
        if not clock.agent_step(15, 6 * 60):
            return False
        tier1_agent = self.assignee
        if rng.random() < 0.5:
            self._agent_reply(tier1_agent, self._agent_text(phrases.ESCALATED_UPDATE,
                                                            tier1_agent))
        ticket_escalate(ticket=self.ticket, actor=tier1_agent, to_tier=Tier.TIER2,
                        handoff_note=self.say(rng.choice(phrases.HANDOFF_NOTES)),
                        reason=rng.choice(phrases.ESCALATION_REASONS))
        self.assignee = None
        self._mark()
        if not clock.agent_step(10, 4 * 60):
            return False
        specialist = self._pick(self.cast.tier2[team])
        self._assign(specialist, rng.choice([self.cast.leads[team], specialist]))
        finding = rng.choice(self.plan.content.findings)
        if not clock.agent_step(20, 6 * 60):
            return False
        ticket_note(ticket=self.ticket, actor=specialist, body=finding)
        self._mark()
        if self.plan.content.technical and rng.random() < 0.3:
            if not clock.agent_step(30, 8 * 60):
                return False
            ticket_escalate(ticket=self.ticket, actor=specialist, to_tier=Tier.ENGINEERING,
                            handoff_note=self.say(rng.choice(phrases.ENGINEERING_HANDOFF),
                                                  finding=finding),
                            reason=phrases.ESCALATION_REASONS[2])
            self.assignee = None
            self._mark()
            if not clock.agent_step(30, 8 * 60):
                return False
            engineer = rng.choice(self.cast.engineers[team])
            self._assign(engineer, self.cast.leads[team])
            if not clock.agent_step(60, 2 * 24 * 60):
                return False
            ticket_note(ticket=self.ticket, actor=engineer, body=rng.choice(phrases.ENGINEER_NOTES))
            self._mark()
            if rng.random() < 0.3:
                if not clock.agent_step(10, 120):
                    return False
                ticket_deescalate(ticket=self.ticket, actor=engineer, to_tier=Tier.TIER2,
                                  note=rng.choice(phrases.DEESCALATION_NOTES))
                self.assignee = None
                self._mark()
                if not clock.agent_step(10, 240):
                    return False
                self._assign(specialist, specialist)
        return True

    def _after_solve(self) -> None:
        """A few customers come back (a reopen); old solved tickets get closed."""
        rng, clock = self.rng, self.clock
        if rng.random() < 0.05:
            if not clock.customer_step(24 * 60, 5 * 24 * 60):
                return
            self._customer_reply(phrases.CUSTOMER_REOPEN)
            if not clock.agent_step(30, 24 * 60):
                return
            assert self.assignee is not None
            self._solve(self.assignee)
        if rng.random() < 0.7:
            clock.t += timedelta(days=4)
            if clock.t > clock.now:
                return
            assert self.ticket is not None
            ticket_update(ticket=self.ticket, actor=None, expected_version=None,
                          status=Status.CLOSED)
            self._mark()
