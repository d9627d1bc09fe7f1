"""Fixtures of the live chat tests: a widget of the Payments team on a shop's site."""

from __future__ import annotations

import pytest

from latido.channels.chat.models import ChatWidget

SHOP = "https://shop.example"


@pytest.fixture
def widget(world) -> ChatWidget:
    return ChatWidget.objects.create(name="Shop chat", allowed_origins=f"{SHOP}\nhttp://localhost:8080",
                                     team=world.team, wait_timeout_seconds=120)


@pytest.fixture
def other_widget(world) -> ChatWidget:
    return ChatWidget.objects.create(name="Devices chat", allowed_origins="https://devices.example",
                                     team=world.other_team)
