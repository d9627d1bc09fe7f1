"""Query budgets: a page or a ticket costs a fixed number of queries, however big."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from latido.tickets.services import ticket_assign, ticket_create, ticket_note, ticket_reply

LIST_BUDGET = 3  # token, the actor's teams (or contact), the page; nothing per row
DETAIL_BUDGET = 6  # token, visibility, ticket with joins, tags, links, collaborators
TIMELINE_BUDGET = 7  # token, visibility, ticket, tags, messages, attachments, events


@pytest.fixture
def many_tickets(world):
    for i in range(30):
        t = ticket_create(actor=world.customer_a, requester=world.contact_a,
                          subject=f"Question {i}", body="Body", channel="portal",
                          team=world.team, tags=["billing", f"t{i}"])
        ticket_assign(ticket=t, actor=world.tier1, assignee=world.tier1)
    for i in range(10):
        ticket_reply(ticket=world.ticket, actor=world.tier1, body=f"Reply {i}")
        ticket_note(ticket=world.ticket, actor=world.lead, body=f"Note {i}")
    return world


def count_queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("actor", ["tier1", "lead", "admin", "customer_a", "collaborator"])
def test_ticket_list_page_is_within_budget(many_tickets, apis, actor,
                                           django_assert_max_num_queries):
    apis[actor].get("/me")  # the token's last-use stamp is written at most every 5 minutes
    with django_assert_max_num_queries(LIST_BUDGET):
        response = apis[actor].get("/tickets?limit=100")
    assert response.status_code == 200


def test_list_queries_do_not_grow_with_the_page(many_tickets, apis):
    api = apis["tier1"]
    api.get("/me")
    small, small_response = count_queries(lambda: api.get("/tickets?limit=2"))
    large, large_response = count_queries(lambda: api.get("/tickets?limit=31"))

    assert len(small_response.json()["items"]) == 2
    assert len(large_response.json()["items"]) == 31
    assert small == large


def test_queue_page_is_within_budget(many_tickets, apis, django_assert_max_num_queries):
    api = apis["tier1"]
    api.get("/me")
    with django_assert_max_num_queries(LIST_BUDGET + 2):  # + the teams' queues, the queue
        response = api.get(f"/queues/{many_tickets.ticket.queue_id}/tickets?limit=100")
    assert len(response.json()["items"]) == 31


@pytest.mark.parametrize("actor", ["tier1", "customer_a"])
def test_ticket_detail_is_within_budget(many_tickets, apis, actor,
                                        django_assert_max_num_queries):
    api = apis[actor]
    api.get("/me")
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = api.get(f"/tickets/{many_tickets.ticket.reference}")
    assert response.status_code == 200


@pytest.mark.parametrize("actor", ["tier1", "customer_a"])
def test_timeline_is_within_budget(many_tickets, apis, actor, django_assert_max_num_queries):
    api = apis[actor]
    api.get("/me")
    with django_assert_max_num_queries(TIMELINE_BUDGET):
        response = api.get(f"/tickets/{many_tickets.ticket.reference}/timeline")
    assert response.status_code == 200


def test_contact_list_is_within_budget(many_tickets, apis, django_assert_max_num_queries):
    api = apis["tier1"]
    api.get("/me")
    with django_assert_max_num_queries(3):  # token, the page, identities
        response = api.get("/contacts?limit=100")
    assert len(response.json()["items"]) == 3


def test_token_auth_costs_one_query(world, apis, django_assert_num_queries):
    api = apis["customer_a"]
    api.get("/me")
    with django_assert_num_queries(1):  # the token joined with its user; a customer has no teams
        response = api.get("/me")
    assert response.status_code == 200
