"""In headless Chromium: an agent logs a call on the ticket page, and a call from the PBX
pops up as a banner (htmx polling, no inline script) that links to the caller's record."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from latido.channels.phone.models import Call
from latido.channels.phone.tests.conftest import deliver
from latido.customers.models import ContactIdentity
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent
from tests.e2e.test_journey import Console, browser, sign_in  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e


def test_log_a_call_and_the_incoming_call_banner(world, source, live_server,
                                                browser):  # noqa: F811 - fixture
    console = Console()
    context, page = sign_in(browser, live_server.url, world.tier1.email, console)
    page.goto(f"{live_server.url}/agent/tickets/{world.ticket.reference}/")
    calls = page.locator("#calls")
    expect(calls.get_by_text("No calls on this ticket yet.")).to_be_visible()
    form = page.locator("#log-call")
    form.get_by_label("Call direction").select_option("outbound")
    form.get_by_label("Customer's phone number").fill("+34 600 111 222")
    form.get_by_label("Duration (minutes)").fill("3")
    form.get_by_label("and seconds").fill("5")
    form.get_by_label("Call outcome").select_option("callback")
    form.get_by_label("Call notes").fill("Customer will send the bank statement.")
    form.get_by_role("button", name="Log call").click()
    expect(page.get_by_text("Call logged.")).to_be_visible()
    expect(calls.get_by_role("cell", name="3 min 5 s")).to_be_visible()
    expect(calls.get_by_text("Customer will send the bank statement.")).to_be_visible()
    assert TicketEvent.objects.get(type=EventType.CALL).data["duration_seconds"] == 185

    assert deliver(source.pk, {"event": "ringing", "call_id": "b-1", "from": "+34 655 000 000",
                               "caller_name": "Paula Pop",
                               "agent": world.tier1.email}).status_code == 202
    banner = page.locator("#phone-pop")
    expect(banner.get_by_text("Incoming call from Paula Pop")).to_be_visible(timeout=12_000)
    contact_id = ContactIdentity.objects.get(kind="phone", value="+34655000000").contact_id
    link = banner.get_by_role("link", name="open customer record")
    expect(link).to_have_attribute("href", f"/agent/contacts/{contact_id}/")
    banner.get_by_role("button", name="Dismiss banner").click()
    expect(banner.get_by_text("Incoming call from Paula Pop")).to_have_count(0)
    assert Call.objects.get(external_id="b-1").pop_dismissed_at is not None
    page.wait_for_timeout(6_000)  # one more poll: the dismissed banner stays away
    expect(banner.get_by_text("Incoming call from Paula Pop")).to_have_count(0)
    console.collect_csp(page)
    context.close()  # no poll left running against the live server
    assert console.problems == []
