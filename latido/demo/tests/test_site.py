"""The demo's example customer website embeds the demo chat widget and contact form."""

from __future__ import annotations

import pytest
from django.test import override_settings

from latido.channels.chat.models import ChatWidget
from latido.channels.webform.models import WebForm
from latido.demo.build import build_demo
from latido.demo.site import demo_origins

pytestmark = pytest.mark.django_db

SMALL = {"tickets": 5, "customers": 5, "organizations": 1, "days": 5, "seed": 1}


def test_the_demo_configures_a_widget_and_a_form_for_its_own_address():
    build_demo(**SMALL)

    widget = ChatWidget.objects.get()
    form = WebForm.objects.get()
    assert widget.team.name == form.team.name == "Payments"
    assert widget.allows_origin("http://127.0.0.1:8000")
    assert widget.allows_origin("http://localhost:8000")
    assert not widget.allows_origin("http://127.0.0.1:9000")
    assert form.origins == ["http://127.0.0.1:8000", "http://localhost:8000"]


@override_settings(BASE_URL="https://help.example.com")
def test_a_public_base_url_has_no_loopback_alias():
    assert demo_origins() == ["https://help.example.com"]


def test_the_example_site_embeds_both_snippets(client):
    build_demo(**SMALL)
    widget, form = ChatWidget.objects.get(), WebForm.objects.get()

    page = client.get("/demo/site/").content.decode()

    assert f'data-latido-chat="{widget.public_key}"' in page
    assert f'data-latido-form="{form.key}"' in page
    assert "/static/latido/chat-widget.js" in page


def test_without_the_demo_the_example_site_is_not_found(client):
    assert client.get("/demo/site/").status_code == 404
