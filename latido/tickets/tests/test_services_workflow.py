from __future__ import annotations

import pytest

from latido.accounts.roles import Tier
from latido.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from latido.tickets.enums import EventType, Status
from latido.tickets.models import Message, Ticket, TicketEvent, TicketLink
from latido.tickets.services import (
    ticket_assign,
    ticket_deescalate,
    ticket_escalate,
    ticket_link,
    ticket_merge,
    ticket_note,
    ticket_reply,
    ticket_update,
)

pytestmark = pytest.mark.django_db


def _types(ticket: Ticket) -> list[str]:
    return list(ticket.events.order_by("id").values_list("type", flat=True))


def test_agent_reply_opens_a_new_ticket_and_records_role(world):
    ticket = world.ticket_b
    ticket_reply(ticket=ticket, actor=world.other_agent, body="Hello Bob")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    reply = ticket.events.get(type=EventType.REPLY)
    assert reply.actor == world.other_agent
    assert reply.actor_role == "tier1"
    status = ticket.events.get(type=EventType.STATUS)
    assert status.data == {"from": "new", "to": "open"}


def test_every_write_bumps_the_version(world):
    ticket = world.ticket
    v = ticket.version
    ticket_note(ticket=ticket, actor=world.tier1, body="note")
    ticket.refresh_from_db()
    assert ticket.version == v + 1


def test_stale_version_is_refused_and_nothing_changes(world):
    ticket = world.ticket
    stale = ticket.version
    ticket_update(ticket=ticket, actor=world.tier1, expected_version=stale, priority=3)
    events_before = TicketEvent.objects.count()
    with pytest.raises(Conflict):
        ticket_update(ticket=ticket, actor=world.tier2, expected_version=stale, priority=4)
    ticket.refresh_from_db()
    assert ticket.priority == 3
    assert TicketEvent.objects.count() == events_before


def test_update_records_before_and_after_per_change(world):
    ticket = world.ticket
    ticket_update(ticket=ticket, actor=world.tier1, expected_version=ticket.version,
                  priority=4, status=Status.PENDING, tags=["refund"])
    events = {e.type: e.data for e in ticket.events.filter(
        type__in=[EventType.PRIORITY, EventType.STATUS, EventType.TAGS])}
    assert events[EventType.PRIORITY] == {"from": 2, "to": 4}
    assert events[EventType.STATUS] == {"from": "open", "to": "pending"}
    assert events[EventType.TAGS] == {"from": [], "to": ["refund"]}


def test_customer_reply_to_solved_ticket_reopens_it(world):
    ticket = world.ticket
    ticket_update(ticket=ticket, actor=world.tier1, expected_version=None, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.solved_at is not None
    ticket_reply(ticket=ticket, actor=world.customer_a, body="Still broken")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None
    last = ticket.events.filter(type=EventType.STATUS).order_by("-id").first()
    assert last.data == {"from": "solved", "to": "open"}


def test_closed_ticket_takes_no_reply(world):
    ticket = world.ticket
    ticket_update(ticket=ticket, actor=world.tier1, expected_version=None, status=Status.CLOSED)
    messages = Message.objects.count()
    with pytest.raises(ValidationError) as exc:
        ticket_reply(ticket=ticket, actor=world.customer_a, body="hello?")
    assert exc.value.code == "ticket_closed"
    assert Message.objects.count() == messages


def test_customer_cannot_write_notes_or_set_status(world):
    with pytest.raises(PermissionDenied):
        ticket_note(ticket=world.ticket, actor=world.customer_a, body="sneaky")
    with pytest.raises(PermissionDenied):
        ticket_reply(ticket=world.ticket, actor=world.customer_a, body="x", status="solved")


def test_other_customer_and_other_team_get_not_found(world):
    count = Message.objects.count()
    for actor in (world.customer_b, world.other_agent, world.outsider_collaborator):
        with pytest.raises(NotFound):
            ticket_reply(ticket=world.ticket, actor=actor, body="intruder")
    assert Message.objects.count() == count


def test_collaborator_writes_notes_but_not_replies(world):
    ticket_note(ticket=world.ticket, actor=world.collaborator, body="Billing: refund issued")
    assert world.ticket.messages.filter(author=world.collaborator, is_public=False).count() == 1
    with pytest.raises(PermissionDenied):
        ticket_reply(ticket=world.ticket, actor=world.collaborator, body="public?")


def test_escalation_needs_handoff_note_and_reason(world):
    ticket = world.ticket
    version = ticket.version
    with pytest.raises(ValidationError) as exc:
        ticket_escalate(ticket=ticket, actor=world.tier1, to_tier=2, handoff_note="",
                        reason="billing")
    assert exc.value.code == "handoff_required"
    with pytest.raises(ValidationError) as exc:
        ticket_escalate(ticket=ticket, actor=world.tier1, to_tier=2,
                        handoff_note="Checked the payment log twice", reason=" ")
    assert exc.value.code == "reason_required"
    ticket.refresh_from_db()
    assert ticket.version == version
    assert ticket.tier == Tier.TIER1


def test_escalation_moves_tier_queue_and_keeps_escalator_following(world):
    ticket = world.ticket
    ticket_assign(ticket=ticket, actor=world.tier1, assignee=world.tier1)
    ticket_escalate(ticket=ticket, actor=world.tier1, to_tier=Tier.TIER2,
                    handoff_note="Promo code applied twice; refund needed", reason="billing")
    ticket.refresh_from_db()
    assert ticket.tier == Tier.TIER2
    assert ticket.queue.tier == Tier.TIER2
    assert ticket.queue.team == world.team
    assert ticket.assignee is None
    assert world.tier1 in ticket.followers.all()
    esc = ticket.events.get(type=EventType.ESCALATED)
    assert esc.data["from_tier"] == 1
    assert esc.data["to_tier"] == 2
    assert esc.data["reason"] == "billing"
    assert esc.message.is_public is False
    assert "Promo code" in esc.message.body_text
    with pytest.raises(ValidationError):
        ticket_escalate(ticket=ticket, actor=world.tier2, to_tier=Tier.TIER1,
                        handoff_note="going down is not up", reason="x")


def test_deescalation_goes_down_only(world):
    ticket = world.ticket
    ticket_escalate(ticket=ticket, actor=world.tier1, to_tier=Tier.ENGINEERING,
                    handoff_note="Server error on checkout", reason="technical")
    ticket_deescalate(ticket=ticket, actor=world.engineer, to_tier=Tier.TIER1,
                      note="Fixed on our side, please confirm with the customer")
    ticket.refresh_from_db()
    assert ticket.tier == Tier.TIER1
    assert _types(ticket).count(EventType.DEESCALATED) == 1


def test_assignment_is_limited_to_team_and_counts_reassignments(world):
    ticket = world.ticket
    with pytest.raises(ValidationError):
        ticket_assign(ticket=ticket, actor=world.lead, assignee=world.other_agent)
    with pytest.raises(ValidationError):
        ticket_assign(ticket=ticket, actor=world.lead, assignee=world.customer_a)
    ticket_assign(ticket=ticket, actor=world.lead, assignee=world.tier1)
    ticket_assign(ticket=ticket, actor=world.lead, assignee=world.tier2)
    flags = [e.data["reassignment"] for e in ticket.events.filter(type=EventType.ASSIGNED)
             .order_by("id")]
    assert flags == [False, True]


def test_link_and_merge(world):
    from latido.tickets.services import ticket_create

    dup = ticket_create(actor=world.customer_a, requester=world.contact_a,
                        subject="Charged twice again", body="same", channel="email")
    ticket_link(ticket=dup, actor=world.tier1, other=world.ticket)
    ticket_link(ticket=dup, actor=world.tier1, other=world.ticket)  # idempotent
    assert TicketLink.objects.filter(source=dup, target=world.ticket).count() == 1
    ticket_merge(source=dup, target=world.ticket, actor=world.tier1)
    dup.refresh_from_db()
    assert dup.merged_into == world.ticket
    assert dup.status == Status.CLOSED
    assert world.ticket.events.filter(type=EventType.MERGED_FROM).count() == 1
    with pytest.raises(ValidationError):
        ticket_merge(source=dup, target=world.ticket, actor=world.tier1)


def test_cannot_link_to_an_invisible_ticket(world):
    with pytest.raises(NotFound):
        ticket_link(ticket=world.ticket, actor=world.tier1, other=world.ticket_b)
    assert TicketLink.objects.count() == 0


def test_events_are_append_only(world):
    event = world.ticket.events.first()
    event.data = {"tampered": True}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).update(data={})
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        event.delete()
