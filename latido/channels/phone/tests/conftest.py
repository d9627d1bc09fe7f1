"""Phone test helpers: a telephony source with its secret, signed deliveries, API clients."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from latido.accounts.models import User
from latido.accounts.services import api_token_create
from latido.channels.phone.models import Call, TelephonyEvent, TelephonySource
from latido.channels.signing import sign
from latido.customers.models import Contact, ContactIdentity
from latido.tickets.models import Message, Ticket, TicketEvent

SECRET = "pbx-secret-for-tests"
SECRET_ENV = "LATIDO_TEST_PBX_SECRET"


@pytest.fixture
def source(world, monkeypatch) -> TelephonySource:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return TelephonySource.objects.create(name="Office PBX", team=world.team,
                                          secret_env=SECRET_ENV)


def deliver(source_id: int, body: bytes | dict[str, Any], *, secret: str = SECRET,
            stamp: str | None = None, signature: str | None = None,
            content_type: str = "application/json") -> Any:
    """POST a signed delivery to the webhook (a dict is sent as JSON)."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    stamp = stamp or str(int(time.time()))
    return Client().post(
        f"/api/v1/channels/phone/webhook/{source_id}", data=raw,
        content_type=content_type, HTTP_X_LATIDO_TIMESTAMP=stamp,
        HTTP_X_LATIDO_SIGNATURE=signature or sign(secret, stamp, raw),
    )


def api_client(user: User | None) -> Client:
    if user is None:
        return Client()
    _token, raw = api_token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def api_post(user: User | None, path: str, body: dict[str, Any]) -> Any:
    return api_client(user).post("/api/v1/channels/phone" + path, data=json.dumps(body),
                                 content_type="application/json")


def stored() -> dict[str, Any]:
    """Everything the phone channel could write; a rejected request leaves it identical."""
    return {
        "calls": list(Call.objects.order_by("id").values_list(
            "id", "state", "duration_seconds", "ticket_id", "agent_id", "outcome", "counted_at")),
        "webhook_events": TelephonyEvent.objects.count(),
        "tickets": list(Ticket.objects.order_by("id").values_list("id", "version")),
        "events": TicketEvent.objects.count(),
        "messages": Message.objects.count(),
        "contacts": Contact.objects.count(),
        "identities": ContactIdentity.objects.count(),
    }
