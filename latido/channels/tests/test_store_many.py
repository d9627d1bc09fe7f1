"""``email_store_many``: several raw messages stored with one lookup and one INSERT."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import transaction

from latido.channels.email.ingest import email_store, email_store_many
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.helpers import make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(db) -> Mailbox:
    return Mailbox.objects.create(name="Help", address="help@latido.test")


def _no_message_id(subject: str) -> bytes:
    return (f"From: ana@customer.test\r\nTo: help@latido.test\r\nSubject: {subject}\r\n"
            f"\r\nNo Message-ID here.\r\n").encode()


def _store(mailbox: Mailbox, raws: list[bytes]) -> list[tuple[RawEmail, bool]]:
    with transaction.atomic():
        return email_store_many(mailbox=mailbox, raws=raws)


def test_new_messages_are_stored_in_order_and_flagged_new(mailbox):
    raws = [make_mail(subject=f"Mail {i}", message_id=f"<m{i}@customer.test>")
            for i in range(3)]
    result = _store(mailbox, raws)
    assert [flag for _row, flag in result] == [True, True, True]
    assert [row.message_id for row, _ in result] == ["m0@customer.test", "m1@customer.test",
                                                     "m2@customer.test"]
    rows = list(RawEmail.objects.filter(mailbox=mailbox).order_by("pk"))
    assert [r.pk for r in rows] == [row.pk for row, _ in result]
    assert [(bytes(r.raw), r.size, r.sha256, r.state) for r in rows] == [
        (raw, len(raw), hashlib.sha256(raw).hexdigest(), RawEmail.State.RECEIVED)
        for raw in raws]


def test_a_message_stored_before_comes_back_as_the_same_row(mailbox):
    old = make_mail(message_id="<old@customer.test>")
    stored, created = email_store(mailbox=mailbox, raw=old, schedule=False)
    assert created
    fresh = make_mail(message_id="<fresh@customer.test>")

    result = _store(mailbox, [fresh, old])

    assert [(row.pk == stored.pk, flag) for row, flag in result] == [(False, True),
                                                                     (True, False)]
    assert RawEmail.objects.filter(mailbox=mailbox).count() == 2


def test_the_same_bytes_twice_in_one_list_make_one_row(mailbox):
    raw = make_mail(message_id="<twice@customer.test>")
    other = make_mail(message_id="<other@customer.test>")
    result = _store(mailbox, [raw, other, raw])
    assert [flag for _row, flag in result] == [True, True, False]
    assert result[0][0].pk == result[2][0].pk
    assert RawEmail.objects.filter(mailbox=mailbox).count() == 2


def test_messages_without_message_id_dedupe_by_their_hash(mailbox):
    first, second = _no_message_id("One"), _no_message_id("Two")
    before, _ = email_store(mailbox=mailbox, raw=first, schedule=False)
    assert before.message_id is None

    result = _store(mailbox, [first, second, second])

    assert [flag for _row, flag in result] == [False, True, False]
    assert result[0][0].pk == before.pk
    assert result[1][0].pk == result[2][0].pk
    assert RawEmail.objects.filter(mailbox=mailbox, message_id__isnull=True).count() == 2


def test_different_bytes_with_one_message_id_are_two_rows_as_email_store_keeps_them(mailbox):
    a = make_mail(message_id="<same@customer.test>", body="first version")
    b = make_mail(message_id="<same@customer.test>", body="second version")
    c = make_mail(message_id="<same@customer.test>", body="third version")
    email_store(mailbox=mailbox, raw=a, schedule=False)

    result = _store(mailbox, [a, b, c])

    assert [flag for _row, flag in result] == [False, True, True]
    assert len({row.pk for row, _ in result}) == 3
    assert RawEmail.objects.filter(mailbox=mailbox, message_id="same@customer.test").count() == 3


def test_the_same_message_in_another_mailbox_is_stored_again(mailbox):
    other = Mailbox.objects.create(name="Sales", address="sales@latido.test")
    raw = make_mail(message_id="<both@customer.test>")
    here = _store(mailbox, [raw])
    there = _store(other, [raw])
    assert here[0][1]
    assert there[0][1]
    assert here[0][0].pk != there[0][0].pk


def test_result_pairs_line_up_with_the_input_order(mailbox):
    known = [make_mail(subject=f"Known {i}", message_id=f"<k{i}@customer.test>")
             for i in range(2)]
    for raw in known:
        email_store(mailbox=mailbox, raw=raw, schedule=False)
    new = [make_mail(subject=f"New {i}", message_id=f"<n{i}@customer.test>") for i in range(3)]
    raws = [new[0], known[1], new[1], new[0], known[0], _no_message_id("Plain"), new[2]]

    result = _store(mailbox, raws)

    assert len(result) == len(raws)
    for raw, (row, _flag) in zip(raws, result, strict=True):
        assert row.sha256 == hashlib.sha256(raw).hexdigest()
        assert bytes(RawEmail.objects.get(pk=row.pk).raw) == raw
    assert [flag for _row, flag in result] == [True, False, True, False, False, True, True]
    assert RawEmail.objects.filter(mailbox=mailbox).count() == 6


def test_a_concurrent_delivery_of_one_of_them_falls_back_to_one_by_one(mailbox, monkeypatch):
    raced = make_mail(message_id="<raced@customer.test>")
    plain = _no_message_id("Raced too")
    calm = make_mail(message_id="<calm@customer.test>")
    real_filter = RawEmail.objects.filter
    winners: list[RawEmail] = []

    class StaleLookup:
        """The batch's lookup runs, then another worker stores two of the messages."""

        def __init__(self, qs: Any) -> None:
            self.qs = qs

        def defer(self, *fields: str) -> list[RawEmail]:
            rows = list(self.qs.defer(*fields))
            for raw in (raced, plain):
                winners.append(email_store(mailbox=mailbox, raw=raw, schedule=False)[0])
            return rows

    calls: list[int] = []

    def filter_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        qs = real_filter(*args, **kwargs)
        return StaleLookup(qs) if len(calls) == 1 else qs

    monkeypatch.setattr(RawEmail.objects, "filter", filter_once)
    with transaction.atomic():
        result = email_store_many(mailbox=mailbox, raws=[calm, raced, plain])

    assert len(winners) == 2
    assert [flag for _row, flag in result] == [True, False, False]
    assert [row.pk for row, _ in result][1:] == [w.pk for w in winners]
    assert RawEmail.objects.filter(mailbox=mailbox).count() == 3


def test_an_empty_list_stores_nothing(mailbox):
    assert _store(mailbox, []) == []
    assert not RawEmail.objects.exists()
