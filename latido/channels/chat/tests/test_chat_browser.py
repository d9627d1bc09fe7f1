"""Live chat in headless Chromium, against a real ASGI server (uvicorn) with websockets.

A visitor on a third-party page (another origin: http://localhost:<port> of a plain HTTP
server started here, while Latido is http://127.0.0.1:<port>) opens the
widget from its snippet and chats with an agent signed in on the /chat/ console; the
transcript ends up on the ticket. A second visitor waits longer than the widget's timeout
and leaves a message instead.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import uvicorn
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from config.asgi import application
from latido.channels.chat.admin import widget_snippet
from latido.channels.chat.models import ChatSession, ChatStatus, ChatWidget
from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent
from tests.e2e.test_journey import CSP_LISTENER, Console, browser, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["browser"]  # the Chromium fixture of the journey test

SHOP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Shop</title></head><body><h1>Parcels &amp; more</h1>
<p>Questions? Our team is one click away.</p>
{snippet}
</body></html>"""


@pytest.fixture
def asgi_server(settings) -> Iterator[str]:
    """uvicorn serving config.asgi (HTTP and websockets) on a free loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings.BASE_URL = base
    config = uvicorn.Config(ASGIStaticFilesHandler(application), lifespan="off",
                            log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    # On PostgreSQL a request the closing browser cancelled can leave a worker thread's
    # connection open; pytest-django then only warns that the test database is in use when
    # it drops it. Terminating backends here killed other tests' connections on the same
    # xdist worker (pytest-django's session-wide live server), so it is not done.


@pytest.fixture
def shop_site() -> Iterator[str]:
    """The shop's own web server: /<widget key> is a page carrying that widget's snippet."""

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            if self.path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            try:
                widget = ChatWidget.objects.filter(public_key=self.path.strip("/")).first()
            finally:
                connection.close()  # this thread's own; the test database must drop cleanly
            body = SHOP_PAGE.format(snippet=widget_snippet(widget)) if widget else ""
            self.send_response(200 if widget else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def open_shop(browser: Browser, shop: str, widget: ChatWidget, console: Console) -> Page:
    """A fresh visitor on the shop's page, which carries the widget's snippet."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    context.add_init_script(CSP_LISTENER)
    page = console.watch(context.new_page())
    page.goto(f"{shop}/{widget.public_key}")
    page.get_by_role("button", name="Chat with us").click()
    return page


def start_chat(page: Page, name: str, email: str, message: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your email address").fill(email)
    page.get_by_label("How can we help?").fill(message)
    page.get_by_role("button", name="Start the chat").click()
    expect(page.get_by_text("Waiting for an agent…")).to_be_visible()


def test_visitor_chats_with_an_agent_and_a_late_one_leaves_a_message(
        world, asgi_server, shop_site, browser):
    base = asgi_server
    console = Console()
    widget = ChatWidget.objects.create(name="Shop", allowed_origins=shop_site, team=world.team)
    slow = ChatWidget.objects.create(name="Night shop", allowed_origins=shop_site,
                                     team=world.team, wait_timeout_seconds=3)

    # The agent opens the chat console.
    _, agent = sign_in(browser, base, world.tier1.email, console)
    agent.goto(f"{base}/chat/")
    expect(agent.get_by_role("heading", level=1)).to_have_text("Live chat")
    expect(agent.get_by_text("Connected. New visitors appear here.")).to_be_visible()

    # A visitor on the shop's site starts a chat from the widget.
    visitor = open_shop(browser, shop_site, widget, console)
    start_chat(visitor, "Vera Visitor", "vera@shop.test", "Where is parcel 7781?")
    chat = ChatSession.objects.get(widget=widget)

    # The agent sees her waiting and accepts.
    waiting = agent.locator("#chat-waiting")
    expect(waiting).to_contain_text("Vera Visitor")
    expect(waiting).to_contain_text("vera@shop.test")
    agent.get_by_role("button", name="Accept the chat with Vera Visitor").click()
    pane = agent.get_by_role("article", name="Vera Visitor")
    expect(pane).to_contain_text("Where is parcel 7781?")
    expect(waiting).to_be_empty()
    expect(visitor.get_by_text(f"{world.tier1.name} joined the chat.")).to_be_visible()
    expect(agent.locator("#chat-load")).to_have_text("Your chats: 1 of 3.")

    # Typing indicators both ways, then lines both ways.
    visitor.get_by_label("Your message", exact=True).press_sequentially("It was due ")
    expect(pane.get_by_text("Vera Visitor is typing…")).to_be_visible()
    visitor.get_by_label("Your message", exact=True).press_sequentially("on Monday.")
    visitor.get_by_role("button", name="Send").click()
    expect(pane).to_contain_text("It was due on Monday.")
    expect(pane.get_by_text("Vera Visitor is typing…")).to_be_hidden()
    reply = pane.get_by_label("Reply to Vera Visitor")
    reply.press_sequentially("It left our warehouse today")
    expect(visitor.get_by_text("The agent is typing…")).to_be_visible()
    reply.press("Enter")
    expect(visitor.locator(".latido-chat-lines")).to_contain_text("It left our warehouse today")
    expect(visitor.get_by_text("The agent is typing…")).to_be_hidden()

    # The visitor moves on (here: reloads the page); the chat follows, transcript and all.
    console.collect_csp(visitor)
    visitor.reload()
    expect(visitor.locator(".latido-chat-lines")).to_contain_text("It left our warehouse today")
    expect(visitor.locator(".latido-chat-lines")).to_contain_text("It was due on Monday.")
    expect(pane.get_by_text("The visitor is back.")).to_be_visible()

    # The agent ends the chat; the visitor is told.
    pane.get_by_role("button", name="End chat").click()
    expect(visitor.get_by_text("The chat has ended. Thank you!")).to_be_visible()
    expect(pane).to_be_hidden()

    # The transcript is the ticket's timeline.
    agent.goto(f"{base}/agent/tickets/{chat.ticket.reference}/")
    expect(agent.get_by_role("heading", level=1)).to_have_text(chat.ticket.subject)
    main = agent.locator("main")
    for line in ("Where is parcel 7781?", "It was due on Monday.", "It left our warehouse today"):
        expect(main.get_by_text(line, exact=True)).to_be_visible()
    expect(main).to_contain_text("The visitor started a chat.")
    expect(main).to_contain_text(re.compile(r"accepted the chat after"))
    expect(main).to_contain_text("The chat ended after")
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ENDED
    assert chat.agent == world.tier1
    console.collect_csp(agent)
    console.collect_csp(visitor)

    # A second visitor, on a widget nobody answers in time, leaves a message instead.
    late = open_shop(browser, shop_site, slow, console)
    start_chat(late, "Luis Late", "luis@shop.test", "Can I change my delivery address?")
    agent.goto(f"{base}/chat/")
    expect(waiting).to_contain_text("Luis Late")  # queued, but nobody accepts in time
    expect(agent).to_have_title(re.compile(r"^\(1\) Live chat"))
    expect(late.get_by_text("All our agents are busy.", exact=False)).to_be_visible(timeout=8000)
    late.get_by_label("Your message for our team").fill("New address: 12 Harbour Road, Gdańsk.")
    late.get_by_role("button", name="Leave a message").click()
    expect(late.get_by_text("Thank you! We received your message", exact=False)).to_be_visible()
    console.collect_csp(late)
    expect(waiting).to_be_empty()

    left = ChatSession.objects.get(widget=slow)
    assert left.status == ChatStatus.ABANDONED
    assert left.left_message
    event = TicketEvent.objects.get(ticket=left.ticket, type=EventType.CHAT_ABANDONED)
    assert event.data["left_message"] is True
    assert event.data["waited_seconds"] >= 3
    assert left.ticket.is_open
    assert left.ticket.channel == "chat"
    assert list(left.ticket.messages.order_by("id").values_list("body_text", flat=True)) == [
        "Can I change my delivery address?", "New address: 12 Harbour Road, Gdańsk."]
    agent.goto(f"{base}/agent/tickets/{left.ticket.reference}/")
    main = agent.locator("main")
    expect(main.get_by_text("New address: 12 Harbour Road, Gdańsk.", exact=True)).to_be_visible()
    expect(main).to_contain_text(re.compile(r"The visitor left the chat after waiting \d+ s\."))
    console.collect_csp(agent)
    assert console.problems == []
