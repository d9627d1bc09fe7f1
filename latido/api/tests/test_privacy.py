"""Customers never read internal data: notes, internal events, tags, hidden fields."""

from __future__ import annotations

import pytest

from latido.accounts.roles import Tier
from latido.tickets.models import CustomField
from latido.tickets.services import ticket_assign, ticket_escalate, ticket_update


@pytest.fixture
def busy_ticket(world):
    """World's ticket with everything internal an agent can add to it."""
    CustomField.objects.create(key="risk", label="Risk", visible_to_customers=False)
    CustomField.objects.create(key="order", label="Order", visible_to_customers=True)
    t = world.ticket
    ticket_update(ticket=t, actor=world.tier1, expected_version=t.version,
                  tags=["SECRET-TAG"], fields={"risk": "SECRET-FIELD", "order": "1001"},
                  status="pending")
    ticket_assign(ticket=t, actor=world.tier1, assignee=world.tier1)
    ticket_escalate(ticket=t, actor=world.tier1, to_tier=Tier.TIER2,
                    handoff_note="SECRET-HANDOFF: refund tool broken", reason="SECRET-REASON")
    t.refresh_from_db()
    return t


def customer_responses(world, api, ticket):
    ref = ticket.reference
    return {
        "list": api.get("/tickets"),
        "detail": api.get(f"/tickets/{ref}"),
        "timeline": api.get(f"/tickets/{ref}/timeline"),
        "queue": api.get(f"/queues/{ticket.queue_id}/tickets"),
        "contacts": api.get("/contacts"),
        "contact": api.get(f"/contacts/{world.contact_a.pk}"),
        "organizations": api.get("/organizations"),
        "me": api.get("/me"),
        "reply": api.post(f"/tickets/{ref}/reply", {"body": "Thanks, any news?"}),
        "note attempt": api.post(f"/tickets/{ref}/notes", {"body": "let me in"}),
        "create": api.post("/tickets", {"subject": "Another", "body": "Second question"}),
    }


def test_customers_never_see_internal_data_in_any_response(world, apis, busy_ticket):
    for name, response in customer_responses(world, apis["customer_a"], busy_ticket).items():
        assert b"secret" not in response.content.lower(), name
        assert b"tier1@latido.test" not in response.content, name


def test_agents_do_see_the_internal_data(world, apis, busy_ticket):
    ref = busy_ticket.reference
    content = apis["tier1"].get(f"/tickets/{ref}/timeline").content
    detail = apis["tier1"].get(f"/tickets/{ref}").json()

    for secret in (b"SECRET-NOTE", b"SECRET-HANDOFF", b"SECRET-REASON"):
        assert secret in content
    assert detail["internal"]["tags"] == ["secret-tag"]
    assert detail["internal"]["fields"] == {"order": "1001", "risk": "SECRET-FIELD"}


def test_customer_detail_has_no_internal_block_and_only_public_fields(world, apis, busy_ticket):
    detail = apis["customer_a"].get(f"/tickets/{busy_ticket.reference}").json()

    assert detail["internal"] is None
    assert detail["fields"] == {"order": "1001"}
    assert detail["assignee_name"] is None  # escalation handed it back to the Tier 2 queue


def test_customer_timeline_has_public_messages_and_status_events_only(world, apis, busy_ticket):
    items = apis["customer_a"].get(f"/tickets/{busy_ticket.reference}/timeline").json()["items"]

    messages = [i["message"] for i in items if i["kind"] == "message"]
    events = [i["event"] for i in items if i["kind"] == "event"]
    assert [m["body_text"] for m in messages] == [
        "My card was charged twice for order 1001.", "We are looking into it."]
    assert all(m["is_public"] for m in messages)
    assert [(e["type"], e["data"]) for e in events] == [
        ("created", {}), ("status", {"from": "new", "to": "open"}),
        ("status", {"from": "open", "to": "pending"}),
    ]
