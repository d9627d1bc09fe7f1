"""The seed's path in headless Chromium: portal request → Tier 1 → escalation → Tier 2 → solved.

Debian's /usr/bin/chromium is driven by Playwright's sync API against pytest-django's live
server. The browser console must stay free of CSP violations and script errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from conftest import PASSWORD
from latido.tickets.models import Ticket

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update"]
SCREENSHOT = Path("/tmp/latido-agent-ticket.png")
QUEUE_SCREENSHOT = Path("/tmp/latido-agent-queue.png")
PORTAL_SCREENSHOT = Path("/tmp/latido-portal-ticket.png")
HANDOFF = "HANDOFF: card issuer shows one capture; gateway shows two. Needs the payments logs."
ANSWER = "The duplicate charge was a pre-authorisation; it has been released today."
# Collects every CSP violation the page reports, before any page script runs.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def browser(monkeypatch) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # (fixtures, assertions) are still synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """Console errors, page errors and CSP violations of every page opened in the journey."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", lambda m: m.type in ("error", "warning")
                and self.problems.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        return page

    def collect_csp(self, page: Page) -> None:
        self.problems += [f"csp: {v}" for v in page.evaluate("window.__csp || []")]


def sign_in(browser: Browser, base: str, email: str, console: Console
            ) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = console.watch(context.new_page())
    page.goto(f"{base}/signin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return context, page


def sign_out(context: BrowserContext, page: Page, console: Console) -> None:
    console.collect_csp(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Latido")).to_be_visible()
    context.close()


def open_queue(page: Page, tier_label: str, subject: str, *, screenshot: Path | None = None,
               try_filters: bool = False) -> None:
    sidebar = page.locator("#sidebar")
    sidebar.get_by_role("link", name=re.compile(rf"^{tier_label}\b")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Payments · {tier_label}")
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    if try_filters:
        # htmx swaps the list in place: the page (and this marker) survives a filter change.
        page.evaluate("window.__samePage = true")
        page.get_by_label("Priority").select_option(label="Urgent")
        expect(page.locator("#ticket-list")).to_contain_text("No tickets here.")
        expect(page).to_have_url(re.compile(r"[?&]priority=4"))
        page.get_by_label("Priority").select_option(label="Any priority")
        expect(page.locator("#ticket-list").get_by_role("link", name=subject)).to_be_visible()
        assert page.evaluate("window.__samePage === true")
    page.locator("#ticket-list").get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)


def test_request_escalation_and_answer(world, live_server, browser):
    base = live_server.url
    console = Console()
    subject = "Charged twice for order 2002"

    # A customer signs in and submits a request with an attachment.
    context, page = sign_in(browser, base, world.customer_a.email, console)
    expect(page).to_have_url(f"{base}/portal/")
    page.get_by_role("link", name="New request").first.click()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Description").fill("My card shows two charges of 49.00 EUR.")
    page.get_by_label("Attachments").set_input_files(
        {"name": "statement.txt", "mimeType": "text/plain", "buffer": b"49.00\n49.00\n"})
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("was received.")).to_be_visible()
    ticket = Ticket.objects.get(subject=subject)
    expect(page.locator(".ticket-head .ref")).to_have_text(ticket.reference)
    sign_out(context, page, console)

    # A Tier 1 agent finds it in the Tier 1 queue, replies, then escalates with a hand-off.
    context, page = sign_in(browser, base, world.tier1.email, console)
    open_queue(page, "Tier 1", subject, try_filters=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="statement.txt").click()
    assert download.value.suggested_filename == "statement.txt"
    page.locator("#reply_body").fill("Thanks, we are checking it with the card issuer.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    page.get_by_text("Escalate to a higher tier").click()
    page.get_by_label("Escalate to").select_option(label="Tier 2")
    page.get_by_label("Reason").fill("Needs the payment gateway logs")
    page.get_by_label("Hand-off note").fill(HANDOFF)
    page.get_by_role("button", name="Escalate", exact=True).click()
    expect(page.get_by_text("Ticket escalated.")).to_be_visible()
    expect(page.locator(".ticket-head .badge.tier")).to_have_text("Tier 2")
    sign_out(context, page, console)

    # A Tier 2 specialist sees it in the Tier 2 queue, answers and solves it.
    context, page = sign_in(browser, base, world.tier2.email, console)
    open_queue(page, "Tier 2", subject, screenshot=QUEUE_SCREENSHOT)
    expect(page.locator(".msg.note", has_text=HANDOFF).locator(".note-label")).to_have_text(
        "Hand-off note")
    page.locator("#reply_body").fill(ANSWER)
    page.get_by_label("Then set the status to").select_option("solved")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.locator(".ticket-head .badge").first).to_have_text("Solved")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    sign_out(context, page, console)

    # The customer sees the answer and the solved status, and never the hand-off note.
    context, page = sign_in(browser, base, world.customer_a.email, console)
    row = page.locator("tr", has_text=subject)
    expect(row.locator(".badge")).to_have_text("Solved")
    row.get_by_role("link", name=subject).click()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.locator(".ticket-head .badge")).to_have_text("Solved")
    page.screenshot(path=str(PORTAL_SCREENSHOT), full_page=True)
    html = page.content()
    for hidden in ("HANDOFF", "Needs the payment gateway logs", "Hand-off note",
                   "Internal note", "escalated"):
        assert hidden not in html
    sign_out(context, page, console)

    assert console.problems == []
    assert SCREENSHOT.stat().st_size > 10_000
