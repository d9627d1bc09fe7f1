"""POST /api/v1/channels/phone/calls and GET .../tickets/{id}/calls: who may, what is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from latido.channels.phone.models import Call
from latido.channels.phone.services import CallDetails, call_log
from latido.channels.phone.tests.conftest import api_client, api_post, stored
from latido.tickets.enums import Channel, EventType
from latido.tickets.models import Ticket, TicketEvent


def body(**fields) -> dict:
    values = {"direction": "outbound", "number": "+34 600 111 222", "duration_seconds": 95,
              "outcome": "callback", "notes": "Will call back with the refund number."}
    values.update(fields)
    return values


def test_agent_logs_a_call_on_a_ticket(world):
    started = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)
    response = api_post(world.tier1, "/calls", body(ticket_id=world.ticket.pk,
                                                    started_at=started.isoformat()))
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["ticket_id"] == world.ticket.pk
    assert out["agent_id"] == world.tier1.pk
    assert out["duration_seconds"] == 95
    assert out["number"] == "+34600111222"
    assert out["direction"] == "outbound"
    call = Call.objects.get(pk=out["id"])
    assert call.started_at == started
    event = TicketEvent.objects.get(type=EventType.CALL)
    assert event.data["call_id"] == call.pk
    assert event.data["duration_seconds"] == 95


def test_without_started_at_the_call_ended_now(world):
    response = api_post(world.tier1, "/calls", body(ticket_id=world.ticket.pk))
    call = Call.objects.get(pk=response.json()["id"])
    assert abs((call.started_at + timedelta(seconds=95) - timezone.now()).total_seconds()) < 10


def test_agent_creates_a_ticket_from_a_call(world):
    response = api_post(world.tier1, "/calls", body(
        direction="inbound", number="+48 600 700 800", caller_name="Jan Kowalski",
        subject="Terminal offline", description="The card terminal shows error 42."))
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["ticket_id"])
    assert ticket.channel == Channel.PHONE
    assert ticket.requester.name == "Jan Kowalski"


@pytest.mark.parametrize(("who", "status"), [
    ("anonymous", 401), ("other_agent", 404), ("collaborator", 403), ("customer_a", 403),
    ("customer_b", 404),
])
def test_who_may_not_log_calls(world, who, status):
    user = None if who == "anonymous" else getattr(world, who)
    before = stored()
    response = api_post(user, "/calls", body(ticket_id=world.ticket.pk))
    assert response.status_code == status, response.content
    assert set(response.json()) == {"code", "message"}
    assert stored() == before


@pytest.mark.parametrize(("fields", "status", "code"), [
    ({"number": "12"}, 400, None),
    ({"direction": "sideways"}, 422, None),
    ({"duration_seconds": -1}, 422, None),
    ({"ticket_id": None, "subject": ""}, 400, "subject_required"),
    ({"ticket_id": None, "subject": "X", "team_id": 999_999}, 404, "not_found"),
    ({"ticket_id": None, "subject": "X", "contact_id": 999_999}, 404, "not_found"),
])
def test_bad_input_is_4xx_with_a_message(world, fields, status, code):
    before = stored()
    response = api_post(world.tier1, "/calls", body(**{"ticket_id": world.ticket.pk,
                                                       **fields}))
    assert response.status_code == status, response.content
    error = response.json()
    assert error["message"]
    if code:
        assert error["code"] == code
    assert stored() == before


def test_list_calls_of_a_ticket(world):
    call = call_log(actor=world.tier1, ticket=world.ticket, details=CallDetails(
        direction="inbound", number="", started_at=timezone.now() - timedelta(minutes=3),
        duration_seconds=60, notes="INTERNAL-CALL-NOTE"))
    response = api_client(world.tier1).get(
        f"/api/v1/channels/phone/tickets/{world.ticket.pk}/calls")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [call.pk]
    assert response.json()["items"][0]["notes"] == "INTERNAL-CALL-NOTE"
    for who in ("customer_a", "customer_b", "other_agent"):
        denied = api_client(getattr(world, who)).get(
            f"/api/v1/channels/phone/tickets/{world.ticket.pk}/calls")
        assert denied.status_code == 404, who
        assert "INTERNAL-CALL-NOTE" not in denied.content.decode()
    assert api_client(None).get(
        f"/api/v1/channels/phone/tickets/{world.ticket.pk}/calls").status_code == 401


def test_customer_ticket_api_shows_no_call(world):
    call_log(actor=world.tier1, ticket=world.ticket, details=CallDetails(
        direction="inbound", number="", started_at=timezone.now() - timedelta(minutes=3),
        duration_seconds=60, notes="INTERNAL-CALL-NOTE"))
    client = api_client(world.customer_a)
    for path in (f"/api/v1/tickets/{world.ticket.pk}",
                 f"/api/v1/tickets/{world.ticket.pk}/timeline"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert "INTERNAL-CALL-NOTE" not in text
        assert '"call"' not in text
    agent_text = api_client(world.tier1).get(
        f"/api/v1/tickets/{world.ticket.pk}/timeline").content.decode()
    assert "INTERNAL-CALL-NOTE" in agent_text
    assert '"call"' in agent_text


def test_link_a_reported_call_through_the_api(world):
    call = Call.objects.create(direction="inbound", number="+34600111222", state="ended",
                               started_at=timezone.now() - timedelta(minutes=4),
                               duration_seconds=150, contact=world.contact_a,
                               external_id="api-1")
    client = api_client(world.tier1)
    url = f"/api/v1/channels/phone/calls/{call.pk}/link"
    response = client.post(url, data={"ticket_id": world.ticket.pk, "notes": "Linked"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["ticket_id"] == world.ticket.pk
    assert TicketEvent.objects.get(type=EventType.CALL).data["duration_seconds"] == 150
    before = stored()
    again = client.post(url, data={"ticket_id": world.ticket.pk},
                        content_type="application/json")
    assert again.status_code == 404  # already on a ticket
    assert stored() == before
