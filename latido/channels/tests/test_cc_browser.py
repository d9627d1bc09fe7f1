"""The CC list on an email ticket in headless Chromium: an agent edits it and the next reply
is copied to the new list; no CSP violations or script errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from latido.channels.models import Mailbox, OutboundEmail
from latido.channels.tests.helpers import deliver, make_mail
from tests.e2e.test_journey import Console, browser, sign_in  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOT = Path("/tmp/latido-agent-email-cc.png")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_an_agent_edits_the_cc_list_and_replies(world, live_server, browser):  # noqa: F811
    from django.core import mail

    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    raw = deliver(mailbox, make_mail(subject="Invoice wrong",
                                     headers={"Cc": "bob@customer.test"}))
    assert raw.ticket is not None
    console = Console()
    base = live_server.url
    context, page = sign_in(browser, base, world.tier1.email, console)

    page.goto(f"{base}/agent/tickets/{raw.ticket.reference}/")
    panel = page.locator("#email-cc")
    expect(panel.get_by_role("listitem")).to_have_text(["bob@customer.test"])
    field = panel.get_by_label("CC addresses (separated by commas)")
    field.fill("bob@customer.test, Carol <carol@partner.test>")
    panel.get_by_role("button", name="Save CC").click()
    expect(page.get_by_text("CC list saved.")).to_be_visible()
    expect(panel.get_by_role("listitem")).to_have_text(["bob@customer.test",
                                                        "carol@partner.test"])

    field.fill("not an address")
    panel.get_by_role("button", name="Save CC").click()
    expect(page.get_by_text("not an address is not a valid email address.")).to_be_visible()
    expect(panel.get_by_role("listitem")).to_have_count(2)

    page.locator("#reply").get_by_label("Reply to the customer").fill(
        "The corrected invoice is on its way.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    row = OutboundEmail.objects.get()
    assert row.cc == ["bob@customer.test", "carol@partner.test"]
    assert [m.cc for m in mail.outbox] == [["bob@customer.test", "carol@partner.test"]]
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    console.collect_csp(page)
    context.close()
    assert console.problems == []
