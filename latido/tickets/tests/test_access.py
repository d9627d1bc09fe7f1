from __future__ import annotations

import pytest

from latido.core.errors import NotFound
from latido.tickets.selectors import (
    TicketFilters,
    ticket_get_for,
    ticket_list,
    ticket_timeline_for,
    visible_tickets,
)

pytestmark = pytest.mark.django_db

SEES_TICKET = {
    "customer_a": True, "customer_a2": False, "customer_b": False, "other_agent": False,
    "tier1": True, "tier2": True, "engineer": True, "lead": True, "manager": True,
    "collaborator": True, "outsider_collaborator": False, "coordinator": True, "admin": True,
}


@pytest.mark.parametrize(("who", "sees"), sorted(SEES_TICKET.items()))
def test_ticket_visibility_matrix(world, who, sees):
    actor = getattr(world, who)
    assert visible_tickets(actor=actor).filter(pk=world.ticket.pk).exists() is sees
    if sees:
        assert ticket_get_for(actor=actor, ticket_id=world.ticket.reference) == world.ticket
    else:
        with pytest.raises(NotFound):
            ticket_get_for(actor=actor, ticket_id=world.ticket.pk)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible_tickets(actor=AnonymousUser()).count() == 0
    with pytest.raises(NotFound):
        ticket_get_for(actor=AnonymousUser(), ticket_id=world.ticket.pk)


def test_organization_sharing_lets_colleagues_see_tickets(world):
    assert not visible_tickets(actor=world.customer_a2).filter(pk=world.ticket.pk).exists()
    world.org_a.shares_tickets = True
    world.org_a.save()
    assert visible_tickets(actor=world.customer_a2).filter(pk=world.ticket.pk).exists()
    assert not visible_tickets(actor=world.customer_b).filter(pk=world.ticket.pk).exists()


def test_customer_timeline_has_no_internal_notes_or_internal_events(world):
    entries = ticket_timeline_for(actor=world.customer_a, ticket=world.ticket)
    texts = [e.message.body_text for e in entries if e.message]
    assert texts == ["My card was charged twice for order 1001.", "We are looking into it."]
    assert {e.event.type for e in entries if e.event} <= {"created", "status", "merged"}
    agent_texts = [e.message.body_text for e in ticket_timeline_for(actor=world.tier1,
                                                                   ticket=world.ticket)
                   if e.message]
    assert "SECRET-NOTE: promo applied wrongly" in agent_texts


def test_list_filters_are_whitelisted(world):
    from latido.core.errors import ValidationError

    with pytest.raises(ValidationError):
        ticket_list(actor=world.admin, filters=TicketFilters(status=["bogus"]))
    with pytest.raises(ValidationError):
        ticket_list(actor=world.admin, sort="requester__user__password")
    page = ticket_list(actor=world.admin, filters=TicketFilters(status=["open"]))
    assert [t.pk for t in page.items] == [world.ticket.pk]


def test_cursor_pages_cover_every_ticket_once(world):
    from latido.tickets.services import ticket_create

    for i in range(7):
        ticket_create(actor=world.tier1, requester=world.contact_a, subject=f"T{i}", body="b",
                      channel="agent")
    seen, cursor = [], None
    while True:
        page = ticket_list(actor=world.admin, cursor=cursor, limit=3, sort="created")
        seen += [t.pk for t in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == 9
    assert len(set(seen)) == 9
