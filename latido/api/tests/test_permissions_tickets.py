"""Permission matrix of every ticket and queue endpoint for the whole cast.

Denied requests must answer with the right status and a {code, message} body, and leave
the database exactly as it was; allowed writes must change it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from latido.accounts.roles import Tier
from latido.api.tests.conftest import ACTORS, Api, assert_matrix_case, fingerprint
from latido.channels.phone.models import Call
from latido.tickets.services import ticket_create, ticket_escalate


def statuses(anonymous: int = 401, customer_a: int = 404, customer_b: int = 404,
             other_agent: int = 404, tier1: int = 200, lead: int = 200,
             collaborator: int = 404, admin: int = 200) -> dict[str, int]:
    return {"anonymous": anonymous, "customer_a": customer_a, "customer_b": customer_b,
            "other_agent": other_agent, "tier1": tier1, "lead": lead,
            "collaborator": collaborator, "admin": admin}


READ = statuses(customer_a=200, collaborator=200)
AGENT_CHANGE = statuses(customer_a=403, collaborator=403)
AGENT_CREATE = statuses(customer_a=403, collaborator=403, tier1=201, lead=201, admin=201)


def second_ticket(world: Any) -> Any:
    return ticket_create(actor=world.customer_a, requester=world.contact_a, subject="Refund",
                         body="Please refund order 1002.", channel="portal", team=world.team)


def escalated(world: Any) -> None:
    ticket_escalate(ticket=world.ticket, actor=world.tier1, to_tier=Tier.TIER2,
                    handoff_note="Card charged twice; logs attached.", reason="billing bug")


def reported_call(world: Any) -> Any:
    return Call.objects.create(direction="inbound", number="+34600111222", state="ended",
                               started_at=timezone.now(), duration_seconds=60,
                               contact=world.contact_a)


@dataclass
class Case:
    route: tuple[str, str]  # the OpenAPI operation this case exercises
    request: Callable[[Any, Api, Any], Any]
    expected: dict[str, int]
    writes: bool = False
    prepare: Callable[[Any], Any] | None = None


def _ref(world: Any) -> str:
    return world.ticket.reference


CASES: dict[str, Case] = {
    "list tickets": Case(
        ("get", "/tickets"), lambda w, api, x: api.get("/tickets"),
        statuses(customer_a=200, customer_b=200, other_agent=200, collaborator=200)),
    "get ticket": Case(
        ("get", "/tickets/{ref}"), lambda w, api, x: api.get(f"/tickets/{_ref(w)}"), READ),
    "get ticket by id": Case(
        ("get", "/tickets/{ref}"), lambda w, api, x: api.get(f"/tickets/{w.ticket.pk}"), READ),
    "timeline": Case(
        ("get", "/tickets/{ref}/timeline"),
        lambda w, api, x: api.get(f"/tickets/{_ref(w)}/timeline"), READ),
    "create ticket": Case(
        ("post", "/tickets"),
        lambda w, api, x: api.post("/tickets", {
            "subject": "Invoice missing", "body": "Where is my invoice?",
            "requester_id": w.contact_a.pk}),
        statuses(customer_a=201, customer_b=404, other_agent=201, tier1=201, lead=201,
                 collaborator=403, admin=201),
        writes=True),
    "create own ticket": Case(
        ("post", "/tickets"),
        lambda w, api, x: api.post("/tickets", {"subject": "Hello", "body": "Help me"}),
        statuses(customer_a=201, customer_b=201, other_agent=400, tier1=400, lead=400,
                 collaborator=403, admin=400),
        writes=True),
    "update ticket": Case(
        ("patch", "/tickets/{ref}"),
        lambda w, api, x: api.patch(f"/tickets/{_ref(w)}", {
            "version": w.ticket.version, "priority": 4, "status": "pending"}),
        AGENT_CHANGE, writes=True),
    "reply": Case(
        ("post", "/tickets/{ref}/reply"),
        lambda w, api, x: api.post(f"/tickets/{_ref(w)}/reply", {"body": "Any news?"}),
        statuses(customer_a=201, collaborator=403, tier1=201, lead=201, admin=201),
        writes=True),
    "note": Case(
        ("post", "/tickets/{ref}/notes"),
        lambda w, api, x: api.post(f"/tickets/{_ref(w)}/notes", {"body": "Checked logs."}),
        statuses(customer_a=403, collaborator=201, tier1=201, lead=201, admin=201),
        writes=True),
    "assign": Case(
        ("post", "/tickets/{ref}/assign"),
        lambda w, api, x: api.post(f"/tickets/{_ref(w)}/assign", {"assignee_id": w.tier1.pk}),
        AGENT_CHANGE, writes=True),
    "escalate": Case(
        ("post", "/tickets/{ref}/escalate"),
        lambda w, api, x: api.post(f"/tickets/{_ref(w)}/escalate", {
            "to_tier": 2, "handoff_note": "Refund needs Tier 2 access.", "reason": "access"}),
        AGENT_CHANGE, writes=True),
    "deescalate": Case(
        ("post", "/tickets/{ref}/deescalate"),
        lambda w, api, x: api.post(f"/tickets/{_ref(w)}/deescalate", {
            "to_tier": 1, "note": "Refund issued; confirm with the customer."}),
        AGENT_CHANGE, writes=True, prepare=escalated),
    "link": Case(
        ("post", "/tickets/{ref}/links"),
        lambda w, api, x: api.post(f"/tickets/{_ref(w)}/links", {"other": x.reference}),
        AGENT_CREATE, writes=True, prepare=second_ticket),
    "merge": Case(
        ("post", "/tickets/{ref}/merge"),
        lambda w, api, x: api.post(f"/tickets/{_ref(w)}/merge", {"into": x.reference}),
        AGENT_CHANGE, writes=True, prepare=second_ticket),
    "list queues": Case(
        ("get", "/queues"), lambda w, api, x: api.get("/queues"),
        statuses(customer_a=403, customer_b=403, other_agent=200, collaborator=403)),
    "queue tickets": Case(
        ("get", "/queues/{queue_id}/tickets"),
        lambda w, api, x: api.get(f"/queues/{w.ticket.queue_id}/tickets"), statuses()),
    "log call": Case(
        ("post", "/channels/phone/calls"),
        lambda w, api, x: api.post("/channels/phone/calls", {
            "ticket_id": w.ticket.pk, "number": "+34 600 111 222", "duration_seconds": 90,
            "notes": "Called about the refund."}),
        statuses(customer_a=403, collaborator=403, tier1=201, lead=201, admin=201),
        writes=True),
    "link reported call": Case(
        ("post", "/channels/phone/calls/{call_id}/link"),
        lambda w, api, x: api.post(f"/channels/phone/calls/{x.pk}/link", {
            "ticket_id": w.ticket.pk, "outcome": "resolved"}),
        statuses(), writes=True, prepare=reported_call),
    "ticket calls": Case(
        ("get", "/channels/phone/tickets/{ticket_id}/calls"),
        lambda w, api, x: api.get(f"/channels/phone/tickets/{w.ticket.pk}/calls"),
        statuses(collaborator=200)),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_ticket_endpoint_permissions(world, apis, endpoint, actor):
    case = CASES[endpoint]
    extra = case.prepare(world) if case.prepare else None
    world.ticket.refresh_from_db()
    before = fingerprint()

    response = case.request(world, apis[actor], extra)

    assert_matrix_case(response, expected=case.expected[actor], writes=case.writes, before=before)


@pytest.mark.parametrize(("actor", "expected"), [
    ("customer_a", ["ticket"]), ("customer_b", ["ticket_b"]),
    ("other_agent", ["ticket_b"]), ("tier1", ["ticket"]), ("lead", ["ticket"]),
    ("collaborator", ["ticket"]), ("admin", ["ticket_b", "ticket"]),
])
def test_each_actor_lists_exactly_the_tickets_they_may_see(world, apis, actor, expected):
    response = apis[actor].get("/tickets")

    assert response.status_code == 200
    assert [t["id"] for t in response.json()["items"]] == [
        getattr(world, name).pk for name in expected]


@pytest.mark.parametrize(("actor", "teams"), [
    ("other_agent", ["other_team"]), ("tier1", ["team"]), ("lead", ["team"]),
    ("admin", ["other_team", "team"]),
])
def test_queues_are_those_of_the_actors_teams(world, apis, actor, teams):
    response = apis[actor].get("/queues")

    assert response.status_code == 200
    team_ids = [getattr(world, name).pk for name in teams]
    assert sorted({q["team"]["id"] for q in response.json()}) == sorted(team_ids)
    assert len(response.json()) == 3 * len(teams)
