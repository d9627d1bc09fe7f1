"""Agents log calls on tickets, open tickets from calls and link reported calls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from latido.channels.phone.models import Call
from latido.channels.phone.services import (
    CallDetails,
    call_create_ticket,
    call_link,
    call_log,
    call_pop_dismiss,
)
from latido.channels.phone.tests.conftest import stored
from latido.core.errors import NotFound, PermissionDenied, ValidationError
from latido.customers.models import ContactIdentity
from latido.customers.services import contact_create
from latido.tickets.enums import Channel, EventType, Status
from latido.tickets.models import Message, Ticket, TicketEvent
from latido.tickets.selectors import ticket_timeline_for
from latido.tickets.services import ticket_update


def details(**overrides) -> CallDetails:
    values = {
        "direction": "inbound", "number": "+34 600 111 222",
        "started_at": timezone.now() - timedelta(minutes=10), "duration_seconds": 185,
        "outcome": "resolved", "notes": "Explained the double charge; refund in 3 days.",
    }
    values.update(overrides)
    return CallDetails(**values)


def test_call_log_writes_call_event_and_internal_note(world):
    version = world.ticket.version
    started = timezone.now() - timedelta(minutes=10)
    call = call_log(actor=world.tier1, ticket=world.ticket, details=details(started_at=started))

    call.refresh_from_db()
    assert (call.ticket_id, call.agent_id, call.logged_by_id) == (
        world.ticket.pk, world.tier1.pk, world.tier1.pk)
    assert call.number == "+34600111222"
    assert (call.started_at, call.duration_seconds, call.outcome) == (started, 185, "resolved")
    assert call.ended_at == started + timedelta(seconds=185)
    assert call.contact_id == world.contact_a.pk
    assert call.counted_at is not None

    event = TicketEvent.objects.get(ticket=world.ticket, type=EventType.CALL)
    assert event.actor_id == world.tier1.pk
    assert event.data == {
        "call_id": call.pk, "direction": "inbound", "number": "+34600111222",
        "duration_seconds": 185, "outcome": "resolved", "outcome_label": "Resolved on the call",
        "agent": world.tier1.pk, "started_at": started.isoformat(),
    }
    note = Message.objects.filter(ticket=world.ticket).latest("id")
    assert not note.is_public
    assert note.channel == Channel.PHONE
    assert "refund in 3 days" in note.body_text
    world.ticket.refresh_from_db()
    assert world.ticket.version == version + 1
    # The requester now owns the number, so the next call resolves to them.
    assert ContactIdentity.objects.get(kind="phone", value="+34600111222").contact_id == \
        world.contact_a.pk


def test_call_without_notes_writes_no_note(world):
    before = Message.objects.count()
    call_log(actor=world.tier1, ticket=world.ticket, details=details(notes=""))
    assert Message.objects.count() == before


def test_number_owned_by_someone_else_keeps_its_owner(world):
    other = contact_create(name="Carla Colleague", phones=["+34 611 000 000"])
    call = call_log(actor=world.tier1, ticket=world.ticket,
                    details=details(number="+34611000000", direction="outbound"))
    assert call.contact_id == other.pk
    assert not ContactIdentity.objects.filter(contact=world.contact_a, kind="phone").exists()


@pytest.mark.parametrize(("who", "error"), [
    ("other_agent", NotFound),          # agent of another team: the ticket does not exist
    ("outsider_collaborator", NotFound),
    ("collaborator", PermissionDenied),  # invited: sees the ticket, may not log calls
    ("customer_a", PermissionDenied),
])
def test_only_agents_who_see_the_ticket_log_calls(world, who, error):
    before = stored()
    with pytest.raises(error):
        call_log(actor=getattr(world, who), ticket=world.ticket, details=details())
    assert stored() == before


@pytest.mark.parametrize(("overrides", "code"), [
    ({"direction": "sideways"}, "bad_direction"),
    ({"outcome": "great"}, "bad_outcome"),
    ({"duration_seconds": -1}, "bad_duration"),
    ({"duration_seconds": 24 * 3600 + 1}, "bad_duration"),
    ({"started_at": timezone.now() + timedelta(hours=1)}, "bad_start"),
    ({"started_at": timezone.now() - timedelta(days=400)}, "bad_start"),
    ({"number": "12"}, None),
    ({"notes": "x" * 20_001}, "notes_too_long"),
])
def test_bad_details_are_refused_and_nothing_is_stored(world, overrides, code):
    if "started_at" in overrides:  # parametrize ran at import; rebuild relative to now
        delta = overrides["started_at"] - timezone.now()
        overrides = {"started_at": timezone.now() + delta}
    before = stored()
    with pytest.raises(ValidationError) as info:
        call_log(actor=world.tier1, ticket=world.ticket, details=details(**overrides))
    assert info.value.message
    if code:
        assert info.value.code == code
    assert stored() == before


def test_closed_ticket_takes_no_calls(world):
    for status in (Status.SOLVED, Status.CLOSED):
        ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=None,
                      status=status)
    with pytest.raises(ValidationError) as info:
        call_log(actor=world.tier1, ticket=world.ticket, details=details())
    assert info.value.code == "ticket_closed"
    assert not Call.objects.exists()


def test_customers_never_see_calls_or_call_notes(world):
    call_log(actor=world.tier1, ticket=world.ticket, details=details(notes="CALL-SECRET"))
    customer_view = ticket_timeline_for(actor=world.customer_a, ticket=world.ticket)
    assert all(e.event is None or e.event.type not in (EventType.CALL, EventType.NOTE)
               for e in customer_view)
    assert all("CALL-SECRET" not in (e.message.body_text if e.message else "")
               for e in customer_view)
    agent_view = ticket_timeline_for(actor=world.tier1, ticket=world.ticket)
    assert any(e.event is not None and e.event.type == EventType.CALL for e in agent_view)
    assert any(e.message is not None and "CALL-SECRET" in e.message.body_text
               for e in agent_view)


def test_ticket_from_unknown_number_creates_the_contact(world):
    contacts_before = ContactIdentity.objects.filter(kind="phone").count()
    call = call_create_ticket(
        actor=world.tier1, subject="Card blocked", description="Card blocked at the till.",
        details=details(number="+48 600 100 200", caller_name="Piotr Nowak"),
    )
    ticket = Ticket.objects.get(pk=call.ticket_id)
    assert ticket.channel == Channel.PHONE
    assert ticket.requester.name == "Piotr Nowak"
    assert ticket.created_by_id == world.tier1.pk
    assert ContactIdentity.objects.filter(kind="phone").count() == contacts_before + 1
    assert ticket.requester.identities.get(kind="phone").value == "+48600100200"
    first = ticket.messages.order_by("id").first()
    assert first is not None
    assert first.is_public
    assert "till" in first.body_text
    assert TicketEvent.objects.filter(ticket=ticket, type=EventType.CALL).count() == 1
    assert call.agent_id == world.tier1.pk


def test_ticket_from_known_number_uses_its_contact(world):
    known = contact_create(name="Known Caller", phones=["+34 699 000 111"])
    call = call_create_ticket(actor=world.tier1, subject="Question",
                              details=details(number="+34 699-000-111", notes=""))
    assert call.ticket is not None
    assert call.ticket.requester_id == known.pk
    first = call.ticket.messages.order_by("id").first()
    assert first is not None
    assert "+34699000111" in first.body_text


def test_ticket_from_call_needs_a_number_or_contact(world):
    before = stored()
    with pytest.raises(ValidationError):
        call_create_ticket(actor=world.tier1, subject="Hm", details=details(number=""))
    call = call_create_ticket(actor=world.tier1, subject="Hm", details=details(number=""),
                              contact=world.contact_b)
    assert call.ticket is not None
    assert call.ticket.requester_id == world.contact_b.pk
    assert stored() != before


def test_collaborators_and_customers_cannot_create_tickets_from_calls(world):
    before = stored()
    for user in (world.collaborator, world.customer_a):
        with pytest.raises(PermissionDenied):
            call_create_ticket(actor=user, subject="X", details=details())
    assert stored() == before


def _reported_call(world, **fields) -> Call:
    values = {"direction": "inbound", "number": "+34600111222", "state": Call.State.ENDED,
              "started_at": timezone.now() - timedelta(minutes=5), "duration_seconds": 240,
              "contact": world.contact_a, "external_id": "pbx-1"}
    values.update(fields)
    return Call.objects.create(**values)


def test_linking_an_ended_reported_call_counts_it(world):
    call = _reported_call(world)
    call_link(actor=world.tier1, call=call, ticket=world.ticket, outcome="callback",
              notes="Calls back tomorrow")
    call.refresh_from_db()
    assert (call.ticket_id, call.agent_id, call.outcome) == (world.ticket.pk, world.tier1.pk,
                                                             "callback")
    event = TicketEvent.objects.get(ticket=world.ticket, type=EventType.CALL)
    assert event.data["duration_seconds"] == 240
    assert event.data["call_id"] == call.pk
    with pytest.raises(ValidationError):  # a call is on one ticket only
        call_link(actor=world.tier1, call=call, ticket=world.ticket)


def test_linking_a_live_call_waits_for_its_end(world):
    call = _reported_call(world, state=Call.State.ANSWERED, duration_seconds=0)
    call_link(actor=world.tier1, call=call, ticket=world.ticket)
    assert not TicketEvent.objects.filter(type=EventType.CALL).exists()


def test_link_permissions(world):
    call = _reported_call(world)
    with pytest.raises(NotFound):
        call_link(actor=world.other_agent, call=call, ticket=world.ticket)
    with pytest.raises(PermissionDenied):
        call_link(actor=world.collaborator, call=call, ticket=world.ticket)
    call.refresh_from_db()
    assert call.ticket_id is None


def test_ticket_from_reported_call_puts_that_call_on_it(world):
    call = _reported_call(world, contact=None, number="+34655000000", external_id="pbx-9")
    done = call_create_ticket(actor=world.tier1, subject="Router", call=call,
                              details=details(number="", notes="Router reset"))
    assert done.pk == call.pk
    assert Call.objects.count() == 1
    call.refresh_from_db()
    assert call.ticket is not None
    assert call.ticket.channel == Channel.PHONE
    assert call.ticket.requester.identities.get(kind="phone").value == "+34655000000"
    assert TicketEvent.objects.get(ticket=call.ticket, type=EventType.CALL).data[
        "duration_seconds"] == 240


def test_pop_dismiss_only_own_calls(world):
    call = _reported_call(world, agent=world.tier1, state=Call.State.RINGING)
    with pytest.raises(NotFound):
        call_pop_dismiss(actor=world.tier2, call_id=call.pk)
    call_pop_dismiss(actor=world.tier1, call_id=call.pk)
    call.refresh_from_db()
    assert call.pop_dismissed_at is not None


def test_ticket_from_a_call_goes_to_a_team_the_agent_works(world):
    mine = call_create_ticket(actor=world.other_agent, subject="Screen", details=details())
    assert mine.ticket is not None
    assert mine.ticket.team_id == world.other_team.pk  # not the default team, hidden to them
    default = call_create_ticket(actor=world.tier1, subject="Card", details=details(
        number="+34600111333"))
    assert default.ticket is not None
    assert default.ticket.team_id == world.team.pk
    chosen = call_create_ticket(actor=world.tier1, subject="Card", team=world.other_team,
                                details=details(number="+34600111444"))
    assert chosen.ticket is not None
    assert chosen.ticket.team_id == world.other_team.pk


def test_ticket_from_a_withheld_reported_call_takes_the_number_the_agent_gives(world):
    call = _reported_call(world, contact=None, number="", external_id="pbx-w")
    done = call_create_ticket(actor=world.tier1, subject="Call back", call=call,
                              details=details(number="+34 677 000 000"))
    assert done.ticket is not None
    assert done.ticket.requester.identities.get(kind="phone").value == "+34677000000"
