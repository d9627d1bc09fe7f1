"""The customer portal: own tickets only, public messages only, requests and replies."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from latido.accounts.roles import Tier
from latido.tickets.enums import Status
from latido.tickets.models import Attachment, Ticket
from latido.tickets.services import (
    ticket_escalate,
    ticket_note,
    ticket_reply,
    ticket_update,
)
from latido.tickets.tests.pages import assert_csp_clean, client_for, state

ticket_url = "/portal/requests/{}/"


def listed(html: str) -> list[str]:
    return re.findall(r'<div class="ref">(LAT-\d+)</div>', html)


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 200), ("customer_b", 200), ("other_agent", 404),
    ("tier1", 404), ("lead", 404), ("collaborator", 404), ("admin", 404),
])
@pytest.mark.parametrize("path", ["/portal/", "/portal/new/"])
def test_portal_pages_matrix(world, path, name, expected):
    response = client_for(world, name).get(path)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"/signin/?next={path}"


def test_list_shows_only_my_tickets(world):
    html_a = client_for(world, "customer_a").get("/portal/").content.decode()
    html_b = client_for(world, "customer_b").get("/portal/").content.decode()
    html_a2 = client_for(world, "customer_a2").get("/portal/").content.decode()
    assert listed(html_a) == [world.ticket.reference]
    assert listed(html_b) == [world.ticket_b.reference]
    assert listed(html_a2) == []
    assert_csp_clean(html_a)


def test_list_shows_the_organizations_tickets_when_it_shares(world):
    world.org_a.shares_tickets = True
    world.org_a.save()
    html = client_for(world, "customer_a2").get("/portal/").content.decode()
    assert listed(html) == [world.ticket.reference]


def test_list_filters_open_and_solved(world):
    ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=None,
                  status=Status.SOLVED)
    client = client_for(world, "customer_a")
    assert listed(client.get("/portal/?show=open").content.decode()) == []
    assert listed(client.get("/portal/?show=solved").content.decode()) == [
        world.ticket.reference]
    assert client.get("/portal/?show=everything").status_code == 400


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 200), ("customer_b", 404), ("other_agent", 404),
    ("tier1", 404), ("lead", 404), ("collaborator", 404), ("admin", 404),
])
def test_ticket_page_matrix(world, name, expected):
    response = client_for(world, name).get(ticket_url.format(world.ticket.reference))
    assert response.status_code == expected
    assert "SECRET-NOTE" not in response.content.decode()


def test_ticket_page_shows_public_messages_and_events_only(world):
    ticket_escalate(ticket=world.ticket, actor=world.tier1, to_tier=Tier.TIER2,
                    handoff_note="HANDOFF-NOTE for the specialist.", reason="INTERNAL-REASON")
    ticket_reply(ticket=world.ticket, actor=world.tier2, body="Refunded.", status=Status.SOLVED)
    html = client_for(world, "customer_a").get(
        ticket_url.format(world.ticket.reference)).content.decode()
    for secret in ("SECRET-NOTE", "HANDOFF-NOTE", "INTERNAL-REASON", "escalated",
                   "Internal note", "Hand-off note", "Bea Billing", "Tier 2"):
        assert secret not in html
    assert "My card was charged twice for order 1001." in html
    assert "We are looking into it." in html
    assert "Refunded." in html
    assert '<span class="badge status-solved">Solved</span>' in html
    assert "Teresa Tier2 changed the status from Open to Solved." in html
    assert "This request is solved. If something is still wrong" in html
    assert_csp_clean(html)


def test_new_request_with_attachments(world):
    client = client_for(world, "customer_b")
    response = client.post("/portal/new/", {
        "subject": "Invoice missing", "description": "I cannot find invoice 77.",
        "attachments": [SimpleUploadedFile("screen.png", b"\x89PNG"),
                        SimpleUploadedFile("notes.txt", b"hello")],
    })
    ticket = Ticket.objects.latest("id")
    assert response.status_code == 303
    assert response["Location"] == ticket_url.format(ticket.reference)
    assert (ticket.subject, ticket.channel, ticket.requester_id, ticket.status) == (
        "Invoice missing", "portal", world.contact_b.pk, "new")
    assert sorted(a.filename for a in ticket.attachments.all()) == ["notes.txt", "screen.png"]
    page = client.get(response["Location"]).content.decode()
    assert f"Thank you. Your request {ticket.reference} was received." in page
    assert page.count("/portal/attachments/") == 2


def test_new_request_creates_the_contact_on_first_use(world):
    from latido.accounts.roles import Role
    from latido.accounts.services import user_create

    newcomer = user_create(email="new@example.test", password="x-long-password", role=Role.CUSTOMER,
                           name="Nina New")
    client = client_for(world, "anonymous")
    client.force_login(newcomer)
    response = client.post("/portal/new/", {"subject": "Hi", "description": "First time."})
    assert response.status_code == 303
    assert Ticket.objects.latest("id").requester.user_id == newcomer.pk


@pytest.mark.parametrize(("data", "error"), [
    ({"subject": "", "description": "text"}, "This field is required."),
    ({"subject": "Hi", "description": "   "}, "Please describe your request."),
    ({"subject": "x" * 251, "description": "text"}, "Ensure this value has at most 250"),
])
def test_bad_new_request_is_a_400_and_nothing_is_stored(world, data, error):
    before = (Ticket.objects.count(), Attachment.objects.count())
    response = client_for(world, "customer_a").post("/portal/new/", data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert (Ticket.objects.count(), Attachment.objects.count()) == before


def test_rejected_attachment_stores_nothing(world):
    before = (Ticket.objects.count(), Attachment.objects.count())
    response = client_for(world, "customer_a").post("/portal/new/", {
        "subject": "Virus", "description": "see file",
        "attachments": [SimpleUploadedFile("ok.txt", b"ok"), SimpleUploadedFile("x.exe", b"MZ")],
    })
    assert response.status_code == 400
    assert "Files of type .exe are not accepted." in response.content.decode()
    assert (Ticket.objects.count(), Attachment.objects.count()) == before


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 303), ("customer_b", 404), ("other_agent", 404),
    ("tier1", 404), ("lead", 404), ("collaborator", 404), ("admin", 404),
])
def test_reply_matrix(world, name, expected):
    before = state(world.ticket)
    response = client_for(world, name).post(
        f"/portal/requests/{world.ticket.reference}/reply/", {"body": "Any news?"})
    assert response.status_code == expected
    if expected == 303:
        reply = world.ticket.messages.latest("id")
        assert (reply.is_public, reply.author_id, reply.body_text) == (
            True, world.customer_a.pk, "Any news?")
    else:
        assert state(world.ticket) == before


def test_customer_reply_reopens_a_solved_ticket(world):
    ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=None,
                  status=Status.SOLVED)
    response = client_for(world, "customer_a").post(
        f"/portal/requests/{world.ticket.reference}/reply/", {"body": "Still broken."})
    assert response.status_code == 303
    assert Ticket.objects.get(pk=world.ticket.pk).status == Status.OPEN


def test_closed_ticket_takes_no_reply(world):
    ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=None,
                  status=Status.CLOSED)
    client = client_for(world, "customer_a")
    page = client.get(ticket_url.format(world.ticket.reference)).content.decode()
    assert "This request is closed and takes no more replies." in page
    assert "/reply/" not in page
    before = state(world.ticket)
    response = client.post(f"/portal/requests/{world.ticket.reference}/reply/",
                           {"body": "Hello?"})
    assert response.status_code == 400
    assert "This ticket is closed. Please open a new request." in response.content.decode()
    assert state(world.ticket) == before


def test_empty_reply_is_a_400(world):
    before = state(world.ticket)
    response = client_for(world, "customer_a").post(
        f"/portal/requests/{world.ticket.reference}/reply/", {"body": "  "})
    assert response.status_code == 400
    assert "The reply is empty." in response.content.decode()
    assert state(world.ticket) == before


def test_attachments_public_yes_internal_no(world):
    public = ticket_reply(ticket=world.ticket, actor=world.tier1, body="Receipt attached",
                          attachments=[SimpleUploadedFile("receipt.pdf", b"%PDF")])
    internal = ticket_note(ticket=world.ticket, actor=world.tier1, body="SECRET-NOTE file",
                           attachments=[SimpleUploadedFile("internal.txt", b"secret")])
    pub, priv = public.attachments.get(), internal.attachments.get()
    client_a = client_for(world, "customer_a")
    response = client_a.get(f"/portal/attachments/{pub.token}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="receipt.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_a.get(f"/portal/attachments/{priv.token}/").status_code == 404
    assert client_a.get(f"/agent/attachments/{pub.token}/").status_code == 404
    page = client_a.get(ticket_url.format(world.ticket.reference)).content.decode()
    assert "receipt.pdf" in page
    assert "internal.txt" not in page
    assert client_for(world, "customer_b").get(
        f"/portal/attachments/{pub.token}/").status_code == 404


def test_csrf_is_enforced_on_the_new_request_form(world):
    before = Ticket.objects.count()
    client = client_for(world, "customer_a", enforce_csrf_checks=True)
    response = client.post("/portal/new/", {"subject": "Hi", "description": "No token"})
    assert response.status_code == 403
    assert Ticket.objects.count() == before


def test_list_pages_by_cursor(world):
    from latido.tickets.services import ticket_create

    created = [ticket_create(actor=world.customer_a, requester=world.contact_a,
                             subject=f"Request {i}", body="Body", channel="portal")
               for i in range(22)]
    client = client_for(world, "customer_a")
    first = client.get("/portal/").content.decode()
    expected = [t.reference for t in reversed([world.ticket, *created])]
    assert listed(first) == expected[:20]
    next_link = re.search(r'rel="next" href="\?(cursor=[^"]+)"', first).group(1)
    second = client.get(f"/portal/?{next_link}").content.decode()
    assert listed(second) == expected[20:]
    assert 'rel="next"' not in second
