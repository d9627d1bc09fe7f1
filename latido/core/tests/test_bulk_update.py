"""``update_rows``: one UPDATE … FROM (VALUES …) writes each row's own values of the fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from latido.accounts.models import Queue
from latido.channels.models import Mailbox, RawEmail
from latido.core import bulk
from latido.core.bulk import update_rows
from latido.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 2, 29, 13, 45, 7, 123456, tzinfo=UTC)


def _tickets(world) -> tuple[Ticket, Ticket]:
    return Ticket.objects.get(pk=world.ticket.pk), Ticket.objects.get(pk=world.ticket_b.pk)


def test_char_int_and_datetime_fields_get_each_rows_own_value(world):
    a, b = _tickets(world)
    a.subject, a.priority, a.solved_at = "Ünïcode — subject ✓", 4, WHEN
    b.subject, b.priority, b.solved_at = "Second 'quoted' subject", 1, None
    before_b_version = b.version

    assert update_rows([a, b], ["subject", "priority", "solved_at"]) == 2

    fresh_a, fresh_b = _tickets(world)
    assert (fresh_a.subject, fresh_a.priority, fresh_a.solved_at) == (
        "Ünïcode — subject ✓", 4, WHEN)
    assert (fresh_b.subject, fresh_b.priority, fresh_b.solved_at) == (
        "Second 'quoted' subject", 1, None)
    assert fresh_b.version == before_b_version  # a field not listed is not written


def test_a_nullable_datetime_is_cleared(world):
    Ticket.objects.filter(pk=world.ticket.pk).update(solved_at=WHEN)
    a = Ticket.objects.get(pk=world.ticket.pk)
    assert a.solved_at == WHEN
    a.solved_at = None
    assert update_rows([a], ["solved_at"]) == 1
    assert Ticket.objects.get(pk=world.ticket.pk).solved_at is None


def test_json_dicts_and_lists_with_unicode_round_trip(world):
    a, b = _tickets(world)
    a.fields = {"zamówienie": "łódź", "n": [1, 2.5, None, True], "nested": {"k": "ß€"}}
    b.fields = {}
    assert update_rows([a, b], ["fields"]) == 2
    fresh_a, fresh_b = _tickets(world)
    assert fresh_a.fields == {"zamówienie": "łódź", "n": [1, 2.5, None, True],
                              "nested": {"k": "ß€"}}
    assert fresh_b.fields == {}

    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test")
    row = RawEmail.objects.create(mailbox=mailbox, sha256="0" * 64, raw=b"x", size=1)
    row.notes = ["défaut: «header»", "日本語"]
    assert update_rows([row], ["notes"]) == 1
    assert RawEmail.objects.get(pk=row.pk).notes == ["défaut: «header»", "日本語"]


def test_a_foreign_key_is_set_and_cleared(world):
    a, b = _tickets(world)
    assert a.assignee_id is None
    assert b.assignee_id is None
    a.assignee = world.tier1
    b.assignee = world.other_agent
    assert update_rows([a, b], ["assignee"]) == 2
    fresh_a, fresh_b = _tickets(world)
    assert (fresh_a.assignee_id, fresh_b.assignee_id) == (world.tier1.pk, world.other_agent.pk)

    fresh_a.assignee = None
    fresh_b.team = None
    assert update_rows([fresh_a, fresh_b], ["assignee", "team"]) == 2
    again_a, again_b = _tickets(world)
    assert again_a.assignee_id is None
    assert again_b.assignee_id == world.other_agent.pk
    assert again_b.team_id is None
    assert again_a.team_id == world.team.pk


def test_booleans_both_ways(world):
    queues = list(Queue.objects.filter(team=world.team).order_by("tier"))
    assert [q.auto_assign for q in queues] == [False, False, False]
    queues[0].auto_assign = True
    queues[2].auto_assign = True
    assert update_rows(queues, ["auto_assign"]) == 3
    assert list(Queue.objects.filter(team=world.team).order_by("tier")
                .values_list("auto_assign", flat=True)) == [True, False, True]
    message = Message.objects.filter(ticket=world.ticket, is_public=True).first()
    assert message is not None
    message.is_public = False
    assert update_rows([message], ["is_public"]) == 1
    assert Message.objects.get(pk=message.pk).is_public is False


def test_rows_not_in_the_list_are_untouched(world):
    a, b = _tickets(world)
    a.subject = "Only this one"
    assert update_rows([a], ["subject"]) == 1
    assert Ticket.objects.get(pk=b.pk).subject == "Broken phone"
    assert Ticket.objects.filter(subject="Only this one").count() == 1


def test_empty_list_writes_nothing():
    assert update_rows([], ["subject"]) == 0


def test_an_object_without_a_row_is_not_counted(world):
    a, _b = _tickets(world)
    ghost = Ticket.objects.get(pk=a.pk)
    ghost.pk = a.pk + 10_000
    a.subject = "Real"
    ghost.subject = "Ghost"
    assert update_rows([a, ghost], ["subject"]) == 1
    assert not Ticket.objects.filter(subject="Ghost").exists()


@pytest.mark.parametrize("name", ["tags", "followers", "id"])
def test_many_to_many_and_primary_key_fields_are_refused(world, name):
    a, _b = _tickets(world)
    before = Ticket.objects.get(pk=a.pk).subject
    a.subject = "Must not be written"
    with pytest.raises(ValueError, match=name):
        update_rows([a], ["subject", name])
    assert Ticket.objects.get(pk=a.pk).subject == before


def test_more_rows_than_a_chunk_take_several_statements(world, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test")
    rows = [RawEmail.objects.create(mailbox=mailbox, sha256=f"{i:064d}", raw=b"x", size=1)
            for i in range(5)]
    other = RawEmail.objects.create(mailbox=mailbox, sha256="f" * 64, raw=b"y", size=1)
    for i, row in enumerate(rows):
        row.subject = f"subject {i}"
        row.attempts = i + 10
        row.processed_at = WHEN if i % 2 else None
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(rows, ["subject", "attempts", "processed_at"]) == 5
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3  # 2 + 2 + 1
    got = {r.pk: (r.subject, r.attempts, r.processed_at)
           for r in RawEmail.objects.filter(pk__in=[r.pk for r in rows])}
    assert got == {row.pk: (f"subject {i}", i + 10, WHEN if i % 2 else None)
                   for i, row in enumerate(rows)}
    untouched = RawEmail.objects.get(pk=other.pk)
    assert (untouched.subject, untouched.attempts) == ("", 0)


def _outcome(action) -> object:  # type: ignore[no-untyped-def]
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            action()
    except DatabaseError as exc:
        return type(exc).__name__
    return "stored"


def test_a_value_too_long_for_its_column_is_refused_as_save_refuses_it(world):
    """PostgreSQL refuses a 300-character subject in a varchar(250); a cast to varchar(250)
    in the VALUES list would cut it to 250 silently. SQLite stores it either way."""
    a, _b = _tickets(world)
    a.subject = "x" * 300
    saved = _outcome(lambda: a.save(update_fields=["subject"]))
    updated = _outcome(lambda: update_rows([a], ["subject"]))
    assert updated == saved
    stored = Ticket.objects.get(pk=a.pk).subject
    assert stored in {world.ticket.subject, "x" * 300}  # never a cut-off value
    if connection.vendor == "postgresql":
        assert updated == "DataError"
