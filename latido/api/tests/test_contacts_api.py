"""Contacts and organizations through the API."""

from __future__ import annotations

from latido.api.tests.conftest import error_of, fingerprint
from latido.customers.services import contact_create


def test_an_agent_creates_a_contact_with_every_identity(world, apis):
    response = apis["tier1"].post("/contacts", {
        "name": "Zofia", "emails": ["Zofia@Example.pl"], "phones": ["+48 600-100-200"],
        "socials": [{"platform": "Twitter", "handle": "@Zofia"}],
        "organization_id": world.org_a.pk})

    assert response.status_code == 201
    body = response.json()
    assert body["emails"] == ["zofia@example.pl"]
    assert body["phones"] == ["+48600100200"]
    assert body["socials"] == [{"platform": "twitter", "handle": "zofia"}]
    assert body["organization"] == {"id": world.org_a.pk, "name": "Acme"}


def test_an_email_that_belongs_to_someone_else_is_refused(world, apis):
    before = fingerprint()

    response = apis["tier1"].post("/contacts", {"name": "Copy", "emails": ["ANA@acme.test"]})

    assert response.status_code == 400
    assert error_of(response)["code"] == "duplicate"
    assert fingerprint() == before


def test_an_unknown_organization_is_refused(world, apis):
    response = apis["tier1"].post("/contacts", {"name": "X", "organization_id": 999_999})

    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_organization"


def test_search_and_pages(world, apis):
    for i in range(4):
        contact_create(name=f"Globex person {i}", emails=[f"p{i}@globex.test"])
    api = apis["tier1"]

    by_email = api.get("/contacts?q=p2@globex").json()
    first = api.get("/contacts?q=globex&limit=3").json()
    second = api.get(f"/contacts?q=globex&limit=3&cursor={first['next_cursor']}").json()

    assert [c["name"] for c in by_email["items"]] == ["Globex person 2"]
    assert [c["name"] for c in first["items"] + second["items"]] == [
        "Bob Globex", "Globex person 0", "Globex person 1", "Globex person 2",
        "Globex person 3"]
    assert second["next_cursor"] is None


def test_organization_detail(world, apis):
    response = apis["customer_a"].get(f"/organizations/{world.org_a.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == "Acme"
    assert set(response.json()) == {"id", "name", "domain", "shares_tickets", "created_at"}
