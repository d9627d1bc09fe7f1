"""Shared fixtures: the permission-matrix cast and a ticket they argue about."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from latido.accounts.models import Team, User
from latido.accounts.roles import Role
from latido.accounts.services import team_add_manager, team_add_member, team_create, user_create
from latido.customers.models import Contact, Organization
from latido.customers.services import contact_create, organization_create
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_create, ticket_invite, ticket_note, ticket_reply

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    team: Team
    other_team: Team
    org_a: Organization
    org_b: Organization
    customer_a: User
    customer_a2: User  # same organization as A
    customer_b: User
    contact_a: Contact
    contact_b: Contact
    tier1: User
    tier2: User
    engineer: User
    lead: User
    manager: User
    other_agent: User  # Tier 1 agent of another team
    collaborator: User  # invited to `ticket`
    outsider_collaborator: User  # not invited anywhere
    coordinator: User
    admin: User
    ticket: Ticket  # customer A's ticket in `team`, with a reply and an internal note
    ticket_b: Ticket  # customer B's ticket in `other_team`

    def actors(self) -> dict[str, User | None]:
        return {
            "anonymous": None, "customer_a": self.customer_a, "customer_b": self.customer_b,
            "other_agent": self.other_agent, "tier1": self.tier1, "lead": self.lead,
            "collaborator": self.collaborator, "admin": self.admin,
        }


def make_user(email: str, role: str, name: str = "") -> User:
    return user_create(email=email, password=PASSWORD, role=role, name=name or email)


@pytest.fixture
def world(db) -> World:
    lead = make_user("lead@latido.test", Role.LEAD, "Lena Lead")
    team = team_create(name="Payments", lead=lead, is_default=True)
    other_team = team_create(name="Devices")
    tier1 = make_user("tier1@latido.test", Role.TIER1, "Tomás Tier1")
    tier2 = make_user("tier2@latido.test", Role.TIER2, "Teresa Tier2")
    engineer = make_user("eng@latido.test", Role.ENGINEER, "Edu Engineer")
    manager = make_user("manager@latido.test", Role.MANAGER, "Marta Manager")
    other_agent = make_user("other@latido.test", Role.TIER1, "Olga Other")
    for user in (tier1, tier2, engineer):
        team_add_member(team=team, user=user)
    team_add_member(team=other_team, user=other_agent)
    team_add_manager(team=team, user=manager)
    team_add_manager(team=other_team, user=manager)
    collaborator = make_user("billing@latido.test", Role.COLLABORATOR, "Bea Billing")
    outsider = make_user("sales@latido.test", Role.COLLABORATOR, "Sam Sales")
    coordinator = make_user("coord@latido.test", Role.COORDINATOR, "Coco Coordinator")
    admin = make_user("admin@latido.test", Role.ADMIN, "Ada Admin")
    org_a = organization_create(name="Acme", domain="acme.test")
    org_b = organization_create(name="Globex", domain="globex.test")
    customer_a = make_user("ana@acme.test", Role.CUSTOMER, "Ana Acme")
    customer_a2 = make_user("alan@acme.test", Role.CUSTOMER, "Alan Acme")
    customer_b = make_user("bob@globex.test", Role.CUSTOMER, "Bob Globex")
    contact_a = contact_create(name="Ana Acme", emails=[customer_a.email], organization=org_a,
                               user=customer_a)
    contact_create(name="Alan Acme", emails=[customer_a2.email], organization=org_a,
                   user=customer_a2)
    contact_b = contact_create(name="Bob Globex", emails=[customer_b.email], organization=org_b,
                               user=customer_b)
    ticket = ticket_create(actor=customer_a, requester=contact_a, subject="Charged twice",
                           body="My card was charged twice for order 1001.", channel="portal",
                           team=team)
    ticket_reply(ticket=ticket, actor=tier1, body="We are looking into it.")
    ticket_note(ticket=ticket, actor=tier1, body="SECRET-NOTE: promo applied wrongly")
    ticket_invite(ticket=ticket, actor=tier1, collaborator=collaborator)
    ticket_b = ticket_create(actor=customer_b, requester=contact_b, subject="Broken phone",
                             body="The screen flickers.", channel="portal", team=other_team)
    ticket.refresh_from_db()
    return World(
        team=team, other_team=other_team, org_a=org_a, org_b=org_b, customer_a=customer_a,
        customer_a2=customer_a2, customer_b=customer_b, contact_a=contact_a,
        contact_b=contact_b, tier1=tier1, tier2=tier2, engineer=engineer, lead=lead,
        manager=manager, other_agent=other_agent, collaborator=collaborator,
        outsider_collaborator=outsider, coordinator=coordinator, admin=admin, ticket=ticket,
        ticket_b=ticket_b,
    )
