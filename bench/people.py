"""The department the generated tickets belong to: teams with queues, agents, customers.

Teams come from `team_create` (which makes their three queues) and members join through
`team_add_member`; the thousands of users and contacts are bulk inserted with one shared
password hash, since hashing each password would take longer than loading the tickets.
Running the generator again reuses the people it made before.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from bench.simulate import Cast, TeamCast
from latido.accounts.models import Team, User
from latido.accounts.roles import Role
from latido.accounts.services import team_add_manager, team_add_member, team_create
from latido.customers.models import Contact, ContactIdentity, Organization
from latido.tickets.models import Category

BENCH_AGENT_EMAIL = "bench-agent@staff.bench.test"
BENCH_PASSWORD = "bench-password-2024"
STAFF_DOMAIN = "staff.bench.test"
TEAMS = (  # name, kind, share of the tickets
    ("Payments", "product", 30), ("Accounts & Billing", "product", 20),
    ("Mobile App", "product", 15), ("Devices", "product", 10), ("Shipping", "product", 8),
    ("Madrid Office", "location", 7), ("Warsaw Office", "location", 5),
    ("Enterprise", "product", 5),
)
TEAM_SHAPE = ((Role.TIER1, 10), (Role.TIER2, 4), (Role.ENGINEER, 2))
CATEGORIES = (
    ("Billing", False), ("Refunds", False), ("Sign-in", True), ("Bug report", True),
    ("Shipping", False), ("Hardware fault", True), ("How-to", False), ("Account changes", False),
    ("Integrations", True), ("Performance", True), ("Contract", False), ("Feedback", False),
)
FIRST = ("Ana", "Bruno", "Carla", "Diego", "Ewa", "Felix", "Grace", "Hugo", "Irene", "Jan",
         "Kasia", "Luis", "Marta", "Nico", "Olga", "Pablo", "Rosa", "Tomasz", "Uma", "Zofia")
LAST = ("García", "Nowak", "Smith", "Kowalska", "López", "Müller", "Rossi", "Dubois",
        "Wiśniewski", "Fernández", "Brown", "Silva")


def _name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def _staff_user(email: str, role: str, name: str, password_hash: str) -> User:
    return User(email=email, username=email, display_name=name, role=role,
                password=password_hash)


@transaction.atomic
def ensure_people(*, contacts: int) -> None:
    """Create the teams, agents, categories and `contacts` customers unless they exist."""
    if User.objects.filter(email=BENCH_AGENT_EMAIL).exists():
        return
    password_hash = make_password(BENCH_PASSWORD)
    for name, is_technical in CATEGORIES:
        Category.objects.get_or_create(name=name, defaults={"is_technical": is_technical})
    staff: list[User] = []
    managers = [_staff_user(f"manager{k}@{STAFF_DOMAIN}", Role.MANAGER, _name(100 + k),
                            password_hash) for k in range(2)]
    staff += managers
    staff.append(_staff_user(f"coordinator@{STAFF_DOMAIN}", Role.COORDINATOR, _name(110),
                             password_hash))
    staff.append(_staff_user(f"admin@{STAFF_DOMAIN}", Role.ADMIN, _name(111), password_hash))
    for k, dept in enumerate(("billing", "sales")):
        staff.append(_staff_user(f"{dept}@{STAFF_DOMAIN}", Role.COLLABORATOR, _name(120 + k),
                                 password_hash))
    per_team: list[tuple[str, str, list[User]]] = []
    serial = 0
    for name, kind, _share in TEAMS:
        slug = _slug(name)
        members: list[User] = []
        for role, count in ((Role.LEAD, 1), *TEAM_SHAPE):
            for k in range(count):
                serial += 1
                email = (BENCH_AGENT_EMAIL if not per_team and role == Role.TIER1 and k == 0
                         else f"{role}{k}.{slug}@{STAFF_DOMAIN}")
                members.append(_staff_user(email, role, _name(serial), password_hash))
        per_team.append((name, kind, members))
        staff += members
    User.objects.bulk_create(staff)
    for index, (name, kind, members) in enumerate(per_team):
        team = Team.objects.filter(name=name).first() or team_create(
            name=name, kind=kind, lead=members[0], is_default=index == 0)
        for member in members:
            team_add_member(team=team, user=member)
        team_add_manager(team=team, user=managers[index % len(managers)])
    _customers(contacts, password_hash)


def _customers(count: int, password_hash: str) -> None:
    orgs = [Organization(name=f"{LAST[j % len(LAST)]} & Co {j}", domain=f"org{j}.bench.test",
                         shares_tickets=j % 4 == 0) for j in range(max(1, count // 20))]
    Organization.objects.bulk_create(orgs, batch_size=2000)
    contacts: list[Contact] = []
    emails: list[str] = []
    users: list[User] = []
    for i in range(count):
        org = orgs[i % len(orgs)] if i % 7 else None  # one in seven writes as a private person
        email = f"customer{i}@{org.domain if org else 'mail.bench.test'}"
        user = None
        if i % 5 == 0:  # one in five has a portal account
            user = User(email=email, username=email, display_name=_name(i),
                        role=Role.CUSTOMER, password=password_hash)
            users.append(user)
        contacts.append(Contact(name=_name(i), organization=org, user=user))
        emails.append(email)
    User.objects.bulk_create(users, batch_size=2000)
    for contact in contacts:
        contact.user_id = contact.user.pk if contact.user else None
    Contact.objects.bulk_create(contacts, batch_size=2000)
    ContactIdentity.objects.bulk_create(
        [ContactIdentity(contact=c, kind=ContactIdentity.Kind.EMAIL, value=e)
         for c, e in zip(contacts, emails, strict=True)],
        batch_size=2000,
    )


def load_cast() -> Cast:
    """Read the bench department back as the plain data the simulator needs."""
    teams: list[TeamCast] = []
    weights: list[int] = []
    for name, _kind, share in TEAMS:
        team = Team.objects.select_related("lead").get(name=name)
        agents: dict[int, list[tuple[int, str]]] = {1: [], 2: [], 3: []}
        tier_of: dict[str, int] = {Role.TIER1: 1, Role.TIER2: 2, Role.ENGINEER: 3}
        for uid, role in team.members.order_by("id").values_list("id", "role"):
            if role in tier_of:
                agents[tier_of[role]].append((uid, role))
        assert team.lead is not None
        teams.append(TeamCast(
            id=team.pk, queues=dict(team.queues.values_list("tier", "id")), agents=agents,
            lead=(team.lead.pk, team.lead.role),
        ))
        weights.append(share)
    rows = list(
        Contact.objects.filter(identities__value__endswith=".bench.test")
        .order_by("id").values_list("id", "organization_id", "user_id")
    )
    return Cast(
        teams=teams, team_weights=weights,
        contacts=[(cid, org) for cid, org, _uid in rows],
        portal_contacts=[(cid, org, uid) for cid, org, uid in rows if uid is not None],
        categories=list(Category.objects.filter(name__in=[n for n, _ in CATEGORIES])
                        .order_by("id").values_list("id", flat=True)),
    )
