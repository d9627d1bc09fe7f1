"""Every failure is {code, message} with the right status, and changes nothing."""

from __future__ import annotations

import base64
import json

import pytest

from latido.api.tests.conftest import error_of, fingerprint
from latido.tickets.services import ticket_update


def forged(value: object, pk: object) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode().rstrip("=")


def test_a_stale_version_is_409_and_changes_nothing(world, apis):
    stale = world.ticket.version
    ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=stale, priority=3)
    before = fingerprint()

    response = apis["tier1"].patch(f"/tickets/{world.ticket.reference}",
                                   {"version": stale, "status": "solved"})

    assert response.status_code == 409
    assert error_of(response)["code"] == "stale_version"
    assert fingerprint() == before


def test_the_current_version_is_accepted_and_bumped(world, apis):
    version = world.ticket.version

    response = apis["tier1"].patch(f"/tickets/{world.ticket.reference}",
                                   {"version": version, "status": "pending", "priority": 3})

    assert response.status_code == 200
    assert response.json()["version"] == version + 1
    assert response.json()["status"] == "pending"
    assert response.json()["priority"] == 3


def test_a_stale_version_on_a_reply_is_409(world, apis):
    before = fingerprint()

    response = apis["customer_a"].post(f"/tickets/{world.ticket.reference}/reply",
                                       {"body": "Hello", "version": world.ticket.version - 1})

    assert response.status_code == 409
    assert fingerprint() == before


def test_patch_without_version_is_422(world, apis):
    before = fingerprint()

    response = apis["tier1"].patch(f"/tickets/{world.ticket.reference}", {"status": "open"})

    assert response.status_code == 422
    body = error_of(response)
    assert body["code"] == "invalid"
    assert body["message"] == "version: Field required"
    assert fingerprint() == before


@pytest.mark.parametrize(("query", "code"), [
    ("status=bogus", "invalid"), ("status=open,bogus", "invalid"), ("priority=9", "invalid"),
    ("priority=high", "invalid"), ("tier=7", "invalid"), ("channel=fax", "invalid"),
    ("team=abc", "invalid"), ("team=0", "invalid"), ("team=99999999999999999999", "invalid"),
    ("unassigned=maybe", "invalid"), ("limit=0", "invalid"), ("limit=101", "invalid"),
    ("sort=subject", "bad_sort"), ("sort=team__name", "bad_sort"), ("cursor=garbage", "bad_cursor"),
    ("cursor=" + forged("not-a-date", 1), "bad_cursor"),
    ("cursor=" + forged({"dt": "2024-13-45"}, 1), "bad_cursor"),
    ("cursor=" + forged({"dt": "2024-01-01T00:00:00"}, 2**70), "bad_cursor"),
    ("cursor=" + forged(None, 1), "bad_cursor"),
    ("sort=priority&cursor=" + forged({"dt": "2024-01-01T00:00:00+00:00"}, 1), "bad_cursor"),
    ("sort=priority&cursor=" + forged(2**80, 1), "bad_cursor"),
])
def test_bad_list_parameters_are_400(world, apis, query, code):
    response = apis["admin"].get(f"/tickets?{query}")

    assert response.status_code == 400, response.content
    assert error_of(response)["code"] == code


def test_bad_filter_message_names_the_field_and_allowed_values(world, apis):
    body = error_of(apis["admin"].get("/tickets?status=bogus"))

    assert body["message"] == ("status.0: Input should be 'new', 'open', 'pending', 'on_hold', "
                               "'solved' or 'closed'")


def test_a_cursor_from_another_sort_order_is_refused(world, apis):
    first = apis["admin"].get("/tickets?limit=1&sort=created").json()

    response = apis["admin"].get(f"/tickets?sort=priority&cursor={first['next_cursor']}")

    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_cursor"


def test_an_oversized_json_body_is_413_and_changes_nothing(world, apis, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    before = fingerprint()

    response = apis["customer_a"].post(f"/tickets/{world.ticket.reference}/reply",
                                       {"body": "x" * 3_000})

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"
    assert fingerprint() == before


def test_invalid_json_is_400(world, apis):
    response = apis["tier1"].client.post(
        f"/api/v1/tickets/{world.ticket.reference}/notes", data="{not json",
        content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_json"


def test_a_body_that_misses_fields_is_422_with_a_readable_message(world, apis):
    response = apis["tier1"].post("/tickets", {"body": "no subject", "requester_id": 1})

    assert response.status_code == 422
    assert error_of(response) == {"code": "invalid", "message": "subject: Field required"}


@pytest.mark.parametrize("ref", ["LAT-99999", "99999", "abc", "LAT-", "LAT-99999999999999999999"])
def test_unknown_tickets_are_404(world, apis, ref):
    response = apis["admin"].get(f"/tickets/{ref}")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_unknown_paths_and_wrong_methods_are_json(world, apis):
    missing = apis["admin"].get("/no-such-thing")
    wrong = apis["admin"].delete("/tickets")

    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    assert wrong.status_code == 405
    assert error_of(wrong)["code"] == "method_not_allowed"
    assert "GET" in wrong["Allow"]


def test_a_domain_error_keeps_its_code_and_changes_nothing(world, apis):
    before = fingerprint()

    response = apis["tier1"].post(f"/tickets/{world.ticket.reference}/escalate",
                                  {"to_tier": 2, "handoff_note": "short", "reason": "x"})

    assert response.status_code == 400
    assert error_of(response)["code"] == "handoff_required"
    assert fingerprint() == before
