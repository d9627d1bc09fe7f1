"""The agent's queue page: who may open which view, filters, sorting, keyset pages, htmx."""

from __future__ import annotations

import re

import pytest

from latido.accounts.roles import Tier
from latido.tickets.enums import Priority, Status
from latido.tickets.services import ticket_assign, ticket_create, ticket_update
from latido.tickets.tests.pages import assert_csp_clean, client_for


def rows(html: str) -> list[str]:
    """The ticket references listed in the queue table, in order."""
    return re.findall(r'<div class="ref">(LAT-\d+) ·', html)


def make_tickets(world, n: int, **kwargs):
    return [
        ticket_create(actor=world.tier1, requester=world.contact_a, subject=f"Bulk {i}",
                      body="Body", channel="email", team=world.team, **kwargs)
        for i in range(n)
    ]


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 404), ("customer_b", 404), ("other_agent", 200),
    ("tier1", 200), ("lead", 200), ("collaborator", 200), ("admin", 200),
])
def test_queue_home_matrix(world, name, expected):
    response = client_for(world, name).get("/agent/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == "/signin/?next=/agent/"


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 404), ("customer_b", 404), ("other_agent", 404),
    ("tier1", 200), ("lead", 200), ("collaborator", 404), ("admin", 200),
])
def test_team_queue_matrix(world, name, expected):
    response = client_for(world, name).get(f"/agent/queues/{world.ticket.queue_id}/")
    assert response.status_code == expected
    if expected == 200:
        assert rows(response.content.decode()) == [world.ticket.reference]


@pytest.mark.parametrize(("name", "expected", "listed"), [
    ("anonymous", 302, None), ("customer_a", 404, None), ("customer_b", 404, None),
    ("other_agent", 200, ["ticket_b"]), ("tier1", 200, ["ticket"]), ("lead", 200, ["ticket"]),
    ("collaborator", 404, None), ("admin", 200, ["ticket_b", "ticket"]),
])
def test_unassigned_matrix(world, name, expected, listed):
    response = client_for(world, name).get("/agent/unassigned/")
    assert response.status_code == expected
    if listed is not None:
        assert rows(response.content.decode()) == [getattr(world, t).reference for t in listed]


def test_collaborator_home_lists_only_invited_tickets(world):
    html = client_for(world, "collaborator").get("/agent/").content.decode()
    assert rows(html) == [world.ticket.reference]
    assert "Tickets I am invited to" in html
    assert "/agent/unassigned/" not in html


def test_mine_lists_only_my_open_tickets(world):
    ticket_assign(ticket=world.ticket, actor=world.tier1, assignee=world.tier1)
    other = make_tickets(world, 1)[0]
    html = client_for(world, "tier1").get("/agent/").content.decode()
    assert rows(html) == [world.ticket.reference]
    assert other.reference not in html


def test_sidebar_shows_team_queues_with_counts(world):
    make_tickets(world, 2)
    html = client_for(world, "tier1").get("/agent/").content.decode()
    sidebar = html[html.index('<nav id="sidebar"'):html.index("</nav>", html.index("sidebar"))]
    assert "<h2>Payments</h2>" in sidebar
    assert "Devices" not in sidebar
    counts = re.findall(r'title="(Payments · [^"]+)">[^<]+<span class="count">(\d+)', sidebar)
    assert counts == [("Payments · Tier 1", "3"), ("Payments · Tier 2", "0"),
                      ("Payments · Engineering", "0")]


def test_filters_narrow_the_list(world):
    urgent = make_tickets(world, 1, priority=Priority.URGENT)[0]
    client = client_for(world, "tier1")
    html = client.get(f"/agent/queues/{world.ticket.queue_id}/?priority=4").content.decode()
    assert rows(html) == [urgent.reference]
    html = client.get(f"/agent/queues/{world.ticket.queue_id}/?channel=portal").content.decode()
    assert rows(html) == [world.ticket.reference]
    html = client.get("/agent/unassigned/?tier=2").content.decode()
    assert rows(html) == []


def test_status_filter_defaults_to_unsolved_and_can_show_solved(world):
    ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=None,
                  status=Status.SOLVED)
    client = client_for(world, "tier1")
    assert rows(client.get("/agent/unassigned/").content.decode()) == []
    solved = client.get("/agent/unassigned/?status=solved").content.decode()
    assert rows(solved) == [world.ticket.reference]
    assert rows(client.get("/agent/unassigned/?status=all").content.decode()) == [
        world.ticket.reference]


@pytest.mark.parametrize("query", ["status=bogus", "priority=9", "tier=x", "channel=fax",
                                   "sort=subject", "sort=team__name"])
def test_unknown_filter_or_sort_key_is_a_400(world, query):
    response = client_for(world, "tier1").get(f"/agent/unassigned/?{query}")
    assert response.status_code == 400
    assert rows(response.content.decode()) == []


def test_bad_cursor_is_a_400_with_a_message(world):
    response = client_for(world, "tier1").get("/agent/unassigned/?cursor=!!notacursor")
    assert response.status_code == 400
    assert "The cursor is not valid." in response.content.decode()


def test_sort_keys_order_the_list(world):
    low, high = make_tickets(world, 2)
    ticket_update(ticket=low, actor=world.tier1, expected_version=None, priority=Priority.LOW)
    ticket_update(ticket=high, actor=world.tier1, expected_version=None, priority=Priority.HIGH)
    client = client_for(world, "tier1")
    expected_order = [high.reference, world.ticket.reference, low.reference]
    assert rows(client.get("/agent/unassigned/?sort=priority").content.decode()) == expected_order
    assert rows(client.get("/agent/unassigned/?sort=-priority").content.decode()) == list(
        reversed(expected_order))
    assert rows(client.get("/agent/unassigned/?sort=-created").content.decode()) == [
        world.ticket.reference, low.reference, high.reference]


def test_keyset_pages_walk_every_ticket_once(world):
    created = make_tickets(world, 30)
    client = client_for(world, "tier1")
    seen: list[str] = []
    url = "/agent/unassigned/?sort=-created"
    pages = 0
    while url:
        html = client.get(url).content.decode()
        seen += rows(html)
        pages += 1
        match = re.search(r'rel="next" href="(\?[^"]+)"', html)
        url = "/agent/unassigned/" + match.group(1).replace("&amp;", "&") if match else ""
        assert "offset" not in url
    assert pages == 2
    assert seen == [world.ticket.reference] + [t.reference for t in created]


def test_htmx_refresh_returns_the_list_and_the_sidebar_only(world):
    response = client_for(world, "tier1").get(
        "/agent/unassigned/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ticket-list")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="ticket-list"')
    assert 'hx-trigger="every 30s"' in html
    assert '<nav id="sidebar" class="sidebar" aria-label="Ticket views" hx-swap-oob="true">' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(world):
    response = client_for(world, "tier1").get(
        "/agent/unassigned/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ticket-list",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_queue_page_query_budget(world, django_assert_max_num_queries):
    tickets = make_tickets(world, 25)
    for ticket in tickets[::2]:
        ticket_assign(ticket=ticket, actor=world.tier1, assignee=world.tier2)
    client = client_for(world, "tier1")
    with django_assert_max_num_queries(11):
        response = client.get(f"/agent/queues/{world.ticket.queue_id}/")
    assert len(rows(response.content.decode())) == 25


def test_escalated_ticket_moves_to_the_tier2_queue(world):
    from latido.tickets.services import ticket_escalate

    ticket_escalate(ticket=world.ticket, actor=world.tier1, to_tier=Tier.TIER2,
                    handoff_note="Refund needs the payments log.", reason="needs logs")
    world.ticket.refresh_from_db()
    client = client_for(world, "tier2")
    html = client.get(f"/agent/queues/{world.ticket.queue_id}/").content.decode()
    assert rows(html) == [world.ticket.reference]
    assert "<h1>Payments · Tier 2</h1>" in html
    assert_csp_clean(html)
