"""The agent's ticket page: who may open it, what it shows, attachments, query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from latido.accounts.roles import Tier
from latido.tickets.models import Attachment
from latido.tickets.services import (
    ticket_assign,
    ticket_create,
    ticket_escalate,
    ticket_note,
    ticket_reply,
    ticket_update,
)
from latido.tickets.tests.pages import assert_csp_clean, client_for


def page_url(ticket) -> str:
    return f"/agent/tickets/{ticket.reference}/"


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 404), ("customer_b", 404), ("other_agent", 404),
    ("tier1", 200), ("lead", 200), ("collaborator", 200), ("admin", 200),
])
def test_ticket_page_matrix(world, name, expected):
    response = client_for(world, name).get(page_url(world.ticket))
    assert response.status_code == expected
    html = response.content.decode()
    if expected == 200:
        assert "SECRET-NOTE" in html
        assert "<h1>Charged twice</h1>" in html
    else:
        assert "SECRET-NOTE" not in html
        assert "Charged twice" not in html


def test_outsider_collaborator_gets_404(world):
    response = client_for(world, "outsider_collaborator").get(page_url(world.ticket))
    assert response.status_code == 404


def test_ticket_page_accepts_the_reference_or_the_number(world):
    client = client_for(world, "tier1")
    assert client.get(f"/agent/tickets/{world.ticket.pk}/").status_code == 200
    assert client.get(f"/agent/tickets/lat-{world.ticket.pk}/").status_code == 200
    assert client.get("/agent/tickets/LAT-999999/").status_code == 404
    assert client.get("/agent/tickets/nonsense/").status_code == 404


def test_header_shows_the_ticket_facts(world):
    ticket_assign(ticket=world.ticket, actor=world.tier1, assignee=world.tier1)
    html = client_for(world, "tier1").get(page_url(world.ticket)).content.decode()
    assert '<div class="ref">LAT-' in html
    assert '<span class="badge status-open" title="Status">Open</span>' in html
    assert '<span class="badge prio-2" title="Priority">Normal</span>' in html
    assert '<span class="badge tier" title="Tier">Tier 1</span>' in html
    assert "<dt>Team</dt><dd>Payments</dd>" in html
    assert "<dt>Queue</dt><dd>Payments · Tier 1</dd>" in html
    assert "<dt>Assignee</dt><dd>Tomás Tier1</dd>" in html
    assert "<dt>Organization</dt><dd>Acme</dd>" in html
    assert (f'<a href="/agent/contacts/{world.contact_a.pk}/">Ana Acme</a>'
            '<div class="muted small">ana@acme.test</div>') in html


def test_timeline_marks_notes_and_describes_events(world):
    ticket_escalate(ticket=world.ticket, actor=world.tier1, to_tier=Tier.TIER2,
                    handoff_note="HANDOFF: card issuer confirmed one charge.",
                    reason="needs payment logs")
    html = client_for(world, "tier2").get(page_url(world.ticket)).content.decode()
    assert html.count('class="msg note"') == 2
    assert html.count('<span class="note-label">Internal note</span>') == 1
    assert html.count('<span class="note-label">Hand-off note</span>') == 1
    assert "Tomás Tier1 escalated from Tier 1 to Tier 2. Reason: needs payment logs" in html
    assert "Tomás Tier1 changed the status from New to Open." in html
    assert "Tomás Tier1 invited Bea Billing to collaborate." in html
    assert "Ana Acme opened the ticket via Portal." in html
    assert html.index("We are looking into it.") < html.index("SECRET-NOTE") < html.index(
        "HANDOFF:")


def test_collaborator_sees_only_the_note_form(world):
    html = client_for(world, "collaborator").get(page_url(world.ticket)).content.decode()
    assert f'action="/agent/tickets/{world.ticket.reference}/note/"' in html
    for action in ("reply", "update", "assign", "escalate"):
        assert f"{world.ticket.reference}/{action}/" not in html


def test_agent_sees_every_form_with_the_version(world):
    html = client_for(world, "tier1").get(page_url(world.ticket)).content.decode()
    for action in ("reply", "note", "update", "assign", "escalate"):
        assert f'action="/agent/tickets/{world.ticket.reference}/{action}/"' in html
    assert html.count(f'name="version" value="{world.ticket.version}"') == 4
    assert "deescalate" not in html  # nothing below Tier 1
    assert_csp_clean(html)


def test_timestamps_follow_the_users_time_zone(world):
    when = dt.datetime(2026, 1, 5, 23, 30, tzinfo=dt.UTC)
    ticket = ticket_create(actor=world.tier1, requester=world.contact_a, subject="Late",
                           body="Night owl", channel="phone", team=world.team, created_at=when)
    world.tier1.time_zone = "Asia/Tokyo"
    world.tier1.save()
    html = client_for(world, "tier1").get(page_url(ticket)).content.decode()
    assert '<time datetime="2026-01-06T08:30:00+09:00">Jan. 6, 2026, 8:30 a.m.</time>' in html


def test_ticket_page_query_budget(world, django_assert_max_num_queries):
    for i in range(5):
        ticket_reply(ticket=world.ticket, actor=world.tier1, body=f"Reply {i}",
                     attachments=[SimpleUploadedFile(f"r{i}.txt", b"x")])
        ticket_note(ticket=world.ticket, actor=world.tier2, body=f"Note {i}",
                    attachments=[SimpleUploadedFile(f"n{i}.txt", b"y")])
    ticket_update(ticket=world.ticket, actor=world.lead, expected_version=None, priority=3,
                  tags=["refund", "card"])
    ticket_assign(ticket=world.ticket, actor=world.lead, assignee=world.tier1)
    ticket_assign(ticket=world.ticket, actor=world.lead, assignee=world.tier2)
    client = client_for(world, "tier1")
    with django_assert_max_num_queries(18):  # +1: failed social replies (latido_social)
        response = client.get(page_url(world.ticket))
    html = response.content.decode()
    assert html.count('class="msg ') == 13
    assert html.count("/agent/attachments/") == 10
    assert "Lena Lead assigned the ticket to Teresa Tier2." in html


def _upload(world, *, public: bool) -> Attachment:
    files = [SimpleUploadedFile("report.txt", b"<script>alert(1)</script>")]
    if public:
        message = ticket_reply(ticket=world.ticket, actor=world.tier1, body="See file",
                               attachments=files)
    else:
        message = ticket_note(ticket=world.ticket, actor=world.tier1, body="Internal file",
                              attachments=files)
    return message.attachments.get()


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 404), ("customer_b", 404), ("other_agent", 404),
    ("tier1", 200), ("lead", 200), ("collaborator", 200), ("admin", 200),
])
def test_agent_attachment_download_matrix(world, name, expected):
    att = _upload(world, public=False)
    response = client_for(world, name).get(f"/agent/attachments/{att.token}/")
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"] == 'attachment; filename="report.txt"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "text/plain"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_unknown_attachment_token_is_404(world):
    assert client_for(world, "admin").get("/agent/attachments/nope/").status_code == 404
