"""The contact page in headless Chromium: from the ticket to the person, find the duplicate
with htmx, merge it, and load older history in place; no CSP violations or script errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from latido.customers.services import contact_create
from latido.tickets.enums import EventType
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_create
from latido.tickets.services.common import add_event
from tests.e2e.test_journey import Console, browser, sign_in  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e
SCREENSHOT = Path("/tmp/latido-agent-contact.png")
LIST_SCREENSHOT = Path("/tmp/latido-agent-contacts.png")


def test_from_ticket_to_contact_merge_and_history(world, live_server, browser):  # noqa: F811
    for i in range(30):
        add_event(world.ticket, EventType.CALL_MISSED, actor=None,
                  data={"call_id": 100 + i, "direction": "inbound", "number": f"+4860000{i:02d}"})
    dup = contact_create(name="Ana at home", emails=["ana@home.test"], phones=["+34 600 111 222"])
    phoned = ticket_create(actor=world.tier1, requester=dup, subject="Phoned about a refund",
                           body="Called from home.", channel="phone", team=world.team)
    add_event(phoned, EventType.CALL, actor=world.tier1, data={
        "call_id": 1, "direction": "inbound", "number": "+34600111222",
        "duration_seconds": 95, "outcome": "resolved", "outcome_label": "Resolved"})
    console = Console()
    base = live_server.url
    context, page = sign_in(browser, base, world.tier1.email, console)

    page.goto(f"{base}/agent/tickets/{world.ticket.reference}/")
    page.locator(".ticket-side").get_by_role("link", name="Ana Acme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Acme")
    history = page.locator("#history .history-item")
    expect(history).to_have_count(25)

    page.evaluate("window.__samePage = true")
    page.get_by_role("link", name="Older interactions").click()
    expect(history).to_have_count(33)  # 30 missed calls, the ticket, its message, the reply
    page.get_by_label("Search contacts").fill("home.test")
    candidate = page.locator("#merge-results").get_by_role("link", name="Ana at home")
    expect(candidate).to_be_visible()
    assert page.evaluate("window.__samePage === true")  # htmx, no reload
    candidate.click()

    expect(page.get_by_role("heading", name="Merge Ana at home into Ana Acme?")).to_be_visible()
    expect(page.get_by_text("Phoned about a refund")).to_be_visible()
    page.get_by_role("button", name="Merge contacts").click()

    done = "Ana at home was merged into Ana Acme; 1 ticket moved."
    expect(page.get_by_text(done)).to_be_visible()
    moved = page.locator("#tickets").get_by_role("link", name="Phoned about a refund")
    expect(moved).to_be_visible()
    expect(page.locator("#identities")).to_contain_text("+34600111222")
    expect(page.locator("#history")).to_contain_text("logged a inbound call (1 min 35 s, Resolved)")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert Ticket.objects.get(pk=phoned.pk).requester_id == world.contact_a.pk
    console.collect_csp(page)

    page.locator("#sidebar").get_by_role("link", name="Contacts").click()
    page.get_by_label("Search contacts").fill("600 111")
    expect(page.locator("#contact-list").get_by_role("link")).to_have_text(["Ana Acme"])
    expect(page).to_have_url(re.compile(r"[?&]q=600"))
    page.screenshot(path=str(LIST_SCREENSHOT), full_page=True)
    console.collect_csp(page)
    context.close()
    assert [p for p in console.problems if not re.search(r"favicon", p)] == []
