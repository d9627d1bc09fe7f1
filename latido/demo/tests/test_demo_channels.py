"""The demo's channel history: calls, chats and social messages behind its tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F

from latido.accounts.models import User
from latido.channels.chat.models import ChatSession, ChatStatus
from latido.channels.models import EmailThreadRef
from latido.channels.phone.models import Call
from latido.channels.social.models import SocialAccount, SocialMessage
from latido.customers.models import ContactIdentity
from latido.customers.services import normalize_phone
from latido.demo.build import build_demo
from latido.tickets.contact_selectors import contact_history_for
from latido.tickets.enums import Channel, EventType
from latido.tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# Enough tickets that every channel and the rarer branches (abandoned chats, call-backs,
# social follow-ups) turn up with this seed.
DEMO = {"tickets": 400, "customers": 30, "organizations": 6, "days": 30, "seed": 5, "now": NOW}
CHAT_TYPES = {EventType.CHAT_STARTED, EventType.CHAT_ACCEPTED, EventType.CHAT_ENDED,
              EventType.CHAT_ABANDONED}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One build for the whole module (it takes a few seconds), removed afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(**DEMO)
        yield
        transaction.set_rollback(True)


def _events(ticket: Ticket, *types: str) -> list[TicketEvent]:
    return sorted((e for e in ticket.events.all() if e.type in types), key=lambda e: e.pk)


def test_every_phone_ticket_has_the_call_it_was_opened_from(demo):
    phone = list(Ticket.objects.filter(channel=Channel.PHONE).prefetch_related("events"))
    assert len(phone) >= 20
    calls = {c.pk: c for c in Call.objects.filter(ticket__in=phone)}
    followed_up = 0
    for ticket in phone:
        call_events = _events(ticket, EventType.CALL)
        assert call_events, ticket.reference
        first = call_events[0]
        opening = calls[first.data["call_id"]]
        assert opening.ticket_id == ticket.pk
        assert opening.direction == Call.Direction.INBOUND
        assert opening.started_at == ticket.created_at
        assert first.created_at <= ticket.created_at
        assert 60 <= opening.duration_seconds <= 900
        assert opening.outcome in (Call.Outcome.CALLBACK, Call.Outcome.RESOLVED)
        assert opening.agent_id == ticket.created_by_id == first.actor_id
        assert opening.counted_at == first.created_at
        assert first.data["duration_seconds"] == opening.duration_seconds
        # The caller's number is a phone identity of the requester.
        assert opening.contact_id == ticket.requester_id
        assert ContactIdentity.objects.filter(
            contact_id=ticket.requester_id, kind=ContactIdentity.Kind.PHONE,
            value=normalize_phone(opening.number)).exists()
        for later in call_events[1:]:
            call = calls[later.data["call_id"]]
            assert call.direction == Call.Direction.OUTBOUND
            assert call.started_at < later.created_at <= NOW
            assert call.counted_at == later.created_at
            followed_up += 1
    assert followed_up >= 1
    assert Call.objects.count() == len(phone) + followed_up
    assert Call.objects.filter(ticket__isnull=True).count() == 0


def test_callers_ring_from_mobile_numbers_of_their_country(demo):
    prefixes = {"+346", "+485", "+447"}  # as stored: normalised
    mobiles = [c.number for c in Call.objects.all() if c.number[:4] in prefixes]
    assert len(mobiles) > Call.objects.count() / 2
    assert ContactIdentity.objects.filter(kind=ContactIdentity.Kind.PHONE,
                                          value__regex=r"^\+(346|485|447)").exists()


def test_chat_tickets_have_a_session_and_the_chat_events(demo):
    chats = list(Ticket.objects.filter(channel=Channel.CHAT).prefetch_related("events"))
    assert len(chats) >= 8
    sessions = {s.ticket_id: s for s in ChatSession.objects.all()}
    assert set(sessions) == {t.pk for t in chats}
    statuses = set()
    for ticket in chats:
        session = sessions[ticket.pk]
        statuses.add(session.status)
        events = _events(ticket, *CHAT_TYPES)
        assert session.started_at == ticket.created_at
        assert events[0].type == EventType.CHAT_STARTED
        assert events[0].created_at == ticket.created_at
        assert all(e.data["chat_id"] == session.pk for e in events)
        assert session.ended_at is not None
        assert session.last_seen_at <= session.ended_at <= NOW
        if session.status == ChatStatus.ABANDONED:
            assert [e.type for e in events] == [EventType.CHAT_STARTED, EventType.CHAT_ABANDONED]
            assert session.left_message is True
            assert events[1].data["waited_seconds"] == session.waited_seconds >= 120
            assert events[1].data["left_message"] is True
            assert events[1].created_at == session.ended_at
            continue
        assert session.status == ChatStatus.ENDED
        assert [e.type for e in events] == [EventType.CHAT_STARTED, EventType.CHAT_ACCEPTED,
                                            EventType.CHAT_ENDED]
        accepted, ended = events[1], events[2]
        assert accepted.data["waited_seconds"] == session.waited_seconds
        assert accepted.data["agent"] == session.agent_id == accepted.actor_id
        assert accepted.created_at == session.accepted_at
        assert ended.created_at == session.ended_at
        assert ended.data["duration_seconds"] == int(
            (session.ended_at - session.accepted_at).total_seconds())
        # The agent answered in the chat while it was on.
        assert ticket.messages.filter(channel=Channel.CHAT, author=session.agent,
                                      created_at__lte=session.ended_at).exists()
    assert statuses == {ChatStatus.ENDED, ChatStatus.ABANDONED}


def test_social_tickets_arrive_through_the_social_channel(demo):
    accounts = list(SocialAccount.objects.all())
    assert {a.platform for a in accounts} == {"facebook", "instagram"}
    for account in accounts:
        assert account.inbound_secret_env.startswith("LATIDO_DEMO_")
    social = list(Ticket.objects.filter(channel=Channel.SOCIAL))
    assert len(social) >= 6
    follow_ups = 0
    for ticket in social:
        inbound = list(SocialMessage.objects.filter(
            ticket=ticket, direction=SocialMessage.Direction.INBOUND).order_by("id"))
        assert inbound, ticket.reference
        first = inbound[0]
        assert first.ticket_message == ticket.messages.order_by("id").first()
        assert first.created_at == ticket.created_at == first.ticket_message.created_at
        assert ticket.category is not None
        assert ContactIdentity.objects.filter(
            contact_id=ticket.requester_id, kind=ContactIdentity.Kind.SOCIAL,
            platform=first.account.platform, value=first.handle).exists()
        for later in inbound[1:]:  # the customer wrote again in the same thread
            assert (later.thread_id, later.handle) == (first.thread_id, first.handle)
            assert later.ticket_message.channel == Channel.SOCIAL
            assert later.created_at == later.ticket_message.created_at
            follow_ups += 1
    assert follow_ups >= 1
    assert SocialMessage.objects.filter(direction="in").values("thread_id").distinct(
        ).count() == len(social)


def test_the_contact_history_shows_a_phone_customers_calls(demo):
    agent = User.objects.get(email="alex.morgan@latido.example")  # the administrator sees all
    call = Call.objects.select_related("contact").order_by("id").first()
    assert call is not None
    page = contact_history_for(actor=agent, contact=call.contact, limit=1000)
    calls = [e.event.data["call_id"] for e in page.entries
             if e.kind == "event" and e.event.type == EventType.CALL]
    assert call.pk in calls
    chat = ChatSession.objects.order_by("id").first()
    assert chat is not None
    page = contact_history_for(actor=agent, contact=chat.contact, limit=1000)
    assert {e.event.type for e in page.entries if e.kind == "event"} & CHAT_TYPES


def test_nothing_is_in_the_future_or_before_its_ticket(demo):
    assert TicketEvent.objects.filter(created_at__gt=NOW).count() == 0
    assert Message.objects.filter(created_at__gt=NOW).count() == 0
    assert TicketEvent.objects.filter(created_at__lt=F("ticket__created_at")).count() == 0
    assert Call.objects.filter(created_at__gt=NOW).count() == 0
    assert Call.objects.filter(counted_at__gt=NOW).count() == 0
    assert Call.objects.filter(started_at__gt=F("ticket__created_at"),
                               direction=Call.Direction.INBOUND).count() == 0
    assert ChatSession.objects.filter(last_seen_at__gt=NOW).count() == 0
    assert EmailThreadRef.objects.filter(created_at__gt=NOW).count() == 0
    assert SocialMessage.objects.filter(created_at__gt=NOW, direction="in").count() == 0
    assert Ticket.objects.filter(created_at__gt=NOW).count() == 0
    assert Ticket.objects.filter(created_at__lt=NOW - timedelta(days=30)).count() == 0
    for ticket in Ticket.objects.prefetch_related("events"):
        events = sorted(ticket.events.all(), key=lambda e: e.pk)
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)


def test_agents_social_replies_are_history_and_the_pipeline_sends_nothing(demo):
    """The demo accounts have no connector: the event pipeline that runs after the demo
    loads must find every agent's social reply already delivered, not queue it to fail."""
    from latido.channels.social.handlers import send_social_replies

    replies = list(Message.objects.filter(
        ticket__channel=Channel.SOCIAL, is_public=True, author__isnull=False))
    assert replies
    sent = {(m.ticket_message_id, m.state) for m in SocialMessage.objects.filter(
        direction=SocialMessage.Direction.OUTBOUND)}
    assert sent == {(m.pk, SocialMessage.State.SENT) for m in replies}
    outbound = SocialMessage.objects.filter(direction=SocialMessage.Direction.OUTBOUND)
    before = outbound.count()
    send_social_replies(list(TicketEvent.objects.filter(
        ticket__channel=Channel.SOCIAL, type=EventType.REPLY).values_list("pk", flat=True)))
    assert outbound.count() == before
    assert not outbound.exclude(state=SocialMessage.State.SENT).exists()
