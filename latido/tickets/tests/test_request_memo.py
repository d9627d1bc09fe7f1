"""`team_ids_for` asks once per request, and a later request sees changed memberships."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from latido.accounts.models import User
from latido.accounts.selectors import remember_team_ids, team_ids_for
from latido.accounts.services import team_add_member, team_create
from latido.tickets.tests.pages import client_for


def _team_queries(captured: CaptureQueriesContext) -> int:
    return sum(q["sql"].startswith('SELECT DISTINCT "accounts_team"."id"')
               for q in captured.captured_queries)


def test_remembered_user_asks_once(world):
    user = User.objects.get(pk=world.tier1.pk)
    remember_team_ids(user)
    with CaptureQueriesContext(connection) as captured:
        first = team_ids_for(user=user)
        first.add(999)  # the caller's copy; the memo is not changed through it
        second = team_ids_for(user=user)
    assert second == {world.team.pk}
    assert _team_queries(captured) == 1


def test_unmarked_user_asks_every_time(world):
    user = User.objects.get(pk=world.tier1.pk)
    assert team_ids_for(user=user) == {world.team.pk}
    extra = team_create(name="Extra")
    team_add_member(team=extra, user=user)
    assert team_ids_for(user=user) == {world.team.pk, extra.pk}


def test_marking_again_forgets(world):
    user = User.objects.get(pk=world.tier1.pk)
    remember_team_ids(user)
    assert team_ids_for(user=user) == {world.team.pk}
    extra = team_create(name="Extra")
    team_add_member(team=extra, user=user)
    remember_team_ids(user)
    assert team_ids_for(user=user) == {world.team.pk, extra.pk}


def test_ticket_page_asks_for_teams_once_and_sees_new_memberships(world):
    client = client_for(world, "other_agent")
    url = f"/agent/tickets/{world.ticket.reference}/"
    assert client.get(url).status_code == 404
    team_add_member(team=world.team, user=world.other_agent)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert _team_queries(captured) == 1


def test_api_asks_for_teams_once(world):
    client = client_for(world, "tier1")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/tickets?limit=5")
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["items"]] == [world.ticket.pk]
    assert _team_queries(captured) == 1


def test_api_create_accepts_only_teams_the_agent_may_see(world):
    from latido.api.tests.conftest import api_for, error_of

    body = {"subject": "Call", "body": "Notes", "requester_id": world.contact_a.pk}
    own = api_for(world.tier1).post("/tickets", {**body, "team_id": world.team.pk})
    other = api_for(world.tier1).post("/tickets", {**body, "team_id": world.other_team.pk})
    led = api_for(world.lead).post("/tickets", {**body, "team_id": world.team.pk})
    admin = api_for(world.admin).post("/tickets", {**body, "team_id": world.other_team.pk})
    assert (own.status_code, own.json()["internal"]["team"]["id"]) == (201, world.team.pk)
    assert (other.status_code, error_of(other)["code"]) == (400, "bad_team")
    assert (led.status_code, admin.status_code) == (201, 201)
