"""The console page and the widget's configuration endpoint (Origin checked, CORS)."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from conftest import PASSWORD
from latido.channels.chat import services
from latido.channels.chat.admin import widget_snippet
from latido.channels.chat.visitor import client_ip

from .conftest import SHOP


def signed_in(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_console_is_for_agents_only(client, world):
    response = client.get("/chat/")
    assert response.status_code == 302
    assert "/signin/" in response["Location"]
    for user in (world.customer_a, world.collaborator):
        client.logout()
        assert signed_in(client, user).get("/chat/").status_code == 404
    client.logout()
    page = signed_in(client, world.tier1).get("/chat/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-ws-path="/ws/chat/agent/' in html
    assert "chat-console.js" in html
    assert "<script>" not in html
    assert "style=" not in html


def test_config_answers_allowed_sites_only(client, widget):
    url = f"/chat/widget/{widget.public_key}/config"
    ok = client.get(url, {"lang": "es-ES"}, HTTP_ORIGIN=SHOP)
    assert ok.status_code == 200
    assert ok["Access-Control-Allow-Origin"] == SHOP
    assert "Origin" in ok["Vary"]
    body = ok.json()
    assert body["language"] == "es"
    assert body["wait_timeout_seconds"] == 120
    assert body["labels"]["launcher"] != "Chat with us"  # Spanish
    assert body["stylesheet"].endswith("/static/latido/chat-widget.css")

    for origin in ("https://evil.example", "http://shop.example", "null"):
        refused = client.get(url, HTTP_ORIGIN=origin)
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"
        assert "Access-Control-Allow-Origin" not in refused

    # A same-origin GET (a page served by Latido itself) carries no Origin header: the
    # texts are public, no CORS header is added, and the websocket still checks the site.
    same_origin = client.get(url)
    assert same_origin.status_code == 200
    assert same_origin.json()["labels"]["launcher"]
    assert "Access-Control-Allow-Origin" not in same_origin

    missing = client.get("/chat/widget/lcw_unknown/config", HTTP_ORIGIN=SHOP)
    assert missing.status_code == 404
    assert missing.json()["message"]
    widget.active = False
    widget.save()
    assert client.get(url, HTTP_ORIGIN=SHOP).status_code == 404


def test_config_falls_back_to_english(client, widget):
    body = client.get(f"/chat/widget/{widget.public_key}/config", {"lang": "xx"},
                      HTTP_ORIGIN=SHOP).json()
    assert body["language"] == "en"
    assert body["labels"]["launcher"] == "Chat with us"


def test_one_network_cannot_open_chats_without_end(widget):
    for n in range(services.CHATS_PER_IP):
        services.chat_start(widget=widget, origin=SHOP, name="Bot", email=f"b{n}@x.test",
                            message="hi", ip="203.0.113.9")
    with pytest.raises(services.RateLimited):
        services.chat_start(widget=widget, origin=SHOP, name="Bot", email="b@x.test",
                            message="hi", ip="203.0.113.9")
    services.chat_start(widget=widget, origin=SHOP, name="Neighbour", email="n@x.test",
                        message="hi", ip="203.0.113.10")


def test_admin_shows_the_snippet_and_checks_origins(client, world, widget):
    signed_in(client, world.admin)
    page = client.get(f"/django-admin/latido_chat/chatwidget/{widget.pk}/change/")
    assert page.status_code == 200
    # Shown as text to copy (escaped), never as a live script tag in the admin.
    assert f"<code>{escape(widget_snippet(widget))}</code>" in page.content.decode()
    assert widget.public_key in widget_snippet(widget)
    response = client.post("/django-admin/latido_chat/chatwidget/add/", {
        "name": "Bad", "team": world.team.pk, "allowed_origins": "https://ok.example/path",
        "wait_timeout_seconds": 60, "active": "on"})
    assert response.status_code == 200
    assert "Not an origin" in response.content.decode()


def test_visitor_address_behind_trusted_proxies_and_kept_hashed(settings, widget):
    scope = {"client": ("10.0.0.2", 5555),
             "headers": [(b"x-forwarded-for", b"198.51.100.7, 203.0.113.5")]}
    settings.LATIDO_TRUSTED_PROXY_COUNT = 0
    assert client_ip(scope) == "10.0.0.2"  # forwarded headers are not trusted by default
    settings.LATIDO_TRUSTED_PROXY_COUNT = 1
    assert client_ip(scope) == "203.0.113.5"
    session, _ = services.chat_start(widget=widget, origin=SHOP, name="Ann", email="a@x.test",
                                     message="hi", ip="203.0.113.5")
    assert session.visitor_ip_hash
    assert "203.0.113.5" not in session.visitor_ip_hash
