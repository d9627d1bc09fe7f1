"""Token and session authentication, CSRF on session writes, and token management."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from latido.accounts.models import ApiToken
from latido.accounts.services import api_token_create, api_token_revoke
from latido.api.tests.conftest import Api, error_of, fingerprint
from latido.tickets.models import Message

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> Api:
    return Api(Client(headers={"Authorization": f"Bearer {raw}"}))


def test_a_valid_token_authenticates_as_its_owner(world):
    _token, raw = api_token_create(user=world.tier1, name="cli")

    response = bearer(raw).get("/me")

    assert response.status_code == 200
    assert response.json()["email"] == "tier1@latido.test"
    assert ApiToken.objects.get(user=world.tier1).last_used_at is not None


@pytest.mark.parametrize("header", [
    "Bearer lat_wrong", "Bearer ", "Bearer not-a-latido-token", "Token lat_x", "Basic abc",
])
def test_a_wrong_token_is_401(world, header):
    api_token_create(user=world.tier1, name="cli")

    response = Api(Client(headers={"Authorization": header})).get("/tickets")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="latido"'


def test_a_revoked_token_is_401(world):
    token, raw = api_token_create(user=world.tier1, name="cli")
    api_token_revoke(user=world.tier1, token_id=token.pk)

    response = bearer(raw).get("/me")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


def test_a_deactivated_users_token_is_401(world):
    _token, raw = api_token_create(user=world.tier1, name="cli")
    world.tier1.is_active = False
    world.tier1.save(update_fields=["is_active"])

    assert bearer(raw).get("/me").status_code == 401


def test_anonymous_requests_get_401_json(world):
    response = Api(Client()).get(f"/tickets/{world.ticket.reference}")

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


def test_a_wrong_token_does_not_fall_back_to_the_session(world):
    client = Client(headers={"Authorization": "Bearer lat_wrong"})
    client.force_login(world.tier1)

    assert Api(client).get("/me").status_code == 401


def test_session_auth_reads_without_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.customer_a)

    response = Api(client).get(f"/tickets/{world.ticket.reference}")

    assert response.status_code == 200
    assert response.json()["reference"] == world.ticket.reference


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.customer_a)
    api = Api(client)
    before = fingerprint()

    refused = api.post(f"/tickets/{world.ticket.reference}/reply", {"body": "Hello?"})

    assert refused.status_code == 403
    assert error_of(refused)["code"] == "csrf_failed"
    assert fingerprint() == before

    # What a page does: the CSRF cookie holds the secret, the header a masked token.
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    accepted = api.post(f"/tickets/{world.ticket.reference}/reply", {"body": "Hello?"},
                        headers={"X-CSRFToken": token})

    assert accepted.status_code == 201
    assert Message.objects.filter(ticket=world.ticket, body_text="Hello?").count() == 1


def test_token_requests_need_no_csrf(world):
    _token, raw = api_token_create(user=world.customer_a, name="cli")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})

    response = Api(client).post(f"/tickets/{world.ticket.reference}/reply", {"body": "Hi"})

    assert response.status_code == 201


def test_tokens_are_created_listed_and_revoked_by_their_owner(world, apis):
    api = apis["customer_a"]

    created = api.post("/me/tokens", {"name": "My script"})
    assert created.status_code == 201
    secret = created.json()["secret"]
    token_id = created.json()["token"]["id"]
    assert secret.startswith("lat_")
    assert created.json()["token"]["prefix"] == secret[:12]
    assert not ApiToken.objects.filter(token_hash=secret).exists()  # only the hash is kept
    assert bearer(secret).get("/me").json()["email"] == "ana@acme.test"

    listed = api.get("/me/tokens").json()
    assert [t["name"] for t in listed] == ["My script", "tests"]
    assert all("secret" not in t and "token_hash" not in t for t in listed)

    revoked = api.delete(f"/me/tokens/{token_id}")
    assert revoked.status_code == 204
    assert bearer(secret).get("/me").status_code == 401
    assert api.delete(f"/me/tokens/{token_id}").status_code == 404


def test_a_token_needs_a_name(world, apis):
    response = apis["tier1"].post("/me/tokens", {"name": "  "})

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"
