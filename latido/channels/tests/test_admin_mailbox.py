"""The mailbox form of the configuration UI: IMAP/OAuth2 settings as fields, secrets by name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from latido.channels.models import Mailbox

pytestmark = pytest.mark.django_db

ADD = "/django-admin/latido_channels/mailbox/add/"
INLINE = {"templates-TOTAL_FORMS": "0", "templates-INITIAL_FORMS": "0",
          "templates-MIN_NUM_FORMS": "0", "templates-MAX_NUM_FORMS": "1000"}


def _form(**extra: Any) -> dict[str, Any]:
    return {"name": "Help", "address": "help@latido.test", "kind": "imap", "active": "on",
            "default_language": "es", "imap_host": "imap.example.com", "imap_port": "",
            "imap_security": "starttls", "imap_username": "help@latido.test",
            "imap_auth": "password", "imap_password_env": "LATIDO_IMAP_HELP_PASSWORD",
            "imap_folder": "Support", "imap_processed_folder": "Support/Done",
            "oauth_provider": "microsoft", **INLINE, **extra}


@pytest.fixture
def admin(world) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_an_administrator_configures_an_imap_mailbox_with_fields(admin):
    response = admin.post(ADD, _form())
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.settings == {
        "host": "imap.example.com", "security": "starttls", "username": "help@latido.test",
        "auth": "password", "password_env": "LATIDO_IMAP_HELP_PASSWORD", "folder": "Support",
        "processed_folder": "Support/Done", "oauth_provider": "microsoft"}
    assert mailbox.default_language == "es"

    page = admin.get(f"/django-admin/latido_channels/mailbox/{mailbox.pk}/change/")
    html = page.content.decode()
    assert 'value="LATIDO_IMAP_HELP_PASSWORD"' in html
    assert "Test the IMAP connection" in admin.get(
        "/django-admin/latido_channels/mailbox/").content.decode()


@pytest.mark.parametrize(("extra", "field", "error"), [
    ({"imap_password_env": "hunter2 secret!"}, "imap_password_env",
     "Give the name of an environment variable (letters, digits and underscores), not the "
     "secret itself."),
    ({"imap_host": ""}, "imap_host", "An IMAP mailbox needs this."),
    ({"imap_password_env": ""}, "imap_password_env", "An IMAP mailbox needs this."),
    ({"imap_auth": "oauth2"}, "oauth_client_id", "An IMAP mailbox needs this."),
    ({"imap_auth": "oauth2", "oauth_provider": "custom", "oauth_client_id": "c",
      "oauth_refresh_token_env": "RT"}, "oauth_token_url", "An IMAP mailbox needs this."),
    ({"imap_ca_file": "relative.pem"}, "imap_ca_file", "Give an absolute path."),
    ({"imap_ca_file": "/nonexistent/ca.pem"}, "imap_ca_file",
     "This is not a readable PEM file of certificates."),
    ({"imap_port": "70000"}, "imap_port", "Ensure this value is less than or equal to 65535."),
])
def test_bad_settings_are_refused_and_nothing_is_stored(admin, extra, field, error):
    response = admin.post(ADD, _form(**extra))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [error]
    assert Mailbox.objects.count() == 0


def test_keys_the_form_does_not_know_are_kept(admin):
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", kind="imap",
                                     settings={"timeout": 30, "host": "old.example.com"})
    response = admin.post(f"/django-admin/latido_channels/mailbox/{mailbox.pk}/change/",
                          _form())
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.settings["timeout"] == 30
    assert mailbox.settings["host"] == "imap.example.com"


def test_agents_cannot_open_the_mailbox_settings(world):
    client = Client()
    client.force_login(world.tier1)
    response = client.get(ADD)
    assert response.status_code == 302  # to the admin login: not staff
    assert Mailbox.objects.count() == 0
