"""The committed OpenAPI snapshot is the contract; a change to it must be deliberate."""

from __future__ import annotations

import json

from django.test import Client

from latido.api.snapshot import REGENERATE, SNAPSHOT, live_schema, render


def test_live_schema_matches_the_committed_snapshot():
    committed = SNAPSHOT.read_text(encoding="utf-8")

    assert render(live_schema()) == committed, (
        f"The API schema changed. If that is intended, run `{REGENERATE}` and commit "
        f"{SNAPSHOT.name}."
    )


def test_the_schema_is_served_without_authentication(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json() == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


# Webhooks called by other systems (mail providers, PBXs): no session or token, each request
# is verified by an HMAC signature instead, tested with the webhook (channels' test_webhook).
SIGNED_WEBHOOKS = {
    ("post", "/channels/email/inbound/{mailbox_id}"),
    ("post", "/channels/social/inbound/{account_id}"),
    ("post", "/channels/phone/webhook/{source_id}"),
}


def test_every_operation_declares_both_auth_schemes():
    schema = live_schema()
    schemes = set(schema["components"]["securitySchemes"])

    assert schemes == {"TokenAuth", "SessionAuth"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (method, path.removeprefix("/api/v1")) in SIGNED_WEBHOOKS:
                assert "security" not in operation, (path, method)
                continue
            assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], (
                path, method)


def test_the_permission_matrix_covers_every_operation():
    from latido.api.tests import test_permissions_people, test_permissions_tickets

    covered = {case.route for case in [*test_permissions_tickets.CASES.values(),
                                       *test_permissions_people.CASES.values()]}
    operations = {
        (method, path.removeprefix("/api/v1"))
        for path, ops in live_schema()["paths"].items() for method in ops
    }
    assert operations >= SIGNED_WEBHOOKS
    assert not covered & SIGNED_WEBHOOKS
    assert covered == operations - SIGNED_WEBHOOKS
