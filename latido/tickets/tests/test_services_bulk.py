"""Batch ticket services: the same rows and events as the one-by-one services, fewer writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Max
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from latido.accounts.models import Queue
from latido.accounts.roles import Role, Tier
from latido.core.errors import NotFound, ValidationError
from latido.customers.models import Contact
from latido.tickets.enums import EventType, Status
from latido.tickets.models import Attachment, Message, Ticket, TicketEvent
from latido.tickets.services import ticket_assign, ticket_create, ticket_reply, ticket_update
from latido.tickets.services.bulk import (
    CustomerMessage,
    customer_messages_deliver,
    tickets_assign_by_system,
)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PIPELINE_TASK = "latido.core.tasks.run_event_pipeline"


@dataclass
class Upload:
    """An uploaded file as the services read it."""

    name: str | None
    data: bytes
    size: int | None = None

    def read(self, size: int = -1) -> bytes:
        return self.data if size < 0 else self.data[:size]


@dataclass
class Spec:
    """One customer message: opens a ticket (subject) or replies to `target` / item `item`."""

    contact: Contact
    channel: str
    body: str
    is_html: bool = False
    subject: str | None = None
    team: Any = None
    target: str | None = None  # a key of the prepared tickets
    item: int | None = None  # an earlier spec opening a ticket


def _marks() -> dict[str, int]:
    return {name: model.objects.aggregate(m=Max("id"))["m"] or 0
            for name, model in (("t", Ticket), ("m", Message), ("e", TicketEvent))}


def _counts() -> tuple[int, int, int, int]:
    return (Ticket.objects.count(), Message.objects.count(), TicketEvent.objects.count(),
            Attachment.objects.count())


def _prepare(world) -> dict[str, Ticket]:
    """One ticket in each status a reply treats differently."""
    out = {}
    for status in ("new", "open", "pending", "on_hold", "solved"):
        t = ticket_create(actor=None, requester=world.contact_a, subject=f"Prepared {status}",
                          body="Before.", channel="email", team=world.team)
        if status != "new":
            ticket_update(ticket=t, actor=world.tier1, expected_version=None, status=status)
        out[status] = Ticket.objects.get(pk=t.pk)
    return out


def _specs(world) -> list[Spec]:
    return [
        Spec(world.contact_a, "email", "<p>Hello <b>there</b><script>x()</script></p>",
             is_html=True, subject="  Card   charged twice ", team=world.team),
        Spec(world.contact_b, "portal", "Plain text\nsecond line", subject="No team given"),
        Spec(world.contact_b, "email", "Back again", target="solved"),
        Spec(world.contact_a, "email", "Still waiting", target="pending"),
        Spec(world.contact_a, "web", "On hold?", target="on_hold"),
        Spec(world.contact_a, "email", "More detail", target="new"),
        Spec(world.contact_a, "email", "And one more", target="open"),
        Spec(world.contact_b, "email", "Second reply to the solved one", target="solved"),
        Spec(world.contact_a, "email", "Follow-up on the new ticket", item=0),
        Spec(world.contact_b, "email", "Other team", subject="Devices", team=world.other_team),
    ]


def _one_by_one(specs: list[Spec], tickets: dict[str, Ticket]) -> None:
    opened: dict[int, Ticket] = {}
    for index, s in enumerate(specs):
        if s.subject is not None:
            opened[index] = ticket_create(actor=None, requester=s.contact, subject=s.subject,
                                          body=s.body, body_is_html=s.is_html,
                                          channel=s.channel, team=s.team)
        else:
            ticket = opened[s.item] if s.item is not None else tickets[s.target or ""]
            ticket_reply(ticket=Ticket.objects.get(pk=ticket.pk), actor=None, contact=s.contact,
                         channel=s.channel, body=s.body, body_is_html=s.is_html)


def _items(specs: list[Spec], tickets: dict[str, Ticket]) -> list[CustomerMessage]:
    return [CustomerMessage(contact=s.contact, channel=s.channel, body=s.body,
                            body_is_html=s.is_html, subject=s.subject, team=s.team,
                            reply_to=tickets[s.target].pk if s.target else None,
                            reply_to_item=s.item) for s in specs]


def _ticket_row(t: Ticket) -> tuple[Any, ...]:
    return (t.subject, t.status, t.priority, t.type, t.tier, t.channel, t.requester_id,
            t.organization_id, t.team_id, t.queue_id, t.assignee_id, t.created_by_id,
            t.version, t.solved_at is None, t.fields)


def _snapshot(marks: dict[str, int], tickets: dict[str, Ticket]) -> dict[str, Any]:
    new_tickets = [_ticket_row(t) for t in Ticket.objects.filter(pk__gt=marks["t"]).order_by("pk")]
    prepared = {key: _ticket_row(Ticket.objects.get(pk=t.pk))[1:]  # not the subject
                for key, t in tickets.items()}
    messages = [(m.ticket.subject, m.author_id, m.author_contact_id, m.author_role, m.is_public,
                 m.channel, m.body_html, m.body_text)
                for m in Message.objects.filter(pk__gt=marks["m"]).select_related("ticket")
                .order_by("pk")]
    events = [(e.ticket.subject, e.type, e.actor_id, e.actor_role, e.data,
               e.message.body_text if e.message else None)
              for e in TicketEvent.objects.filter(pk__gt=marks["e"])
              .select_related("ticket", "message").order_by("pk")]
    return {"tickets": new_tickets, "prepared": prepared, "messages": messages,
            "events": events}


@pytest.mark.django_db
def test_a_batch_writes_what_the_one_by_one_services_write(world):
    first = _prepare(world)
    marks = _marks()
    _one_by_one(_specs(world), first)
    expected = _snapshot(marks, first)

    second = _prepare(world)
    marks = _marks()
    delivered = customer_messages_deliver(_items(_specs(world), second))
    got = _snapshot(marks, second)

    assert got == expected
    # The comparison is not of two empty runs: what the one-by-one run wrote, spelled out.
    assert [row[0] for row in expected["tickets"]] == [
        "Card charged twice", "No team given", "Devices"]
    assert [row[8] for row in expected["tickets"]] == [
        world.team.pk, world.team.pk, world.other_team.pk]
    assert [row[9] for row in expected["tickets"]] == [
        Queue.objects.get(team=world.team, tier=Tier.TIER1).pk,
        Queue.objects.get(team=world.team, tier=Tier.TIER1).pk,
        Queue.objects.get(team=world.other_team, tier=Tier.TIER1).pk]
    assert [e[1] for e in expected["events"]] == [
        "created", "created", "reply", "status", "reply", "status", "reply", "status",
        "reply", "reply", "reply", "reply", "created"]
    assert [d.created for d in delivered] == [True, True] + [False] * 7 + [True]
    assert [d.message.body_text for d in delivered][2] == "Back again"
    assert delivered[8].ticket.pk == delivered[0].ticket.pk


def _reply(world, ticket: Ticket, body: str = "Me again") -> CustomerMessage:
    return CustomerMessage(contact=world.contact_a, channel="email", body=body,
                           reply_to=ticket.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["solved", "pending", "on_hold"])
def test_a_reply_reopens_a_waiting_or_solved_ticket(world, status):
    ticket = world.ticket
    ticket_update(ticket=ticket, actor=world.tier1, expected_version=None, status=status)
    before = Ticket.objects.get(pk=ticket.pk)
    assert (before.solved_at is not None) == (status == "solved")
    mark = _marks()["e"]

    customer_messages_deliver([_reply(world, ticket)])

    after = Ticket.objects.get(pk=ticket.pk)
    assert after.status == Status.OPEN
    assert after.solved_at is None
    assert after.version == before.version + 1
    events = list(after.events.filter(pk__gt=mark).order_by("pk"))
    assert [(e.type, e.actor_id, e.actor_role, e.data) for e in events] == [
        ("reply", None, "system", {"channel": "email", "public": True}),
        ("status", None, "system", {"from": status, "to": "open"}),
    ]
    assert events[0].message is not None
    assert events[0].message.body_text == "Me again"
    assert events[1].message is None


@pytest.mark.django_db
def test_a_reply_to_a_new_ticket_leaves_it_new_and_each_reply_bumps_the_version(world):
    ticket = world.ticket_b
    assert ticket.status == Status.NEW
    version = Ticket.objects.get(pk=ticket.pk).version
    customer_messages_deliver([_reply(world, ticket, "one"), _reply(world, ticket, "two"),
                               _reply(world, ticket, "three")])
    after = Ticket.objects.get(pk=ticket.pk)
    assert after.status == Status.NEW
    assert after.version == version + 3
    assert list(after.messages.order_by("-pk").values_list("body_text", flat=True)[:3]) == [
        "three", "two", "one"]
    assert not after.events.filter(type=EventType.STATUS).exists()


@pytest.mark.django_db
def test_a_reply_threads_onto_a_ticket_opened_earlier_in_the_same_call(world):
    delivered = customer_messages_deliver([
        CustomerMessage(contact=world.contact_b, channel="email", body="First", subject="New"),
        _reply(world, world.ticket, "Unrelated"),
        CustomerMessage(contact=world.contact_b, channel="email", body="Second",
                        reply_to_item=0),
    ])
    ticket = Ticket.objects.get(pk=delivered[0].ticket.pk)
    assert delivered[2].ticket.pk == ticket.pk
    assert delivered[2].created is False
    assert list(ticket.messages.order_by("pk").values_list("body_text", flat=True)) == [
        "First", "Second"]
    assert list(ticket.events.order_by("pk").values_list("type", flat=True)) == [
        "created", "reply"]
    assert (ticket.status, ticket.version) == (Status.NEW, 2)


@pytest.mark.django_db
def test_a_reply_to_an_item_that_does_not_open_a_ticket_earlier_is_refused(world):
    before = _counts()
    with pytest.raises(ValueError, match="follow"):
        customer_messages_deliver([
            CustomerMessage(contact=world.contact_b, channel="email", body="x", reply_to_item=1),
            CustomerMessage(contact=world.contact_b, channel="email", body="y", subject="S"),
        ])
    assert _counts() == before


def _new(world, subject: str = "Fine", body: str = "Fine body") -> CustomerMessage:
    return CustomerMessage(contact=world.contact_b, channel="email", body=body, subject=subject)


@pytest.mark.django_db
def test_a_closed_ticket_refuses_the_whole_batch(world):
    Ticket.objects.filter(pk=world.ticket_b.pk).update(status=Status.CLOSED)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        customer_messages_deliver([_new(world), _reply(world, world.ticket),
                                   _reply(world, world.ticket_b)])
    assert exc.value.code == "ticket_closed"
    assert _counts() == before
    assert Ticket.objects.get(pk=world.ticket.pk).version == world.ticket.version


@pytest.mark.django_db
def test_an_unknown_ticket_refuses_the_whole_batch(world):
    before = _counts()
    missing = Ticket.objects.aggregate(m=Max("id"))["m"] + 100
    with pytest.raises(NotFound):
        customer_messages_deliver([_new(world), _reply(world, world.ticket),
                                   CustomerMessage(contact=world.contact_a, channel="email",
                                                   body="Where?", reply_to=missing)])
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["empty body", "blank reply", "long subject", "no subject"])
def test_a_broken_item_refuses_the_whole_batch(world, bad):
    item = {
        "empty body": _new(world, body="   "),
        "blank reply": _reply(world, world.ticket, " \n "),
        "long subject": _new(world, subject="x" * 251),
        "no subject": _new(world, subject="   "),
    }[bad]
    before = _counts()
    with pytest.raises(ValidationError):
        customer_messages_deliver([_new(world), _reply(world, world.ticket), item])
    assert _counts() == before


@pytest.mark.django_db
def test_attachments_are_stored_with_their_messages(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    delivered = customer_messages_deliver([
        CustomerMessage(contact=world.contact_b, channel="email", body="See attached",
                        subject="With files", attachments=[
                            Upload("invoice.pdf", b"%PDF-1.4 invoice"),
                            Upload("notes.txt", "zażółć".encode())]),
        _reply(world, world.ticket),
        CustomerMessage(contact=world.contact_a, channel="email", body="Log", reply_to=world
                        .ticket.pk, attachments=[Upload("app.csv", b"ERR,42")]),
    ])
    rows = list(Attachment.objects.order_by("pk"))
    assert [(a.filename, a.content_type, a.size, a.message_id, a.ticket_id) for a in rows] == [
        ("invoice.pdf", "application/pdf", 16, delivered[0].message.pk, delivered[0].ticket.pk),
        ("notes.txt", "text/plain", len("zażółć".encode()), delivered[0].message.pk,
         delivered[0].ticket.pk),
        ("app.csv", "text/csv", 6, delivered[2].message.pk, world.ticket.pk),
    ]
    contents = []
    for a in rows:
        with a.file.open("rb") as fh:
            contents.append(fh.read())
    assert contents == [b"%PDF-1.4 invoice", "zażółć".encode(), b"ERR,42"]
    assert len({a.token for a in rows}) == 3


@pytest.mark.django_db
def test_a_refused_attachment_refuses_the_whole_batch(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    before = _counts()
    with pytest.raises(ValidationError):
        customer_messages_deliver([_new(world), CustomerMessage(
            contact=world.contact_a, channel="email", body="x", reply_to=world.ticket.pk,
            attachments=[Upload("run.exe", b"MZ")])])
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
def test_the_batch_publishes_its_events_to_the_pipeline_once(world):
    ticket_update(ticket=world.ticket, actor=world.tier1, expected_version=None,
                  status="solved")
    marks = _marks()
    with override_settings(TASKS=DB_TASKS):
        customer_messages_deliver([_new(world, "One"), _new(world, "Two"),
                                   _reply(world, world.ticket)])
    jobs = list(DBTaskResult.objects.filter(task_path=PIPELINE_TASK))
    assert len(jobs) == 1
    events = list(TicketEvent.objects.filter(pk__gt=marks["e"]).order_by("pk")
                  .values_list("pk", "type"))
    assert [t for _pk, t in events] == ["created", "created", "reply", "status"]
    assert jobs[0].args_kwargs["args"][0] == [pk for pk, _t in events]


# --- tickets_assign_by_system ----------------------------------------------------------------

def _assign_row(t: Ticket) -> tuple[Any, ...]:
    t = Ticket.objects.get(pk=t.pk)
    events = [(e.type, e.actor_id, e.actor_role, e.data, e.message_id)
              for e in t.events.filter(type__in=["assigned", "status"]).order_by("pk")]
    return (t.assignee_id, t.status, t.version, t.solved_at, events)


def _fresh(world, subject: str) -> Ticket:
    return ticket_create(actor=None, requester=world.contact_a, subject=subject, body="b",
                         channel="email", team=world.team)


@pytest.mark.django_db
def test_system_assignment_writes_what_ticket_assign_writes(world):
    one, two = _fresh(world, "by ticket_assign"), _fresh(world, "by the batch")
    open_one, open_two = _fresh(world, "open 1"), _fresh(world, "open 2")
    for t in (open_one, open_two):
        ticket_update(ticket=t, actor=world.lead, expected_version=None, status="pending")
    ticket_assign(ticket=one, actor=None, assignee=world.tier1)
    ticket_assign(ticket=open_one, actor=None, assignee=world.tier2)

    assigned = tickets_assign_by_system([(two.pk, world.tier1), (open_two.pk, world.tier2)])

    assert sorted(assigned) == sorted([two.pk, open_two.pk])
    assert _assign_row(two) == _assign_row(one)
    assert _assign_row(open_two) == _assign_row(open_one)
    assert _assign_row(two)[4] == [
        ("assigned", None, "system", {"from": None, "to": world.tier1.pk,
                                      "reassignment": False}, None),
        ("status", None, "system", {"from": "new", "to": "open"}, None),
    ]
    assert _assign_row(open_two)[1] == "pending"
    assert [e[0] for e in _assign_row(open_two)[4]] == ["status", "assigned"]


@pytest.mark.django_db
def test_assigned_and_solved_tickets_are_skipped(world):
    taken, solved, free = _fresh(world, "taken"), _fresh(world, "solved"), _fresh(world, "free")
    ticket_assign(ticket=taken, actor=None, assignee=world.tier2)
    ticket_update(ticket=solved, actor=world.lead, expected_version=None, status="solved")
    before = {t.pk: _assign_row(t) for t in (taken, solved)}

    assigned = tickets_assign_by_system([(taken.pk, world.tier1), (solved.pk, world.tier1),
                                         (free.pk, world.tier1)])

    assert assigned == [free.pk]
    assert {t.pk: _assign_row(t) for t in (taken, solved)} == before
    assert _assign_row(free)[:2] == (world.tier1.pk, "open")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["inactive", "customer", "collaborator"])
def test_an_assignee_who_is_not_an_active_agent_is_refused(world, who):
    assignee = {"inactive": world.tier2, "customer": world.customer_a,
                "collaborator": world.collaborator}[who]
    if who == "inactive":
        assignee.is_active = False
        assignee.save(update_fields=["is_active"])
    assert assignee.role in (Role.TIER2, Role.CUSTOMER, Role.COLLABORATOR)
    first, second = _fresh(world, "first"), _fresh(world, "second")
    rows = {t.pk: _assign_row(t) for t in (first, second)}
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        tickets_assign_by_system([(first.pk, world.tier1), (second.pk, assignee)])
    assert exc.value.code == "bad_assignee"
    assert {t.pk: _assign_row(t) for t in (first, second)} == rows
    assert _counts() == before


@pytest.mark.django_db
def test_nothing_to_assign_returns_nothing(world):
    before = _counts()
    assert tickets_assign_by_system([]) == []
    assert _counts() == before
