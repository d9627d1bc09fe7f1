"""API test helpers: a client per cast member (bearer tokens) and a database fingerprint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from latido.accounts.models import ApiToken, User
from latido.accounts.services import api_token_create
from latido.customers.models import Contact, ContactIdentity
from latido.tickets.models import Message, Ticket, TicketEvent, TicketLink

ACTORS = ["anonymous", "customer_a", "customer_b", "other_agent", "tier1", "lead",
          "collaborator", "admin"]


class Api:
    """A thin JSON client for /api/v1."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        url = "/api/v1" + path
        if body is not None:
            kwargs.setdefault("content_type", "application/json")
            kwargs["data"] = json.dumps(body)
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PATCH", path, body if body is not None else {}, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("DELETE", path, **kwargs)


def api_for(user: User | None) -> Api:
    if user is None:
        return Api(Client())
    _token, raw = api_token_create(user=user, name="tests")
    return Api(Client(headers={"Authorization": f"Bearer {raw}"}))


@pytest.fixture
def apis(world) -> dict[str, Api]:
    """One authenticated API client per member of the permission-matrix cast."""
    return {name: api_for(user) for name, user in world.actors().items()}


def fingerprint() -> dict[str, Any]:
    """Everything an endpoint could write; a denied request must leave it identical."""
    return {
        "tickets": list(Ticket.objects.order_by("id").values_list(
            "id", "version", "status", "priority", "type", "subject", "tier", "team_id",
            "queue_id", "assignee_id", "merged_into_id", "category_id", "fields")),
        "tags": sorted(Ticket.tags.through.objects.values_list("ticket_id", "tag_id")),
        "messages": Message.objects.count(),
        "events": TicketEvent.objects.count(),
        "links": TicketLink.objects.count(),
        "contacts": Contact.objects.count(),
        "identities": ContactIdentity.objects.count(),
        "tokens": list(ApiToken.objects.order_by("id").values_list("id", "revoked_at")),
    }


def error_of(response: Any) -> dict[str, Any]:
    """The JSON error body, checked to be exactly {code, message}."""
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"code", "message"}
    assert isinstance(body["code"], str)
    assert body["message"]
    return body


def assert_matrix_case(
    response: Any, *, expected: int, writes: bool, before: dict[str, Any]
) -> None:
    """One cell of a permission matrix: the status, and a change only where one is allowed."""
    assert response.status_code == expected, response.content
    if expected >= 400:
        error_of(response)
        assert fingerprint() == before
    elif writes:
        assert fingerprint() != before
    else:
        assert fingerprint() == before
