"""Fixtures of the web form tests: a form embedded by one shop, and ready-made submissions."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from latido.channels.webform.models import WebForm
from latido.channels.webform.spam import token_issue

SHOP = "https://shop.example.com"


@pytest.fixture
def webform(world) -> WebForm:
    form = WebForm(name="Shop contact", team=world.other_team, allowed_origins=SHOP,
                   per_ip_hourly_limit=3, per_email_hourly_limit=2, min_fill_seconds=3,
                   max_attachments=2)
    form.full_clean()
    form.save()
    return form


def aged_token(form: WebForm, seconds: float = 30) -> str:
    """A token as if the form had been shown `seconds` ago."""
    return token_issue(form=form, at=time.time() - seconds)


def upload(name: str = "receipt.pdf", content: bytes = b"%PDF-1.4 receipt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_data(form: WebForm, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Vera Visitor", "email": "vera@visitor.test", "subject": "Where is my order?",
        "message": "Order 4711 has not arrived yet.", "token": aged_token(form),
        "website": "", "page": f"{SHOP}/contact",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
