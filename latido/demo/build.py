"""Load the demo department: people, merchants and months of tickets, all through services."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.accounts.models import Team, User
from latido.accounts.roles import Role
from latido.accounts.services import team_add_manager, team_add_member, team_create, user_create
from latido.core import pipeline
from latido.core.errors import ValidationError
from latido.customers.models import Contact, Organization
from latido.customers.services import contact_create, organization_create
from latido.demo.backdate import History
from latido.demo.channel_history import demo_channels
from latido.demo.content_devices import DEVICES
from latido.demo.content_payments import PAYMENTS
from latido.demo.content_types import CategoryContent
from latido.demo.people import STAFF, TEAMS, plan_customers, plan_organizations
from latido.demo.site import build_demo_channels
from latido.demo.stories import Cast, Customer, Story, TicketPlan
from latido.tickets.models import Category, Ticket

DEMO_PASSWORD = "latido-demo"
MARKER_EMAIL = next(m.email for m in STAFF if m.role == Role.ADMIN)
CONTENT = {"payments": PAYMENTS, "devices": DEVICES}
SIGN_IN_ROLES = [Role.CUSTOMER, Role.TIER1, Role.TIER2, Role.ENGINEER, Role.LEAD, Role.MANAGER,
                 Role.COORDINATOR, Role.ADMIN, Role.COLLABORATOR]
STORIES_PER_BATCH = 200


@dataclass
class DemoResult:
    created: bool
    tickets: int = 0
    customers: int = 0
    organizations: int = 0
    staff: int = 0
    seconds: float = 0.0
    sign_ins: list[tuple[str, str]] = field(default_factory=list)


def demo_is_loaded() -> bool:
    return User.objects.filter(email=MARKER_EMAIL).exists()


def sign_ins() -> list[tuple[str, str]]:
    """(role label, email) of one demo account per role, in the order of SIGN_IN_ROLES."""
    rows = []
    for role in SIGN_IN_ROLES:
        user = (User.objects.filter(role=role, email__endswith=".example")
                .exclude(password__startswith="!").order_by("id").first())
        if user is not None:
            rows.append((str(role.label), user.email))
    return rows


def _build_cast(password: str) -> Cast:
    users: dict[str, User] = {}
    with_password: set[str] = set()
    for member in STAFF:
        # The first person of each role is that role's sign-in; the others cannot sign in
        # (hashing a password costs a third of a second, on purpose).
        signs_in = member.role not in with_password
        with_password.add(member.role)
        users[member.email] = user_create(
            email=member.email, password=password if signs_in else None, role=member.role,
            name=member.name, language=member.language,
            is_superuser=member.role == Role.ADMIN,  # may open the configuration site too
        )
    teams = {}
    for slug, name in TEAMS.items():
        lead = next(users[m.email] for m in STAFF if m.team == slug and m.role == Role.LEAD)
        teams[slug] = team_create(name=name, lead=lead, is_default=slug == "payments")
    by_role: dict[tuple[str, str], list[User]] = {}
    for member in STAFF:
        user = users[member.email]
        if member.team is not None:
            if member.role != Role.LEAD:
                team_add_member(team=teams[member.team], user=user)
            by_role.setdefault((member.team, member.role), []).append(user)
        elif member.role == Role.MANAGER:
            for team in teams.values():
                team_add_manager(team=team, user=user)
    first = {m.role: users[m.email] for m in reversed(STAFF)}
    return Cast(
        teams=teams,
        tier1={s: by_role[(s, Role.TIER1)] for s in TEAMS},
        tier2={s: by_role[(s, Role.TIER2)] for s in TEAMS},
        engineers={s: by_role[(s, Role.ENGINEER)] for s in TEAMS},
        leads={s: by_role[(s, Role.LEAD)][0] for s in TEAMS},
        coordinator=first[Role.COORDINATOR],
        collaborators={m.department: users[m.email] for m in STAFF if m.department},
        languages={users[m.email].pk: m.language for m in STAFF},
    )


def _build_customers(rng: random.Random, *, customers: int, organizations: int,
                     password: str) -> list[Customer]:
    org_plans = plan_organizations(rng, organizations)
    orgs = [organization_create(name=o.name, domain=o.domain, shares_tickets=o.shares_tickets)
            for o in org_plans]
    people = []
    signed_in = False
    for n, plan in enumerate(plan_customers(rng, org_plans, customers)):
        org = orgs[plan.org_index]
        user = None
        if plan.has_portal_account:
            # One customer of an organization that shares tickets can sign in.
            can_sign_in = not signed_in and org.shares_tickets
            user = user_create(email=plan.email, password=password if can_sign_in else None,
                               role=Role.CUSTOMER, name=plan.name, language=plan.language)
            signed_in = signed_in or can_sign_in
        contact = contact_create(name=plan.name, emails=[plan.email], phones=[plan.phone],
                                 organization=org, user=user)
        people.append(Customer(contact=contact, user=user, language=plan.language,
                               first_name=plan.name.split()[0], vip=plan.org_index % 10 == 0))
        if n % 7 == 0:
            # Some regulars write more than others.
            people.append(people[-1])
    return people


def _build_categories(teams: dict[str, Team]) -> dict[str, Category]:
    categories = {}
    for slug, contents in CONTENT.items():
        for content in contents:
            # Categories are configuration without a service of their own yet.
            categories[content.name], _created = Category.objects.get_or_create(
                name=content.name,
                defaults={"is_technical": content.technical, "default_team": teams[slug]},
            )
    return categories


def _creation_times(rng: random.Random, *, count: int, days: int,
                    now: datetime) -> list[datetime]:
    """More tickets on weekdays and in working hours, slowly growing towards today."""
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    weights = []
    for d in range(days + 1):
        day = start + timedelta(days=d)
        weekday = 1.0 if day.weekday() < 5 else 0.35
        weights.append(weekday * (0.8 + 0.4 * d / days))
    times: list[datetime] = []
    while len(times) < count:
        day = start + timedelta(days=rng.choices(range(days + 1), weights=weights)[0])
        hour = rng.uniform(8, 18) if rng.random() < 0.75 else rng.uniform(6, 23.9)
        moment = day + timedelta(hours=hour)
        if now - timedelta(days=days) <= moment < now:
            times.append(moment)
    return sorted(times)


def _plan_tickets(rng: random.Random, *, count: int, days: int, now: datetime,
                  people: list[Customer], categories: dict[str, Category]) -> list[TicketPlan]:
    plans = []
    for created_at in _creation_times(rng, count=count, days=days, now=now):
        team = "payments" if rng.random() < 0.55 else "devices"
        contents: list[CategoryContent] = CONTENT[team]
        content = rng.choices(contents, weights=[3, 2, 4, 2, 2, 2][: len(contents)])[0]
        plans.append(TicketPlan(created_at=created_at, customer=rng.choice(people), team=team,
                                category=categories[content.name], content=content))
    return plans


def _backdate_people(rng: random.Random, *, days: int, now: datetime) -> None:
    """DEMO ONLY: the merchants and staff existed before the tickets' history begins."""
    since = now - timedelta(days=days + 30)
    orgs = list(Organization.objects.all())
    for org in orgs:
        org.created_at = since - timedelta(days=rng.randint(0, 700))
    Organization.objects.bulk_update(orgs, ["created_at"])
    contacts = list(Contact.objects.all())
    for contact in contacts:
        contact.created_at = since - timedelta(days=rng.randint(0, 365))
    Contact.objects.bulk_update(contacts, ["created_at"])
    User.objects.filter(date_joined__gt=since).update(date_joined=since)


def build_demo(
    *, tickets: int = 3000, customers: int = 200, organizations: int = 40, days: int = 90,
    seed: int = 42, password: str = DEMO_PASSWORD, now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Load the demo once, all or nothing; a second run finds it and changes nothing."""
    if demo_is_loaded():
        return DemoResult(created=False, sign_ins=sign_ins())
    if Team.objects.exists() or Ticket.objects.exists():
        raise ValidationError(
            _("This database already holds teams or tickets; the demo only loads into an "
              "empty one."), code="not_empty")
    if customers < 1 or organizations < 1 or tickets < 0 or days < 1:
        raise ValidationError(_("The demo needs at least one customer, organization and day."))
    started = time.monotonic()
    rng = random.Random(seed)
    now = now or timezone.now()
    with transaction.atomic():
        cast = _build_cast(password)
        people = _build_customers(rng, customers=customers,
                                  organizations=min(organizations, customers),
                                  password=password)
        categories = _build_categories(cast.teams)
        widget, _form = build_demo_channels(team=cast.teams["payments"])
        channels = demo_channels(widget=widget, teams=cast.teams)
        plans = _plan_tickets(rng, count=tickets, days=days, now=now, people=people,
                              categories=categories)
        history = History()
        for start in range(0, len(plans), STORIES_PER_BATCH):
            batch = plans[start:start + STORIES_PER_BATCH]
            # One pipeline run per batch instead of one per change (see pipeline.batched).
            with pipeline.batched():
                for plan in batch:
                    Story(plan=plan, cast=cast, rng=rng, now=now, history=history,
                          channels=channels).tell()
            history.apply()
            if progress is not None:
                progress(start + len(batch), len(plans))
        _backdate_people(rng, days=days, now=now)
    return DemoResult(
        created=True, tickets=len(plans), customers=customers,
        organizations=min(organizations, customers), staff=len(STAFF),
        seconds=time.monotonic() - started, sign_ins=sign_ins(),
    )
