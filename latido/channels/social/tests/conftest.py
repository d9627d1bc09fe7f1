"""Fixtures for the social channel: a configured account and a real connector on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from latido.channels.social.models import SocialAccount
from latido.channels.social.tests.helpers import (
    INBOUND_ENV,
    INBOUND_SECRET,
    OUTBOUND_ENV,
    OUTBOUND_SECRET,
    Connector,
)


@pytest.fixture
def connector() -> Iterator[Connector]:
    server = Connector()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def account(world, connector, monkeypatch) -> SocialAccount:
    monkeypatch.setenv(INBOUND_ENV, INBOUND_SECRET)
    monkeypatch.setenv(OUTBOUND_ENV, OUTBOUND_SECRET)
    return SocialAccount.objects.create(
        platform="whatsapp", account_id="+34900100200", name="WhatsApp Support",
        team=world.team, inbound_secret_env=INBOUND_ENV, outbound_url=connector.url,
        outbound_secret_env=OUTBOUND_ENV,
    )
