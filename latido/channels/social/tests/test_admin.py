"""Administrators configure social accounts in the admin site; messages are read-only there."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from latido.channels.social.models import SocialAccount, SocialMessage
from latido.channels.social.tests.helpers import message, post

pytestmark = pytest.mark.django_db

ACCOUNTS = "/django-admin/latido_social/socialaccount/"
MESSAGES = "/django-admin/latido_social/socialmessage/"


def _form(**overrides: str) -> dict[str, str]:
    data = {"name": "Instagram", "platform": " Instagram ", "account_id": "17841400000",
            "active": "on", "inbound_secret_env": "LATIDO_IG_IN",
            "outbound_url": "https://connector.example/replies",
            "outbound_secret_env": "LATIDO_IG_OUT", "team": ""}
    data.update(overrides)
    return data


def test_an_administrator_adds_an_account_with_secrets_named_not_stored(client, world):
    assert client.login(username=world.admin.email, password=PASSWORD)
    response = client.post(f"{ACCOUNTS}add/", _form(team=str(world.team.pk)))

    assert response.status_code == 302, response.content.decode()[:2000]
    account = SocialAccount.objects.get()
    assert (account.platform, account.account_id, account.team) == (
        "instagram", "17841400000", world.team)
    assert account.inbound_secret_env == "LATIDO_IG_IN"


@pytest.mark.parametrize(("field", "value"), [("inbound_secret_env", "not a name!"),
                                              ("platform", "Whats App"),
                                              ("outbound_url", "ftp://x")])
def test_bad_account_settings_are_refused(client, world, field, value):
    assert client.login(username=world.admin.email, password=PASSWORD)
    response = client.post(f"{ACCOUNTS}add/", _form(**{field: value}))

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert SocialAccount.objects.count() == 0


def test_messages_are_listed_read_only_for_administrators(client, world, account):
    post(account.pk, message())
    row = SocialMessage.objects.get()
    assert client.login(username=world.admin.email, password=PASSWORD)

    assert "wamid.1" in client.get(f"{MESSAGES}?q=wamid").content.decode()
    assert client.get(f"{MESSAGES}{row.pk}/change/").status_code == 200
    assert client.post(f"{MESSAGES}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SocialMessage.objects.filter(pk=row.pk).exists()


def test_agents_cannot_open_social_accounts(client, world, account):
    assert client.login(username=world.lead.email, password=PASSWORD)
    response = client.get(ACCOUNTS)
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]
