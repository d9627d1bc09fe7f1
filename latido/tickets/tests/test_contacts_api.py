"""Contact endpoints of the tickets layer: resolve, identities, merge, history."""

from __future__ import annotations

import pytest

from latido.api.tests.conftest import api_for, error_of, fingerprint
from latido.customers.models import Contact, ContactMerge
from latido.customers.services import contact_create
from latido.tickets.enums import EventType
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.services import ticket_create
from latido.tickets.services.common import add_event


@pytest.fixture
def api(world):
    return api_for(world.tier1)


def test_resolve_finds_the_contact_by_any_spelling(world, api):
    contact_create(name="Zofia", phones=["+48 600 100 200"], socials=[("twitter", "zofia")])

    by_phone = api.get("/contacts/resolve?kind=phone&value=0048%20600%20100%20200")
    by_handle = api.get("/contacts/resolve?kind=social&platform=Twitter&value=%40ZOFIA")
    by_email = api.get("/contacts/resolve?kind=email&value=ANA%40acme.test")

    assert by_phone.status_code == 200
    assert by_phone.json()["name"] == "Zofia"
    assert by_phone.json()["phones"] == ["+48600100200"]
    assert by_handle.json()["name"] == "Zofia"
    assert by_email.json()["id"] == world.contact_a.pk
    missing = api.get("/contacts/resolve?kind=email&value=nobody%40x.test")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    # Bob's tickets are all in another team: tier1 cannot resolve him, the customer neither.
    assert api.get("/contacts/resolve?kind=email&value=bob%40globex.test").status_code == 404
    assert api_for(world.customer_a).get(
        "/contacts/resolve?kind=email&value=ana%40acme.test").status_code == 404
    bad = api.get("/contacts/resolve?kind=fax&value=1")
    assert bad.status_code == 400
    error_of(bad)


def test_identities_are_added_and_removed_with_clear_errors(world, api):
    path = f"/contacts/{world.contact_a.pk}/identities"

    added = api.post(path, {"kind": "phone", "value": "0034 600 111 222"})
    assert added.status_code == 201
    phone = next(i for i in added.json()["identities"] if i["kind"] == "phone")
    assert phone["value"] == "+34600111222"
    assert added.json()["phones"] == ["+34600111222"]

    admin = api_for(world.admin)
    before = fingerprint()
    taken = admin.post(path, {"kind": "email", "value": "Bob@Globex.test"})
    assert taken.status_code == 400
    body = error_of(taken)
    assert body["code"] == "duplicate"
    assert "Bob Globex" in body["message"]
    bad = api.post(path, {"kind": "social", "value": "ana"})
    assert error_of(bad)["code"] == "bad_identity"
    email = next(i for i in added.json()["identities"] if i["kind"] == "email")
    last = api.delete(f"{path}/{email['id']}")
    assert last.status_code == 400
    assert error_of(last)["code"] == "last_email"
    assert fingerprint() == before

    created = api.post("/contacts", {"name": "Copy of Bob", "emails": ["BOB@globex.test"]})
    assert created.status_code == 400
    assert f"Bob Globex (contact #{world.contact_b.pk})" in error_of(created)["message"]

    removed = api.delete(f"{path}/{phone['id']}")
    assert removed.status_code == 200
    assert removed.json()["phones"] == []
    assert api.delete(f"{path}/{phone['id']}").status_code == 404


def test_merge_through_the_api_moves_tickets_and_reports_them(world, api):
    dup = contact_create(name="Ana (chat)", socials=[("whatsapp", "+34600111222")])
    ticket = ticket_create(actor=world.tier1, requester=dup, subject="From WhatsApp",
                           body="hola", channel="social", team=world.team)

    response = api.post(f"/contacts/{world.contact_a.pk}/merge", {"source_id": dup.pk})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["merged_contact_id"] == dup.pk
    assert body["moved_ticket_ids"] == [ticket.pk]
    assert body["contact"]["socials"] == [{"platform": "whatsapp", "handle": "+34600111222"}]
    assert Ticket.objects.get(pk=ticket.pk).requester_id == world.contact_a.pk
    assert TicketEvent.objects.filter(ticket=ticket, type=EventType.REQUESTER).count() == 1
    again = api.post(f"/contacts/{world.contact_a.pk}/merge", {"source_id": dup.pk})
    assert again.status_code == 400
    assert error_of(again)["code"] == "already_merged"


@pytest.mark.parametrize(("actor", "source", "status", "code"), [
    ("tier1", "self", 400, "bad_merge"),
    ("admin", "contact_b", 400, "both_have_logins"),
    ("tier1", "contact_b", 404, "not_found"),
    ("other_agent", "dup", 404, "not_found"),
    ("collaborator", "dup", 403, "forbidden"),
    ("customer_a", "dup", 403, "forbidden"),
])
def test_merge_refusals_leave_everything_as_it_was(world, actor, source, status, code):
    dup = contact_create(name="Dup", emails=["dup@acme.test"])
    ticket_create(actor=world.tier1, requester=dup, subject="Dup's", body="x", channel="email",
                  team=world.team)
    source_id = {"self": world.contact_a.pk, "contact_b": world.contact_b.pk,
                 "dup": dup.pk}[source]
    client = api_for(getattr(world, actor))
    before = fingerprint()

    response = client.post(f"/contacts/{world.contact_a.pk}/merge", {"source_id": source_id})

    assert response.status_code == status
    assert error_of(response)["code"] == code
    assert fingerprint() == before
    assert Contact.objects.filter(pk=source_id).exists()
    assert not ContactMerge.objects.exists()


def test_history_pages_newest_first_across_channels(world, api):
    add_event(world.ticket, EventType.CALL, actor=world.tier1, data={
        "call_id": 1, "direction": "outbound", "number": "+34600", "duration_seconds": 61,
        "outcome": "done"})
    add_event(world.ticket, EventType.CHAT_ABANDONED, actor=None,
              data={"chat_id": 2, "waited_seconds": 40, "left_message": True})
    path = f"/contacts/{world.contact_a.pk}/history"

    first = api.get(f"{path}?limit=2").json()
    rest = api.get(f"{path}?limit=2&cursor={first['next_cursor']}").json()

    assert [i["type"] for i in first["items"]] == ["chat_abandoned", "call"]
    assert first["items"][0]["text"] == "The visitor left the chat after waiting 40 s."
    assert rest["items"][0]["kind"] == "message"
    assert rest["items"][0]["text"] == "We are looking into it."
    assert rest["items"][0]["ticket"] == world.ticket.reference
    assert all("SECRET-NOTE" not in i["text"] for i in first["items"] + rest["items"])
    bad = api.get(f"{path}?cursor=nonsense")
    assert bad.status_code == 400
    assert error_of(bad)["code"] == "bad_cursor"
    assert api_for(world.other_agent).get(path).status_code == 404
    assert api_for(world.customer_a).get(path).status_code == 404
