"""The websocket side, through channels' WebsocketCommunicator and the in-memory layer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from config.asgi import application
from latido.accounts.models import User
from latido.channels.chat import services
from latido.channels.chat import visitor as visitor_module
from latido.channels.chat.agent import AgentConsumer
from latido.channels.chat.models import ChatSession, ChatStatus, ChatWidget
from latido.channels.chat.visitor import LINES_PER_WINDOW
from latido.tickets.enums import EventType
from latido.tickets.models import Message, TicketEvent
from latido.tickets.services import ticket_note, ticket_reply

from .conftest import SHOP

# Consumers close the thread's old connections around each database call (as in production),
# which a test transaction would not survive on PostgreSQL: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

VISITOR = {"type": "start", "name": "Vera Visitor", "email": "vera@shop.test",
           "message": "Where is my parcel?"}


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    # Sync ORM calls inside the consumers run back in this test's thread (thread-sensitive),
    # on the test's own database connection.
    async_to_sync(scenario)()


def visitor(widget: ChatWidget, origin: str = SHOP) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/chat/visitor/{widget.public_key}/",
                                 headers=[(b"origin", origin.encode())])


def agent(user: User, origin: bytes = b"https://help.example") -> WebsocketCommunicator:
    comm = WebsocketCommunicator(AgentConsumer.as_asgi(), "/ws/chat/agent/",
                                 headers=[(b"host", b"help.example"), (b"origin", origin)])
    comm.scope["user"] = user
    return comm


async def until(comm: WebsocketCommunicator, kind: str, **match: Any) -> dict[str, Any]:
    """The next message of this type (and these values), skipping others."""
    for _ in range(20):
        message = await comm.receive_json_from(timeout=3)
        if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
            return message
    raise AssertionError(f"no {kind} message")


async def started(comm: WebsocketCommunicator, **overrides: str) -> dict[str, Any]:
    connected, _ = await comm.connect()
    assert connected
    await comm.send_json_to({**VISITOR, **overrides})
    return await until(comm, "started")


def test_foreign_origins_are_refused(widget):
    async def scenario() -> None:
        for origin in ("https://evil.example", "null", "https://shop.example:8443"):
            connected, code = await visitor(widget, origin).connect()
            assert not connected, origin
        unknown = WebsocketCommunicator(application, "/ws/chat/visitor/lcw_nope/",
                                        headers=[(b"origin", SHOP.encode())])
        assert not (await unknown.connect())[0]
        # The agent console only accepts its own site (cross-site websocket hijacking).
        console = WebsocketCommunicator(application, "/ws/chat/agent/",
                                        headers=[(b"origin", b"https://evil.example")])
        assert not (await console.connect())[0]

    run(scenario)
    assert not ChatSession.objects.exists()


def test_customers_and_anonymous_cannot_open_the_console(world):
    async def scenario() -> None:
        # A signed-in agent's cookie on a page of another site (or another allowed host).
        for origin in (b"https://evil.example", b"https://help.example.evil.test", b"null",
                       b"http://localhost"):
            connected, code = await agent(world.tier1, origin).connect()
            assert not connected
            assert code == 4403
        for user in (world.customer_a, world.collaborator):
            connected, code = await agent(user).connect()
            assert not connected
            assert code == 4403
        anon = WebsocketCommunicator(application, "/ws/chat/agent/",
                                     headers=[(b"origin", b"http://127.0.0.1")])
        assert not (await anon.connect())[0]

    run(scenario)


def test_chat_with_typing_both_ways_and_lines_on_the_ticket(widget, world):
    async def scenario() -> None:
        console = agent(world.tier1)
        assert (await console.connect())[0]
        assert (await until(console, "snapshot"))["waiting"] == []
        other = agent(world.other_agent)  # another team: never hears of this chat
        assert (await other.connect())[0]
        await until(other, "snapshot")

        guest = visitor(widget)
        start = await started(guest)
        assert start["status"] == "waiting"
        assert start["token"]
        assert [line["text"] for line in start["lines"]] == ["Where is my parcel?"]
        queue = await until(console, "snapshot")
        [waiting] = queue["waiting"]
        assert waiting["name"] == "Vera Visitor"
        assert waiting["email"] == "vera@shop.test"

        await console.send_json_to({"type": "accept", "chat_id": waiting["id"]})
        state = await until(guest, "state")
        assert state["status"] == "active"
        assert state["agent_name"] == world.tier1.name
        mine = await until(console, "snapshot")
        assert [c["id"] for c in mine["active"]] == [waiting["id"]]
        assert mine["waiting"] == []

        await guest.send_json_to({"type": "typing", "on": True})
        typing = await until(console, "typing")
        assert typing == {"type": "typing", "chat_id": waiting["id"], "who": "visitor", "on": True}
        await console.send_json_to({"type": "typing", "chat_id": waiting["id"], "on": True})
        assert (await until(guest, "typing"))["who"] == "agent"

        await console.send_json_to({"type": "message", "chat_id": waiting["id"],
                                    "body": "It ships today."})
        assert (await until(guest, "line"))["line"]["text"] == "It ships today."
        assert (await until(console, "line"))["line"]["text"] == "It ships today."  # echo
        await guest.send_json_to({"type": "message", "body": "Thanks!"})
        line = (await until(console, "line"))["line"]
        assert (line["who"], line["text"], line["name"]) == ("visitor", "Thanks!", "Vera Visitor")

        await console.send_json_to({"type": "end", "chat_id": waiting["id"]})
        assert (await until(guest, "state"))["status"] == "ended"
        # The other team's agent got no line, typing or state of this chat.
        while not await other.receive_nothing(timeout=0.2):
            assert (await other.receive_json_from())["type"] == "snapshot"
        await guest.disconnect()
        await console.disconnect()
        await other.disconnect()

    run(scenario)
    session = ChatSession.objects.get()
    assert session.status == ChatStatus.ENDED
    texts = list(Message.objects.filter(ticket=session.ticket).order_by("id")
                 .values_list("body_text", flat=True))
    assert texts == ["Where is my parcel?", "It ships today.", "Thanks!"]
    kinds = set(TicketEvent.objects.filter(ticket=session.ticket).values_list("type", flat=True))
    assert {EventType.CHAT_STARTED, EventType.CHAT_ACCEPTED, EventType.CHAT_ENDED} <= kinds


def test_capacity_is_enforced_on_the_socket(widget, world):
    world.tier1.chat_capacity = 1
    world.tier1.save()

    async def scenario() -> None:
        one, two = visitor(widget), visitor(widget)
        first = await started(one)
        second = await started(two, email="second@shop.test")
        console = agent(world.tier1)
        assert (await console.connect())[0]
        await console.send_json_to({"type": "accept", "chat_id": first["chat_id"]})
        assert (await until(one, "state"))["status"] == "active"
        await console.send_json_to({"type": "accept", "chat_id": second["chat_id"]})
        error = await until(console, "error")
        assert error["code"] == "chat_capacity"
        assert await two.receive_nothing(timeout=0.3)
        for comm in (one, two, console):
            await comm.disconnect()

    run(scenario)


def test_accept_race_over_sockets_has_one_winner(widget, world):
    async def scenario() -> None:
        guest = visitor(widget)
        chat = await started(guest)
        first, second = agent(world.tier1), agent(world.tier2)
        for comm in (first, second):
            assert (await comm.connect())[0]
        await first.send_json_to({"type": "accept", "chat_id": chat["chat_id"]})
        await second.send_json_to({"type": "accept", "chat_id": chat["chat_id"]})
        assert (await until(second, "error"))["code"] == "chat_taken"
        state = await until(guest, "state")
        assert state["agent_name"] == world.tier1.name
        for comm in (guest, first, second):
            await comm.disconnect()

    run(scenario)
    assert TicketEvent.objects.filter(type=EventType.CHAT_ACCEPTED).count() == 1


def test_closing_the_page_while_waiting_abandons_the_chat(widget, world):
    async def scenario() -> None:
        console = agent(world.tier1)
        assert (await console.connect())[0]
        assert (await until(console, "snapshot"))["waiting"] == []
        guest = visitor(widget)
        chat = await started(guest)
        assert (await until(console, "snapshot"))["waiting"][0]["id"] == chat["chat_id"]
        await guest.disconnect()
        assert (await until(console, "snapshot"))["waiting"] == []
        await console.disconnect()

    run(scenario)
    session = ChatSession.objects.get()
    assert session.status == ChatStatus.ABANDONED
    assert not session.left_message
    event = TicketEvent.objects.get(type=EventType.CHAT_ABANDONED)
    assert event.data["left_message"] is False
    assert event.data["chat_id"] == session.pk


def test_waiting_too_long_offers_to_leave_a_message(widget, world):
    widget.wait_timeout_seconds = 1
    widget.save()

    async def scenario() -> None:
        guest = visitor(widget)
        await started(guest)
        assert (await guest.receive_json_from(timeout=5))["type"] == "offer_message"
        await guest.send_json_to({"type": "leave_message", "body": "Call me at 5 please."})
        state = await until(guest, "state")
        assert state["status"] == "abandoned"
        assert state["left_message"] is True
        await guest.disconnect()

    run(scenario)
    session = ChatSession.objects.get()
    assert session.left_message
    assert session.status == ChatStatus.ABANDONED
    assert session.ticket.messages.filter(body_text="Call me at 5 please.").exists()
    assert TicketEvent.objects.get(type=EventType.CHAT_ABANDONED).data["left_message"] is True


def test_a_visitor_cannot_read_or_write_another_visitors_chat(widget, other_widget, world):
    async def scenario() -> None:
        alice, mallory = visitor(widget), visitor(widget)
        a = await started(alice)
        assert (await mallory.connect())[0]
        for token in ("", "x" * 43, await database_sync_to_async(
                lambda: ChatSession.objects.get(pk=a["chat_id"]).token_hash)()):
            await mallory.send_json_to({"type": "resume", "token": token})
            error = await until(mallory, "error")
            assert error["code"] == "not_found"
        await mallory.send_json_to({"type": "message", "body": "injected"})
        assert (await until(mallory, "error"))["code"] == "not_started"
        # The right token on another widget's socket opens nothing either.
        elsewhere = visitor(other_widget, "https://devices.example")
        assert (await elsewhere.connect())[0]
        await elsewhere.send_json_to({"type": "resume", "token": a["token"]})
        assert (await until(elsewhere, "error"))["code"] == "not_found"
        # Alice's lines reach Alice only.
        await alice.send_json_to({"type": "message", "body": "my address is secret"})
        assert (await until(alice, "line"))["line"]["text"] == "my address is secret"
        assert await mallory.receive_nothing(timeout=0.3)
        assert await elsewhere.receive_nothing(timeout=0.1)
        # With her token, Alice herself resumes (e.g. after navigating the site).
        again = visitor(widget)
        assert (await again.connect())[0]
        await again.send_json_to({"type": "resume", "token": a["token"]})
        resumed = await until(again, "started")
        assert resumed["chat_id"] == a["chat_id"]
        assert [line["text"] for line in resumed["lines"]][-1] == "my address is secret"
        for comm in (alice, mallory, elsewhere, again):
            await comm.disconnect()

    run(scenario)
    assert not Message.objects.filter(body_text="injected").exists()


def test_bad_messages_get_a_clear_error(widget):
    async def scenario() -> None:
        guest = visitor(widget)
        assert (await guest.connect())[0]
        await guest.send_json_to({"type": "start", "name": "", "email": "a@b.test",
                                  "message": "hi"})
        assert (await until(guest, "error"))["code"] == "name_required"
        await guest.send_json_to({"type": "explode"})
        assert (await until(guest, "error"))["code"] == "bad_message"
        await guest.send_json_to(["not", "an", "object"])
        assert (await until(guest, "error"))["code"] == "bad_message"
        await guest.disconnect()

    run(scenario)
    assert not ChatSession.objects.exists()


@pytest.mark.parametrize("lang", ["es", "pl"])
def test_errors_speak_the_visitors_language(widget, lang):
    async def scenario() -> None:
        guest = WebsocketCommunicator(
            application, f"/ws/chat/visitor/{widget.public_key}/?lang={lang}",
            headers=[(b"origin", SHOP.encode())])
        assert (await guest.connect())[0]
        await guest.send_json_to({"type": "message", "body": "hi"})
        error = await until(guest, "error")
        assert error["message"] != "Start a chat first."
        await guest.disconnect()

    run(scenario)


def test_a_visitor_flooding_lines_is_slowed_down(widget):
    async def scenario() -> None:
        guest = visitor(widget)
        await started(guest)
        for n in range(LINES_PER_WINDOW):
            await guest.send_json_to({"type": "message", "body": f"line {n}"})
            await until(guest, "line")
        await guest.send_json_to({"type": "message", "body": "one too many"})
        assert (await until(guest, "error"))["code"] == "rate_limited"
        await guest.disconnect()

    run(scenario)
    assert not Message.objects.filter(body_text="one too many").exists()
    assert Message.objects.filter(body_text__startswith="line ").count() == LINES_PER_WINDOW


def test_console_on_a_csrf_trusted_origin_connects(settings, world):
    settings.CSRF_TRUSTED_ORIGINS = ["https://agents.example"]

    async def scenario() -> None:
        console = agent(world.tier1, b"https://agents.example")
        assert (await console.connect())[0]
        assert (await until(console, "snapshot"))["type"] == "snapshot"
        await console.disconnect()

    run(scenario)


def test_replies_from_the_ticket_page_reach_the_widget_but_notes_never(monkeypatch, widget, world):
    monkeypatch.setattr(visitor_module, "POLL_SECONDS", 0.1)

    def answer_on_the_ticket_page(chat_id: int) -> None:
        session = services.chat_accept(chat_id=chat_id, agent=world.tier1)
        ticket_note(ticket=session.ticket, actor=world.tier1, body="INTERNAL: VIP customer")
        ticket_reply(ticket=session.ticket, actor=world.tier1, body="Answered from the ticket")

    async def scenario() -> None:
        guest = visitor(widget)
        chat = await started(guest)
        await database_sync_to_async(answer_on_the_ticket_page)(chat["chat_id"])
        line = await until(guest, "line")
        assert line["line"]["text"] == "Answered from the ticket"
        assert line["line"]["who"] == "agent"
        while not await guest.receive_nothing(timeout=0.3):
            message = await guest.receive_json_from()
            assert "INTERNAL" not in str(message)
            assert message["type"] != "line"  # each line once
        await guest.disconnect()

    run(scenario)
