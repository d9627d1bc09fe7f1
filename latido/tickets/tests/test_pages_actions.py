"""Forms of the agent's ticket page: each action for the whole cast; denied ones change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from latido.accounts.roles import Tier
from latido.tickets.enums import EventType, Status
from latido.tickets.models import Message, Ticket
from latido.tickets.services import ticket_escalate, ticket_update
from latido.tickets.tests.pages import client_for, state

DENIED_OUTSIDE = {"anonymous": 302, "customer_a": 404, "customer_b": 404, "other_agent": 404}


def url(ticket, action: str) -> str:
    return f"/agent/tickets/{ticket.reference}/{action}/"


def payload(world, action: str) -> dict:
    version = Ticket.objects.get(pk=world.ticket.pk).version
    return {
        "reply": {"body": "Refund issued today.", "status": "pending"},
        "note": {"body": "Checked the gateway logs."},
        "update": {"version": version, "status": "pending", "priority": "3",
                   "type": "incident", "category": "", "tags": "refund, card"},
        "assign": {"version": version, "assignee": str(world.tier2.pk)},
        "escalate": {"version": version, "to_tier": "2", "reason": "needs payment logs",
                     "handoff_note": "Customer charged twice; gateway shows one capture."},
        "deescalate": {"version": version, "to_tier": "1",
                       "note": "Logs checked; Tier 1 can send the refund."},
    }[action]


def matrix(allowed: set[str]) -> list[tuple[str, int]]:
    staff = {"tier1": 303, "lead": 303, "admin": 303, "collaborator": 403}
    return [*DENIED_OUTSIDE.items(),
            *((n, 303 if n in allowed else code) for n, code in staff.items())]


def run_action(world, name: str, action: str):
    if action == "deescalate":
        ticket_escalate(ticket=world.ticket, actor=world.tier1, to_tier=Tier.TIER2,
                        handoff_note="Needs the payments specialist.", reason="logs")
    before = state(world.ticket)
    response = client_for(world, name).post(url(world.ticket, action), payload(world, action))
    return before, response


@pytest.mark.parametrize("action", ["reply", "update", "assign", "escalate", "deescalate"])
@pytest.mark.parametrize(("name", "expected"), matrix(allowed=set()))
def test_agent_action_matrix(world, action, name, expected):
    before, response = run_action(world, name, action)
    assert response.status_code == expected
    if expected == 303:
        assert response["Location"] == f"/agent/tickets/{world.ticket.reference}/"
        assert state(world.ticket) != before
    else:
        assert state(world.ticket) == before
    if expected == 403:
        assert "You are not allowed" in response.content.decode()


@pytest.mark.parametrize(("name", "expected"), matrix(allowed={"collaborator"}))
def test_note_matrix(world, name, expected):
    before, response = run_action(world, name, "note")
    assert response.status_code == expected
    after = state(world.ticket)
    if expected == 303:
        note = Message.objects.filter(ticket=world.ticket).latest("id")
        assert (note.is_public, note.body_text) == (False, "Checked the gateway logs.")
        assert after[9] == before[9] + 1
    else:
        assert after == before


def test_reply_with_status_and_attachments(world):
    client = client_for(world, "tier1")
    response = client.post(url(world.ticket, "reply"), {
        "body": "Here is the receipt.", "status": "solved",
        "attachments": [SimpleUploadedFile("receipt.pdf", b"%PDF-1.4"),
                        SimpleUploadedFile("log.txt", b"ok")],
    })
    assert response.status_code == 303
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    reply = ticket.messages.latest("id")
    assert (ticket.status, reply.is_public) == (Status.SOLVED, True)
    assert sorted(a.filename for a in reply.attachments.all()) == ["log.txt", "receipt.pdf"]
    page = client.get(response["Location"]).content.decode()
    assert "Reply sent." in page


def test_empty_reply_is_a_400_and_nothing_is_stored(world):
    before = state(world.ticket)
    response = client_for(world, "tier1").post(url(world.ticket, "reply"), {"body": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert state(world.ticket) == before


def test_rejected_attachment_is_a_400_and_nothing_is_stored(world):
    before = state(world.ticket)
    response = client_for(world, "tier1").post(url(world.ticket, "reply"), {
        "body": "See attached", "attachments": [SimpleUploadedFile("run.exe", b"MZ")]})
    assert response.status_code == 400
    assert "Files of type .exe are not accepted." in response.content.decode()
    assert state(world.ticket) == before


def test_stale_version_is_a_409_and_nothing_is_applied(world):
    stale = payload(world, "update")
    ticket_update(ticket=world.ticket, actor=world.lead, expected_version=None, priority=4)
    before = state(world.ticket)
    response = client_for(world, "tier1").post(url(world.ticket, "update"), stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "This ticket was changed by someone else" in html
    assert f'href="/agent/tickets/{world.ticket.reference}/">Reload the ticket</a>' in html
    assert state(world.ticket) == before


def test_stale_assignment_is_a_409(world):
    stale = payload(world, "assign")
    ticket_update(ticket=world.ticket, actor=world.lead, expected_version=None, priority=4)
    before = state(world.ticket)
    response = client_for(world, "tier1").post(url(world.ticket, "assign"), stale)
    assert response.status_code == 409
    assert state(world.ticket) == before


def test_update_records_one_event_per_change(world):
    response = client_for(world, "tier1").post(url(world.ticket, "update"),
                                               payload(world, "update"))
    assert response.status_code == 303
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert (ticket.status, ticket.priority, ticket.type) == ("pending", 3, "incident")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["card", "refund"]
    types = list(ticket.events.order_by("-id").values_list("type", flat=True)[:4])
    assert sorted(types) == sorted([EventType.STATUS, EventType.PRIORITY, EventType.TYPE,
                                    EventType.TAGS])


def test_assign_to_me_and_to_someone_outside_the_team(world):
    client = client_for(world, "tier1")
    version = world.ticket.version
    response = client.post(url(world.ticket, "assign"),
                           {"version": version, "assignee": str(world.tier1.pk)})
    assert response.status_code == 303
    assert Ticket.objects.get(pk=world.ticket.pk).assignee_id == world.tier1.pk
    before = state(world.ticket)
    response = client.post(url(world.ticket, "assign"), {
        "version": before[0], "assignee": str(world.other_agent.pk)})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert state(world.ticket) == before


def test_escalate_needs_a_reason_and_a_handoff_note(world):
    client = client_for(world, "tier1")
    before = state(world.ticket)
    data = payload(world, "escalate")
    response = client.post(url(world.ticket, "escalate"), {**data, "handoff_note": "",
                                                           "reason": ""})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    response = client.post(url(world.ticket, "escalate"), {**data, "handoff_note": "short"})
    assert response.status_code == 400
    assert "A hand-off note of at least 10 characters is required" in response.content.decode()
    response = client.post(url(world.ticket, "escalate"), {**data, "to_tier": "1"})
    assert response.status_code == 400
    assert state(world.ticket) == before


def test_escalation_moves_the_ticket_and_keeps_the_handoff_internal(world):
    response = client_for(world, "tier1").post(url(world.ticket, "escalate"),
                                               payload(world, "escalate"))
    assert response.status_code == 303
    ticket = Ticket.objects.select_related("queue").get(pk=world.ticket.pk)
    assert (ticket.tier, ticket.queue.tier, ticket.assignee_id) == (2, 2, None)
    handoff = ticket.messages.latest("id")
    assert (handoff.is_public, handoff.body_text) == (
        False, "Customer charged twice; gateway shows one capture.")


def test_get_on_an_action_is_405(world):
    response = client_for(world, "tier1").get(url(world.ticket, "reply"))
    assert response.status_code == 405


def test_csrf_is_enforced_on_agent_forms(world):
    before = state(world.ticket)
    client = client_for(world, "tier1", enforce_csrf_checks=True)
    response = client.post(url(world.ticket, "note"), {"body": "no token"})
    assert response.status_code == 403
    assert state(world.ticket) == before
    page = client.get(f"/agent/tickets/{world.ticket.reference}/")
    token = page.cookies["csrftoken"].value
    response = client.post(url(world.ticket, "note"),
                           {"body": "with token", "csrfmiddlewaretoken": token})
    assert response.status_code == 303


def test_closed_ticket_takes_no_agent_reply(world):
    ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=None,
                  status=Status.CLOSED)
    client = client_for(world, "tier1")
    page = client.get(f"/agent/tickets/{world.ticket.reference}/").content.decode()
    assert "This ticket is closed and takes no more replies." in page
    assert url(world.ticket, "reply") not in page
    before = state(world.ticket)
    response = client.post(url(world.ticket, "reply"), {"body": "One more thing"})
    assert response.status_code == 400
    assert "This ticket is closed. Please open a new request." in response.content.decode()
    assert state(world.ticket) == before
