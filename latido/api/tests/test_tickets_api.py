"""What the ticket endpoints do for those allowed to call them."""

from __future__ import annotations

import pytest

from latido.api.tests.conftest import error_of, fingerprint
from latido.tickets.models import Category, CustomField, Message, Ticket, TicketLink
from latido.tickets.services import ticket_create


def make_tickets(world, count, **kwargs):
    return [
        ticket_create(actor=world.tier1, requester=world.contact_a, subject=f"Case {i}",
                      body="Details", channel="phone", team=world.team, **kwargs)
        for i in range(count)
    ]


def test_a_customer_creates_a_ticket_for_themselves(world, apis):
    response = apis["customer_a"].post("/tickets", {
        "subject": "  Where is   my invoice? ", "body": "Order 1003.", "priority": 3})

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.requester == world.contact_a
    assert ticket.created_by == world.customer_a
    assert (body["subject"], body["status"], body["priority"], body["channel"]) == (
        "Where is my invoice?", "new", 3, "api")
    assert body["reference"] == f"LAT-{ticket.pk}"
    assert body["requester"] == {"id": world.contact_a.pk, "name": "Ana Acme"}
    assert body["internal"] is None


@pytest.mark.parametrize("extra", [{"team_id": 1}, {"tags": ["vip"]}, {"channel": "phone"}])
def test_customers_cannot_route_tag_or_pick_the_channel(world, apis, extra):
    before = fingerprint()

    response = apis["customer_a"].post("/tickets", {"subject": "Hi", "body": "Help", **extra})

    assert response.status_code == 400
    assert error_of(response)["code"] == "agent_only_field"
    assert fingerprint() == before


def test_customers_may_fill_only_the_fields_shown_to_them(world, apis):
    CustomField.objects.create(key="order", label="Order", visible_to_customers=True)
    CustomField.objects.create(key="risk", label="Risk", visible_to_customers=False)
    before = fingerprint()

    refused = apis["customer_a"].post("/tickets", {"subject": "Hi", "body": "Help",
                                                   "fields": {"risk": "low"}})
    assert refused.status_code == 400
    assert error_of(refused) == {"code": "unknown_field", "message": "Unknown field: risk"}
    assert fingerprint() == before

    accepted = apis["customer_a"].post("/tickets", {"subject": "Hi", "body": "Help",
                                                    "fields": {"order": "1001"}})
    assert accepted.status_code == 201
    assert accepted.json()["fields"] == {"order": "1001"}


def test_an_agent_creates_a_ticket_for_a_contact(world, apis):
    category = Category.objects.create(name="Billing")

    response = apis["tier1"].post("/tickets", {
        "subject": "Phone call", "body": "Customer called about a refund.",
        "requester_id": world.contact_b.pk, "channel": "phone", "tags": ["Refund", "call"],
        "category_id": category.pk, "team_id": world.team.pk, "type": "incident"})

    assert response.status_code == 201
    body = response.json()
    assert (body["channel"], body["type"], body["category"]) == ("phone", "incident", "Billing")
    assert body["organization"] == {"id": world.org_b.pk, "name": "Globex"}
    assert body["internal"]["team"] == {"id": world.team.pk, "name": "Payments"}
    assert body["internal"]["tags"] == ["call", "refund"]
    assert body["internal"]["tier"] == 1


def test_an_agent_must_name_the_requester(world, apis):
    response = apis["tier1"].post("/tickets", {"subject": "Call", "body": "Notes"})

    assert response.status_code == 400
    assert error_of(response)["code"] == "requester_required"


def test_an_agent_of_another_team_gets_what_they_created_but_not_later_reads(world, apis):
    created = apis["other_agent"].post("/tickets", {
        "subject": "Payments question", "body": "Logged from a call.",
        "requester_id": world.contact_a.pk})

    assert created.status_code == 201
    assert created.json()["internal"]["team"]["name"] == "Payments"
    assert apis["other_agent"].get(f"/tickets/{created.json()['id']}").status_code == 404


def test_filters_narrow_the_list(world, apis):
    urgent, pending, plain = make_tickets(world, 3)
    apis["tier1"].patch(f"/tickets/{urgent.pk}", {"version": urgent.version, "priority": 4})
    apis["tier1"].patch(f"/tickets/{pending.pk}", {"version": pending.version,
                                                   "status": "pending"})
    apis["tier1"].post(f"/tickets/{pending.pk}/assign", {"assignee_id": world.tier1.pk})
    api = apis["tier1"]

    def ids(query):
        response = api.get(f"/tickets?{query}")
        assert response.status_code == 200, response.content
        return [t["id"] for t in response.json()["items"]]

    assert ids("priority=4") == [urgent.pk]
    assert ids("status=pending") == [pending.pk]
    assert ids(f"assignee={world.tier1.pk}") == [pending.pk]
    assert pending.pk not in ids("unassigned=true")
    assert ids("channel=phone&status=new,pending&sort=priority") == [  # ties: newest first
        urgent.pk, plain.pk, pending.pk]
    assert ids("tier=2") == []
    assert ids(f"team={world.other_team.pk}") == []
    assert len(ids("open_only=true")) == 4


def test_cursor_pagination_walks_every_ticket_once_in_order(world, apis):
    make_tickets(world, 6)
    expected = list(Ticket.objects.filter(team=world.team)
                    .order_by("-created_at", "-id").values_list("id", flat=True))
    seen, cursor = [], ""
    for _ in range(10):
        page = apis["lead"].get(f"/tickets?sort=created&limit=3{cursor}").json()
        seen += [t["id"] for t in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"

    assert seen == expected
    assert len(seen) == 7


def test_an_agent_reply_can_set_the_status(world, apis):
    response = apis["tier1"].post(f"/tickets/{world.ticket.reference}/reply",
                                  {"body": "Refunded.", "status": "solved"})

    assert response.status_code == 201
    assert response.json()["ticket_status"] == "solved"
    assert response.json()["message"]["from_customer"] is False
    world.ticket.refresh_from_db()
    assert world.ticket.status == "solved"
    assert response.json()["ticket_version"] == world.ticket.version


def test_a_customer_cannot_set_the_status_with_a_reply(world, apis):
    before = fingerprint()

    response = apis["customer_a"].post(f"/tickets/{world.ticket.reference}/reply",
                                       {"body": "Done?", "status": "solved"})

    assert response.status_code == 403
    assert fingerprint() == before


def test_a_note_is_internal(world, apis):
    response = apis["collaborator"].post(f"/tickets/{world.ticket.reference}/notes",
                                         {"body": "Invoice re-sent from billing."})

    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["message"]["id"])
    assert (message.is_public, message.author) == (False, world.collaborator)


def test_assign_and_unassign(world, apis):
    ref = world.ticket.reference

    assigned = apis["lead"].post(f"/tickets/{ref}/assign", {"assignee_id": world.tier1.pk})
    unassigned = apis["lead"].post(f"/tickets/{ref}/assign", {"assignee_id": None})

    assert assigned.json()["assignee_name"] == "Tomás Tier1"
    assert assigned.json()["internal"]["assignee_id"] == world.tier1.pk
    assert unassigned.json()["assignee_name"] is None


@pytest.mark.parametrize("who", ["customer_a", "other_agent", "missing"])
def test_assign_only_to_an_agent_of_the_team(world, apis, who):
    assignee_id = 999_999 if who == "missing" else getattr(world, who).pk
    before = fingerprint()

    response = apis["lead"].post(f"/tickets/{world.ticket.reference}/assign",
                                 {"assignee_id": assignee_id})

    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_assignee"
    assert fingerprint() == before


def test_escalate_then_deescalate(world, apis):
    ref = world.ticket.reference

    up = apis["tier1"].post(f"/tickets/{ref}/escalate", {
        "to_tier": 2, "handoff_note": "Tried a refund; the tool fails.", "reason": "tooling"})
    down = apis["lead"].post(f"/tickets/{ref}/deescalate", {
        "to_tier": 1, "note": "Tool fixed; please confirm the refund."})

    assert up.status_code == 200
    assert up.json()["internal"]["tier"] == 2
    assert up.json()["internal"]["queue_id"] == world.team.queues.get(tier=2).pk
    assert down.json()["internal"]["tier"] == 1
    timeline = apis["tier1"].get(f"/tickets/{ref}/timeline").json()["items"]
    types = [i["event"]["type"] for i in timeline if i["kind"] == "event"]
    assert types[-2:] == ["escalated", "deescalated"]


def test_link_two_tickets(world, apis):
    (other,) = make_tickets(world, 1)

    response = apis["tier1"].post(f"/tickets/{world.ticket.reference}/links",
                                  {"other": other.reference, "kind": "duplicate"})

    assert response.status_code == 201
    assert response.json() == {"source": world.ticket.reference, "target": other.reference,
                               "kind": "duplicate"}
    detail = apis["tier1"].get(f"/tickets/{other.reference}").json()
    assert detail["internal"]["links"] == [{
        "ticket_id": world.ticket.pk, "reference": world.ticket.reference,
        "kind": "duplicate", "direction": "in"}]


def test_linking_to_an_invisible_ticket_is_404(world, apis):
    before = fingerprint()

    response = apis["tier1"].post(f"/tickets/{world.ticket.reference}/links",
                                  {"other": world.ticket_b.reference})

    assert response.status_code == 404
    assert TicketLink.objects.count() == 0
    assert fingerprint() == before


def test_merge_closes_the_source_and_returns_the_target(world, apis):
    (target,) = make_tickets(world, 1)

    response = apis["tier1"].post(f"/tickets/{world.ticket.reference}/merge",
                                  {"into": target.reference})

    assert response.status_code == 200
    assert response.json()["id"] == target.pk
    source = apis["tier1"].get(f"/tickets/{world.ticket.reference}").json()
    assert (source["status"], source["merged_into"]) == ("closed", target.reference)


def test_update_sets_and_clears_the_category(world, apis):
    category = Category.objects.create(name="Billing")
    ref = world.ticket.reference
    version = world.ticket.version

    set_ = apis["tier1"].patch(f"/tickets/{ref}", {"version": version,
                                                   "category_id": category.pk})
    kept = apis["tier1"].patch(f"/tickets/{ref}", {"version": version + 1,
                                                   "subject": "Charged twice (card)"})
    cleared = apis["tier1"].patch(f"/tickets/{ref}", {"version": version + 2,
                                                      "category_id": None})

    assert set_.json()["category"] == "Billing"
    assert kept.json()["category"] == "Billing"
    assert kept.json()["subject"] == "Charged twice (card)"
    assert cleared.json()["category"] is None


def test_queue_tickets_are_that_queues_only(world, apis):
    tier2 = world.team.queues.get(tier=2)

    first = apis["tier1"].get(f"/queues/{world.ticket.queue_id}/tickets").json()
    second = apis["tier1"].get(f"/queues/{tier2.pk}/tickets").json()

    assert [t["id"] for t in first["items"]] == [world.ticket.pk]
    assert second == {"items": [], "next_cursor": None}
