"""Chat services: the ticket is the transcript, events count waiting and abandonment."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from latido.channels.chat import services
from latido.channels.chat.models import ChatSession, ChatStatus, ChatWidget
from latido.channels.chat.selectors import console_snapshot, waiting_chats_for
from latido.channels.models import OutboundEmail
from latido.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from latido.core.tests.races import retry_while_locked
from latido.tickets.enums import Channel, EventType, Status
from latido.tickets.models import Message, Ticket, TicketEvent
from latido.tickets.services import ticket_reply

from .conftest import SHOP


def start(widget: ChatWidget, **kw: str) -> tuple[ChatSession, str]:
    args = {"name": "Vera Visitor", "email": "vera@shop.test", "message": "Where is my parcel?"}
    args.update(kw)
    return services.chat_start(widget=widget, origin=SHOP, **args)


def events(session: ChatSession, type_: str) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=session.ticket, type=type_))


def test_start_opens_a_chat_ticket_with_the_first_message(widget, world):
    session, token = start(widget)
    ticket = session.ticket
    assert ticket.channel == Channel.CHAT
    assert ticket.team == world.team
    assert ticket.requester.primary_email == "vera@shop.test"
    assert session.status == ChatStatus.WAITING
    assert len(token) > 30
    assert session.token_hash != token
    first = Message.objects.get(ticket=ticket)
    assert first.body_text == "Where is my parcel?"
    assert first.author_contact == session.contact
    assert first.is_public
    assert [e.data for e in events(session, EventType.CHAT_STARTED)] == [{"chat_id": session.pk}]


@pytest.mark.parametrize(("origin", "kw", "error"), [
    ("https://evil.example", {}, PermissionDenied),
    ("https://shop.example.evil.test", {}, PermissionDenied),
    (None, {}, PermissionDenied),
    (SHOP, {"name": "  "}, ValidationError),
    (SHOP, {"email": "not-an-address"}, ValidationError),
    (SHOP, {"message": ""}, ValidationError),
    (SHOP, {"message": "x" * 4001}, ValidationError),
])
def test_start_refuses_bad_input_and_stores_nothing(widget, origin, kw, error):
    before = Ticket.objects.count()
    args = {"name": "Vera", "email": "vera@shop.test", "message": "Hi"}
    args.update(kw)
    with pytest.raises(error):
        services.chat_start(widget=widget, origin=origin, **args)
    assert Ticket.objects.count() == before
    assert not ChatSession.objects.exists()


def test_inactive_widget_takes_no_chats(widget):
    widget.active = False
    widget.save()
    with pytest.raises(NotFound):
        start(widget)


def test_accept_records_waiting_time_and_assigns(widget, world):
    session, _ = start(widget)
    accepted = services.chat_accept(chat_id=session.pk, agent=world.tier1)
    assert accepted.status == ChatStatus.ACTIVE
    assert accepted.agent == world.tier1
    [event] = events(session, EventType.CHAT_ACCEPTED)
    assert event.data["agent"] == world.tier1.pk
    assert event.data["chat_id"] == session.pk
    assert event.data["waited_seconds"] >= 0
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert ticket.assignee == world.tier1
    assert ticket.status == Status.OPEN


def test_agent_of_another_team_cannot_see_or_take_the_chat(widget, world):
    session, _ = start(widget)
    assert list(waiting_chats_for(agent=world.other_agent)) == []
    assert [c.pk for c in waiting_chats_for(agent=world.tier1)] == [session.pk]
    assert [c.pk for c in waiting_chats_for(agent=world.coordinator)] == [session.pk]
    with pytest.raises(NotFound):
        services.chat_accept(chat_id=session.pk, agent=world.other_agent)
    with pytest.raises(PermissionDenied):
        services.chat_accept(chat_id=session.pk, agent=world.customer_a)
    with pytest.raises(PermissionDenied):
        services.chat_accept(chat_id=session.pk, agent=world.collaborator)
    assert ChatSession.objects.get(pk=session.pk).status == ChatStatus.WAITING


def test_capacity_and_first_come_first_served(widget, world):
    world.tier1.chat_capacity = 1
    world.tier1.save()
    one, _ = start(widget)
    two, _ = start(widget, email="other@shop.test")
    services.chat_accept(chat_id=one.pk, agent=world.tier1)
    with pytest.raises(Conflict) as capacity:
        services.chat_accept(chat_id=two.pk, agent=world.tier1)
    assert capacity.value.code == "chat_capacity"
    with pytest.raises(Conflict) as taken:
        services.chat_accept(chat_id=one.pk, agent=world.tier2)
    assert taken.value.code == "chat_taken"
    services.chat_accept(chat_id=two.pk, agent=world.tier2)
    assert console_snapshot(agent=world.tier2)["active"][0]["id"] == two.pk


@pytest.mark.django_db(transaction=True)
def test_two_agents_racing_for_one_chat_only_one_wins(widget, world):
    session, _ = start(widget)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def take(agent_name: str) -> None:
        agent = getattr(world, agent_name)
        barrier.wait()
        try:
            retry_while_locked(lambda: services.chat_accept(chat_id=session.pk, agent=agent))
            outcome[agent_name] = "won"
        except Conflict as error:
            outcome[agent_name] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(n,)) for n in ("tier1", "tier2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome.values()) == ["chat_taken", "won"]
    assert len(events(session, EventType.CHAT_ACCEPTED)) == 1
    winner = next(n for n, v in outcome.items() if v == "won")
    assert ChatSession.objects.get(pk=session.pk).agent == getattr(world, winner)


def test_lines_become_ticket_messages_as_plain_text(widget, world):
    session, _ = start(widget)
    session = services.chat_accept(chat_id=session.pk, agent=world.tier1)
    visitor = services.chat_post(session=session, body="<script>alert(1)</script> hi")
    agent = services.chat_post(session=session, agent=world.tier1, body="Hello <b>Vera</b>")
    assert "<script>" not in visitor.body_html
    assert "&lt;script&gt;" in visitor.body_html
    assert visitor.author_contact == session.contact
    assert visitor.author is None
    assert agent.author == world.tier1
    assert agent.is_public
    assert agent.channel == Channel.CHAT
    assert "<b>" not in agent.body_html
    with pytest.raises(PermissionDenied):
        services.chat_post(session=session, agent=world.tier2, body="let me in")
    snapshot = console_snapshot(agent=world.tier1)
    assert [line["who"] for line in snapshot["active"][0]["lines"]] == [
        "visitor", "visitor", "agent"]


def test_end_records_duration_and_closes_the_conversation(widget, world):
    session, _ = start(widget)
    session = services.chat_accept(chat_id=session.pk, agent=world.tier1)
    with pytest.raises(PermissionDenied):
        services.chat_end(session=session, agent=world.tier2)
    ended = services.chat_end(session=session, agent=world.tier1)
    assert ended.status == ChatStatus.ENDED
    [event] = events(session, EventType.CHAT_ENDED)
    assert event.data["duration_seconds"] >= 0
    with pytest.raises(ValidationError):
        services.chat_post(session=ended, body="still there?")


def test_abandon_and_leave_a_message(widget, world):
    closed, _ = start(widget)
    services.chat_abandon(session=closed)
    [event] = events(closed, EventType.CHAT_ABANDONED)
    assert event.data["left_message"] is False
    assert "waited_seconds" in event.data

    waiting, _ = start(widget, email="leaver@shop.test")
    left = services.chat_leave_message(session=waiting, body="Please call me back tomorrow.")
    assert left.status == ChatStatus.ABANDONED
    assert left.left_message
    [event] = events(waiting, EventType.CHAT_ABANDONED)
    assert event.data == {"chat_id": waiting.pk, "waited_seconds": event.data["waited_seconds"],
                          "left_message": True}
    ticket = Ticket.objects.get(pk=waiting.ticket_id)
    assert ticket.status in (Status.NEW, Status.OPEN)
    assert ticket.assignee is None
    assert ticket.messages.filter(body_text="Please call me back tomorrow.").exists()
    with pytest.raises(ValidationError):
        services.chat_leave_message(session=left, body="again")
    with pytest.raises(Conflict):
        services.chat_accept(chat_id=waiting.pk, agent=world.tier1)


def test_a_token_opens_only_its_own_chat(widget, other_widget):
    mine, my_token = start(widget)
    theirs, their_token = start(widget, email="someone@shop.test")
    assert services.chat_for_visitor(widget=widget, token=my_token).pk == mine.pk
    assert services.chat_for_visitor(widget=widget, token=their_token).pk == theirs.pk
    for token in ("", "guess", mine.token_hash):
        with pytest.raises(NotFound):
            services.chat_for_visitor(widget=widget, token=token)
    with pytest.raises(NotFound):
        services.chat_for_visitor(widget=other_widget, token=my_token)


def test_visitors_gone_without_a_goodbye_are_swept(widget, world):
    gone, _ = start(widget)
    here, _ = start(widget, email="here@shop.test")
    talking, _ = start(widget, email="talking@shop.test")
    services.chat_accept(chat_id=talking.pk, agent=world.tier1)
    old = timezone.now() - services.VISITOR_GONE_AFTER - timedelta(seconds=1)
    ChatSession.objects.filter(pk__in=[gone.pk, here.pk, talking.pk]).update(last_seen_at=old)
    services.chat_seen(session=here)  # the heartbeat of a page still open
    swept = services.chat_sweep_stale()
    assert [s.pk for s in swept] == [gone.pk]
    statuses = dict(ChatSession.objects.values_list("pk", "status"))
    assert statuses == {gone.pk: ChatStatus.ABANDONED, here.pk: ChatStatus.WAITING,
                        talking.pk: ChatStatus.ACTIVE}
    [event] = events(gone, EventType.CHAT_ABANDONED)
    assert event.data["left_message"] is False
    assert services.chat_sweep_stale() == []
    # Half an hour without the visitor ends an accepted chat and frees the agent's place.
    later = timezone.now() + services.ACTIVE_GONE_AFTER
    assert [s.pk for s in services.chat_sweep_stale(now=later)] == [here.pk, talking.pk]
    assert ChatSession.objects.get(pk=talking.pk).status == ChatStatus.ENDED
    assert len(events(talking, EventType.CHAT_ENDED)) == 1


def test_the_visitor_ends_an_active_chat_or_gives_up_waiting(widget, world):
    talking, _ = start(widget)
    talking = services.chat_accept(chat_id=talking.pk, agent=world.tier1)
    assert services.chat_end(session=talking).status == ChatStatus.ENDED
    [ended] = events(talking, EventType.CHAT_ENDED)
    assert ended.actor is None
    waiting, _ = start(widget, email="w@shop.test")
    assert services.chat_end(session=waiting).status == ChatStatus.ABANDONED
    with pytest.raises(PermissionDenied):
        services.chat_end(session=waiting, agent=world.tier1)  # not the agent's chat


def test_after_the_chat_agents_answer_by_email_never_during_it(
        widget, world, django_capture_on_commit_callbacks):
    left, _ = start(widget, email="leaver@shop.test")
    services.chat_leave_message(session=left, body="Please write me back.")
    talking, _ = start(widget, email="talker@shop.test")
    talking = services.chat_accept(chat_id=talking.pk, agent=world.tier1)
    with django_capture_on_commit_callbacks(execute=True):
        services.chat_post(session=talking, agent=world.tier1, body="Chat line, not an email")
    assert OutboundEmail.objects.count() == 0  # lines of a live chat are not mailed

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=Ticket.objects.get(pk=left.ticket_id), actor=world.tier1,
                     body="Here is our answer to your message.")
    [mail] = OutboundEmail.objects.all()
    assert mail.to_address == "leaver@shop.test"

    services.chat_end(session=talking, agent=world.tier1)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=Ticket.objects.get(pk=talking.ticket_id), actor=world.tier1,
                     body="One more thing after our chat.")
    assert sorted(OutboundEmail.objects.values_list("to_address", flat=True)) == [
        "leaver@shop.test", "talker@shop.test"]
