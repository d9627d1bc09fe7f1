"""Permission matrix of the contact, organization, team, me and token endpoints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from latido.accounts.services import api_token_create
from latido.api.tests.conftest import ACTORS, Api, assert_matrix_case, fingerprint


def statuses(anonymous: int = 401, customer_a: int = 200, customer_b: int = 200,
             other_agent: int = 200, tier1: int = 200, lead: int = 200,
             collaborator: int = 200, admin: int = 200) -> dict[str, int]:
    return {"anonymous": anonymous, "customer_a": customer_a, "customer_b": customer_b,
            "other_agent": other_agent, "tier1": tier1, "lead": lead,
            "collaborator": collaborator, "admin": admin}


@dataclass
class Case:
    route: tuple[str, str]  # the OpenAPI operation this case exercises
    request: Callable[[Any, Api, Any], Any]
    expected: dict[str, int]
    writes: bool = False
    prepare: Callable[[Any], Any] | None = None


def managers_token(world: Any) -> int:
    token, _raw = api_token_create(user=world.manager, name="manager's laptop")
    return token.pk


def phone_of_ana(world: Any) -> int:
    from latido.customers.services import contact_add_identity

    return contact_add_identity(contact=world.contact_a, kind="phone", value="+34 600 1").pk


def duplicate_of_ana(world: Any) -> int:
    from latido.customers.services import contact_create

    return contact_create(name="Ana (dup)", emails=["ana.dup@acme.test"]).pk


# Contact endpoints of the tickets layer: only agents who see one of the contact's tickets.
AGENTS_WHO_SEE_ANA = {"customer_a": 404, "customer_b": 404, "other_agent": 404,
                      "collaborator": 404}
AGENTS_WHO_MAY_EDIT_ANA = {"customer_a": 403, "customer_b": 403, "other_agent": 404,
                           "collaborator": 403}

CASES: dict[str, Case] = {
    "resolve a contact": Case(
        ("get", "/contacts/resolve"),
        lambda w, api, x: api.get("/contacts/resolve?kind=email&value=ana%40acme.test"),
        statuses(**AGENTS_WHO_SEE_ANA)),
    "contact identities": Case(
        ("get", "/contacts/{contact_id}/identities"),
        lambda w, api, x: api.get(f"/contacts/{w.contact_a.pk}/identities"),
        statuses(**AGENTS_WHO_SEE_ANA)),
    "contact history": Case(
        ("get", "/contacts/{contact_id}/history"),
        lambda w, api, x: api.get(f"/contacts/{w.contact_a.pk}/history"),
        statuses(**AGENTS_WHO_SEE_ANA)),
    "add an identity": Case(
        ("post", "/contacts/{contact_id}/identities"),
        lambda w, api, x: api.post(f"/contacts/{w.contact_a.pk}/identities",
                                   {"kind": "phone", "value": "+34 600 2"}),
        statuses(**AGENTS_WHO_MAY_EDIT_ANA, tier1=201, lead=201, admin=201), writes=True),
    "remove an identity": Case(
        ("delete", "/contacts/{contact_id}/identities/{identity_id}"),
        lambda w, api, x: api.delete(f"/contacts/{w.contact_a.pk}/identities/{x}"),
        statuses(**AGENTS_WHO_MAY_EDIT_ANA), writes=True, prepare=phone_of_ana),
    "merge contacts": Case(
        ("post", "/contacts/{contact_id}/merge"),
        lambda w, api, x: api.post(f"/contacts/{w.contact_a.pk}/merge", {"source_id": x}),
        statuses(**AGENTS_WHO_MAY_EDIT_ANA), writes=True, prepare=duplicate_of_ana),
    "list contacts": Case(("get", "/contacts"), lambda w, api, x: api.get("/contacts"),
                          statuses()),
    "get contact": Case(
        ("get", "/contacts/{contact_id}"),
        lambda w, api, x: api.get(f"/contacts/{w.contact_a.pk}"),
        statuses(customer_b=404, collaborator=404)),
    "create contact": Case(
        ("post", "/contacts"),
        lambda w, api, x: api.post("/contacts", {
            "name": "Nina New", "emails": ["nina@acme.test"], "organization_id": w.org_a.pk}),
        statuses(customer_a=403, customer_b=403, collaborator=403, other_agent=201,
                 tier1=201, lead=201, admin=201),
        writes=True),
    "list organizations": Case(
        ("get", "/organizations"), lambda w, api, x: api.get("/organizations"), statuses()),
    "get organization": Case(
        ("get", "/organizations/{organization_id}"),
        lambda w, api, x: api.get(f"/organizations/{w.org_a.pk}"),
        statuses(customer_b=404, collaborator=404)),
    "list teams": Case(
        ("get", "/teams"), lambda w, api, x: api.get("/teams"),
        statuses(customer_a=403, customer_b=403, collaborator=403)),
    "me": Case(("get", "/me"), lambda w, api, x: api.get("/me"), statuses()),
    "list tokens": Case(("get", "/me/tokens"), lambda w, api, x: api.get("/me/tokens"),
                        statuses()),
    "create token": Case(
        ("post", "/me/tokens"), lambda w, api, x: api.post("/me/tokens", {"name": "ci"}),
        statuses(customer_a=201, customer_b=201, other_agent=201, tier1=201, lead=201,
                 collaborator=201, admin=201),
        writes=True),
    "revoke someone else's token": Case(
        ("delete", "/me/tokens/{token_id}"), lambda w, api, x: api.delete(f"/me/tokens/{x}"),
        statuses(customer_a=404, customer_b=404, other_agent=404, tier1=404, lead=404,
                 collaborator=404, admin=404),
        prepare=managers_token),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_people_endpoint_permissions(world, apis, endpoint, actor):
    case = CASES[endpoint]
    extra = case.prepare(world) if case.prepare else None
    before = fingerprint()

    response = case.request(world, apis[actor], extra)

    assert_matrix_case(response, expected=case.expected[actor], writes=case.writes, before=before)


@pytest.mark.parametrize(("actor", "expected"), [
    ("customer_a", ["Ana Acme"]), ("customer_b", ["Bob Globex"]), ("collaborator", []),
    ("other_agent", ["Alan Acme", "Ana Acme", "Bob Globex"]),
    ("admin", ["Alan Acme", "Ana Acme", "Bob Globex"]),
])
def test_contacts_list_shows_only_visible_records(world, apis, actor, expected):
    response = apis[actor].get("/contacts")

    assert response.status_code == 200
    assert [c["name"] for c in response.json()["items"]] == expected


@pytest.mark.parametrize(("actor", "expected"), [
    ("customer_a", ["Acme"]), ("customer_b", ["Globex"]), ("collaborator", []),
    ("tier1", ["Acme", "Globex"]),
])
def test_organizations_list_shows_only_visible_ones(world, apis, actor, expected):
    response = apis[actor].get("/organizations")

    assert response.status_code == 200
    assert [o["name"] for o in response.json()["items"]] == expected


@pytest.mark.parametrize(("actor", "expected"), [
    ("other_agent", ["Devices"]), ("tier1", ["Payments"]), ("lead", ["Payments"]),
    ("admin", ["Devices", "Payments"]),
])
def test_teams_list_shows_the_actors_teams(world, apis, actor, expected):
    response = apis[actor].get("/teams")

    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == expected


def test_me_describes_the_caller(world, apis):
    body = apis["lead"].get("/me").json()

    assert body["email"] == "lead@latido.test"
    assert body["role"] == "lead"
    assert body["team_ids"] == [world.team.pk]
    assert "ticket.see_led_teams" in body["permissions"]
