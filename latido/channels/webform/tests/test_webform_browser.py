"""The contact form on a third-party site, in headless Chromium.

A shop's page is served by a tiny http.server on another port (another origin than Latido's
live server) under a strict Content-Security-Policy of its own that allows only Latido's host
for scripts, styles and requests. The visitor fills the embedded form, attaches a file and
sends it; the ticket must exist with the attachment, and neither page may log a console error
or a CSP violation. The iframe variant is checked the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from latido.channels.webform.models import WebForm
from latido.tickets.enums import Channel
from latido.tickets.models import Ticket
from tests.e2e import test_journey
from tests.e2e.test_journey import CSP_LISTENER, Console

pytestmark = pytest.mark.e2e
browser = test_journey.browser  # the journey's Chromium fixture, shared

SCREENSHOT = Path("/tmp/latido-webform-embedded.png")
SHOP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tienda Ejemplo</title></head>
<body><h1>Tienda Ejemplo</h1><p>Questions about your order? Write to us.</p>
<div id="contact"></div>
<script src="{latido}/static/latido/contact-form.js" data-latido-form="{key}"
        data-latido-target="#contact" async></script>
</body></html>"""
IFRAME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tienda Ejemplo</title></head>
<body><iframe src="{latido}/forms/{key}/" title="Contact us" width="600" height="900">
</iframe></body></html>"""


class Shop:
    """Another site: its own origin, its own CSP."""

    def __init__(self, pages: dict[str, str], latido: str) -> None:
        csp = (f"default-src 'none'; script-src {latido}; style-src {latido}; "
               f"connect-src {latido}; frame-src {latido}; form-action 'none'")

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                body = pages.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", csp)
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def shop(live_server) -> Iterator[tuple[Shop, WebForm]]:
    form = WebForm.objects.create(name="Shop", min_fill_seconds=30, max_attachments=3)
    pages = {"/": SHOP_PAGE.format(latido=live_server.url, key=form.key),
             "/iframe": IFRAME_PAGE.format(latido=live_server.url, key=form.key)}
    site = Shop(pages, live_server.url)
    form.allowed_origins = site.origin
    form.save()
    yield site, form
    site.close()


def test_a_visitor_sends_the_embedded_form_with_an_attachment(browser, shop, world, tmp_path):
    site, form = shop
    attachment = Path(tmp_path / "order-receipt.pdf")
    attachment.write_bytes(b"%PDF-1.4 receipt of order 4711")
    console = Console()
    context = browser.new_context(locale="es-ES")
    context.add_init_script(CSP_LISTENER)
    page = console.watch(context.new_page())
    page.goto(site.origin + "/")

    # The form is drawn inside the shop's page, in the visitor's language (Spanish).
    expect(page.get_by_role("heading", name="Contáctenos")).to_be_visible()
    page.get_by_label("Nombre completo").fill("Vera Visitante")
    page.get_by_label("Dirección de correo electrónico").fill("vera@visitante.test")
    page.get_by_label("Asunto").fill("Pedido 4711 no llegó")
    page.get_by_label("¿En qué podemos ayudarle?").fill("El pedido 4711 no ha llegado.")
    page.get_by_label("Archivos adjuntos").set_input_files(str(attachment))
    expect(page.locator("input[name=website]")).not_to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # Sent faster than the form's minimum fill time: refused as spam, the form stays.
    page.get_by_role("button", name="Enviar mensaje").click()
    expect(page.get_by_role("alert")).to_contain_text("demasiado rápido")
    assert not Ticket.objects.filter(channel=Channel.WEB).exists()

    # A human would have taken longer; the limit is lowered instead of waiting 30 seconds.
    WebForm.objects.filter(pk=form.pk).update(min_fill_seconds=0)
    page.get_by_role("button", name="Enviar mensaje").click()
    expect(page.get_by_role("status")).to_contain_text("Gracias")
    ticket = Ticket.objects.get(channel=Channel.WEB)
    expect(page.get_by_role("status")).to_contain_text(ticket.reference)

    assert ticket.subject == "Pedido 4711 no llegó"
    assert ticket.requester.primary_email == "vera@visitante.test"
    saved = ticket.attachments.get()
    assert saved.filename == "order-receipt.pdf"
    with saved.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 receipt of order 4711"
    submission = form.submissions.get()
    assert submission.origin == site.origin
    assert submission.page_url == site.origin + "/"

    console.collect_csp(page)
    # The refused first try answers 400, which Chromium reports as a failed resource load.
    assert [p for p in console.problems if "400 (Bad Request)" not in p] == []
    context.close()


def test_the_iframe_variant_works_on_the_allowed_site(browser, shop, world):
    site, form = shop
    WebForm.objects.filter(pk=form.pk).update(min_fill_seconds=0)
    console = Console()
    context = browser.new_context()
    context.add_init_script(CSP_LISTENER)
    page = console.watch(context.new_page())
    page.goto(site.origin + "/iframe")
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Contact us")).to_be_visible()
    frame.get_by_label("Full name").fill("Ivo Iframe")
    frame.get_by_label("Email address").fill("ivo@iframe.test")
    frame.get_by_label("How can we help you?").fill("Do you ship to Poland?")
    frame.get_by_role("button", name="Send message").click()
    expect(frame.get_by_role("status")).to_contain_text("Thank you")
    ticket = Ticket.objects.get(channel=Channel.WEB)
    assert ticket.subject == "Do you ship to Poland?"
    console.collect_csp(page)
    assert console.problems == []
    context.close()
