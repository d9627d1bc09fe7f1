"""The signed telephony webhook, end to end through /api/v1/channels/phone/webhook/<id>."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from latido.channels.phone.models import AgentExtension, Call, TelephonyEvent, TelephonySource
from latido.channels.phone.selectors import screen_pops_for
from latido.channels.phone.services import call_link
from latido.channels.phone.tests.conftest import SECRET, deliver, stored
from latido.channels.signing import sign
from latido.customers.models import ContactIdentity
from latido.customers.services import contact_add_identity
from latido.tickets.enums import Channel, EventType, Status
from latido.tickets.models import Ticket, TicketEvent

CALLER = "+34 600 555 123"
CALLER_NORMAL = "+34600555123"


def event(name: str, call_id: str = "c-1", **fields) -> dict:
    body = {"event": name, "call_id": call_id, "direction": "inbound", "from": CALLER,
            "to": "+34 910 000 000"}
    body.update(fields)
    return body


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["message"]
    return body


# --- rejected deliveries store nothing ------------------------------------------------


@pytest.mark.parametrize("how", ["wrong_secret", "no_headers", "stale", "tampered", "bad_stamp"])
def test_bad_signature_is_401_and_stores_nothing(world, source, how):
    raw = json.dumps(event("ringing", agent=world.tier1.email)).encode()
    stamp = str(int(time.time()))
    before = stored()
    client_kwargs = {
        "wrong_secret": {"secret": "not-the-secret"},
        "stale": {"stamp": str(int(time.time()) - 301),
                  "signature": sign(SECRET, str(int(time.time()) - 301), raw)},
        "tampered": {"signature": sign(SECRET, stamp, raw + b" "), "stamp": stamp},
        "bad_stamp": {"stamp": "yesterday", "signature": sign(SECRET, stamp, raw)},
    }
    if how == "no_headers":
        from django.test import Client

        response = Client().post(f"/api/v1/channels/phone/webhook/{source.pk}", data=raw,
                                 content_type="application/json")
    else:
        response = deliver(source.pk, raw, **client_kwargs[how])
    assert response.status_code == 401
    assert error_of(response)["code"] == "bad_signature"
    assert stored() == before


@pytest.mark.parametrize(("body", "fragment"), [
    (b"not json", "not valid JSON"),
    (b"\xff\xfe", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (json.dumps({"call_id": "x"}).encode(), "event"),
    (json.dumps(event("hangup")).encode(), "event must be one of"),
    (json.dumps(event("ringing", call_id="")).encode(), "call_id"),
    (json.dumps(event("ringing", call_id=["a"])).encode(), "call_id"),
    (json.dumps(event("ringing", direction="up")).encode(), "direction"),
    (json.dumps(event("ringing", started_at="yesterday")).encode(), "started_at"),
    (json.dumps(event("ringing", started_at="2026-01-01T10:00:00")).encode(), "started_at"),
    (json.dumps(event("ended", duration=-5)).encode(), "duration"),
    (json.dumps(event("ended", duration="long")).encode(), "duration"),
    (json.dumps(event("ended", duration=10 ** 9)).encode(), "duration"),
    (json.dumps(event("ringing", call_id="x" * 201)).encode(), "call_id"),
])
def test_malformed_payload_is_400_with_a_message_and_stores_nothing(world, source, body,
                                                                    fragment):
    before = stored()
    response = deliver(source.pk, body)
    assert response.status_code == 400, response.content
    assert fragment in error_of(response)["message"]
    assert stored() == before


def test_wrong_content_type_is_415_and_too_large_is_413(world, source):
    before = stored()
    wrong = deliver(source.pk, event("ringing"), content_type="text/plain")
    assert wrong.status_code == 415
    assert error_of(wrong)["code"] == "unsupported_media_type"
    big = deliver(source.pk, event("ringing", caller_name="x" * 70_000))
    assert big.status_code == 413
    assert error_of(big)["message"]
    assert stored() == before
    assert deliver(source.pk, event("ringing"),
                   content_type="application/json; charset=utf-8").status_code == 202


def test_unknown_inactive_or_unconfigured_source_is_404(world, source, monkeypatch):
    body = event("ringing")
    assert deliver(source.pk + 1000, body).status_code == 404
    TelephonySource.objects.filter(pk=source.pk).update(active=False)
    assert deliver(source.pk, body).status_code == 404
    TelephonySource.objects.filter(pk=source.pk).update(active=True)
    monkeypatch.delenv("LATIDO_TEST_PBX_SECRET")
    assert deliver(source.pk, body).status_code == 404
    assert not Call.objects.exists()


# --- accepted deliveries --------------------------------------------------------------


def test_ringing_from_unknown_caller_creates_contact_and_pops_for_the_agent(world, source):
    response = deliver(source.pk, event("ringing", agent=world.tier1.email.upper(),
                                        caller_name="Rosa Ruiz"))
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["duplicate"] is False
    assert body["ticket_id"] is None
    call = Call.objects.get(pk=body["call_id"])
    assert (call.state, call.agent_id, call.number, call.source_id, call.external_id) == (
        Call.State.RINGING, world.tier1.pk, CALLER_NORMAL, source.pk, "c-1")
    ident = ContactIdentity.objects.get(kind="phone", value=CALLER_NORMAL)
    assert ident.contact.name == "Rosa Ruiz"
    assert call.contact_id == ident.contact_id
    assert screen_pops_for(actor=world.tier1) == [call]
    assert screen_pops_for(actor=world.tier2) == []


def test_known_caller_resolves_to_their_contact(world, source):
    contact_add_identity(contact=world.contact_a, kind="phone", value=CALLER)
    deliver(source.pk, event("ringing"))
    assert Call.objects.get().contact_id == world.contact_a.pk


def test_number_without_plus_finds_the_same_contact(world, source):
    contact_add_identity(contact=world.contact_a, kind="phone", value="34600555123")
    deliver(source.pk, event("ringing", **{"from": "+34 600 555 123"}))
    deliver(source.pk, event("ringing", call_id="c-2", **{"from": "0034 600 555 123"}))
    assert set(Call.objects.values_list("contact_id", flat=True)) == {world.contact_a.pk}


def test_duplicate_event_is_a_noop(world, source):
    first = deliver(source.pk, event("ringing", agent=world.tier1.email))
    before = stored()
    again = deliver(source.pk, event("ringing", agent=world.tier1.email))
    assert again.status_code == 202
    assert again.json() == {**first.json(), "duplicate": True}
    assert stored() == before


def test_answered_then_ended_gets_duration_and_counts_once_linked(world, source):
    deliver(source.pk, event("ringing", agent=world.tier1.email))
    deliver(source.pk, event("answered", agent=world.tier1.email))
    call = Call.objects.get()
    assert call.state == Call.State.ANSWERED
    assert call.answered_at is not None
    deliver(source.pk, event("ended", duration=312))
    call.refresh_from_db()
    assert (call.state, call.duration_seconds) == (Call.State.ENDED, 312)
    assert call.ended_at is not None
    assert screen_pops_for(actor=world.tier1) == []  # the banner goes with the call
    assert not TicketEvent.objects.filter(type=EventType.CALL).exists()  # on no ticket yet
    contact_add_identity(contact=world.contact_a, kind="phone", value="+34 699 999 999")
    call_link(actor=world.tier1, call=call, ticket=world.ticket)
    event_row = TicketEvent.objects.get(type=EventType.CALL)
    assert (event_row.ticket_id, event_row.actor_id) == (world.ticket.pk, world.tier1.pk)
    assert event_row.data["duration_seconds"] == 312
    assert event_row.data["agent"] == world.tier1.pk


def test_call_linked_while_live_is_counted_when_it_ends(world, source):
    deliver(source.pk, event("answered", agent=world.tier1.email))
    call = Call.objects.get()
    call_link(actor=world.tier1, call=call, ticket=world.ticket)
    assert not TicketEvent.objects.filter(type=EventType.CALL).exists()
    version = Ticket.objects.get(pk=world.ticket.pk).version
    deliver(source.pk, event("ended", duration=90))
    row = TicketEvent.objects.get(type=EventType.CALL)
    assert row.data["duration_seconds"] == 90
    assert row.ticket_id == world.ticket.pk
    assert Ticket.objects.get(pk=world.ticket.pk).version == version + 1
    deliver(source.pk, event("ended", call_id="c-1", duration=90))  # redelivery
    assert TicketEvent.objects.filter(type=EventType.CALL).count() == 1


def test_ended_without_duration_is_measured_from_answer(world, source):
    deliver(source.pk, event("answered"))
    Call.objects.update(answered_at=timezone.now() - timedelta(seconds=75))
    deliver(source.pk, event("ended"))
    assert 74 <= Call.objects.get().duration_seconds <= 80


def test_late_ringing_does_not_reopen_an_ended_call(world, source):
    deliver(source.pk, event("ended", duration=30))
    deliver(source.pk, event("ringing", agent=world.tier1.email))
    call = Call.objects.get()
    assert call.state == Call.State.ENDED
    assert screen_pops_for(actor=world.tier1) == []


def test_a_call_ends_once(world, source):
    contact_add_identity(contact=world.contact_a, kind="phone", value=CALLER)
    deliver(source.pk, event("answered", agent=world.tier1.email))
    deliver(source.pk, event("ended", duration=200))
    deliver(source.pk, event("missed"))  # a ring group's other agent did not pick up
    deliver(source.pk, event("abandoned"))
    call = Call.objects.get()
    assert (call.state, call.duration_seconds, call.outcome) == ("ended", 200, "")
    assert not TicketEvent.objects.filter(type=EventType.CALL_MISSED).exists()
    assert TelephonyEvent.objects.count() == 4  # every delivery is kept


def test_missed_after_answer_is_not_a_missed_call(world, source):
    deliver(source.pk, event("answered", agent=world.tier1.email))
    deliver(source.pk, event("missed"))
    call = Call.objects.get()
    assert call.state == "answered"
    assert not TicketEvent.objects.filter(type=EventType.CALL_MISSED).exists()
    deliver(source.pk, event("ended", duration=15))
    assert Call.objects.get().state == "ended"


def test_agent_by_extension(world, source):
    AgentExtension.objects.create(source=source, extension="101", agent=world.tier2)
    deliver(source.pk, event("ringing", extension="101"))
    assert Call.objects.get().agent_id == world.tier2.pk


def test_customers_and_unknown_people_are_not_agents(world, source):
    deliver(source.pk, event("ringing", agent=world.customer_a.email))
    deliver(source.pk, event("ringing", call_id="c-2", agent="nobody@example.test"))
    assert list(Call.objects.values_list("agent_id", flat=True)) == [None, None]


def test_started_at_from_payload(world, source):
    started = (timezone.now() - timedelta(minutes=3)).replace(microsecond=0)
    deliver(source.pk, event("ringing", started_at=started.isoformat()))
    deliver(source.pk, event("ringing", call_id="c-2", started_at=int(started.timestamp())))
    assert set(Call.objects.values_list("started_at", flat=True)) == {started}


def test_missed_call_of_a_customer_with_an_open_ticket_is_an_event_there(world, source):
    contact_add_identity(contact=world.contact_a, kind="phone", value=CALLER)
    tickets = Ticket.objects.count()
    response = deliver(source.pk, event("missed"))
    assert response.json()["ticket_id"] == world.ticket.pk
    assert Ticket.objects.count() == tickets
    row = TicketEvent.objects.get(type=EventType.CALL_MISSED)
    call = Call.objects.get()
    assert row.ticket_id == world.ticket.pk
    assert row.data == {"call_id": call.pk, "direction": "inbound", "number": CALLER_NORMAL,
                        "outcome": "missed"}
    assert (call.state, call.outcome, call.ticket_id) == ("missed", "missed", world.ticket.pk)


def test_abandoned_call_of_an_unknown_caller_opens_a_callback_ticket(world, source):
    response = deliver(source.pk, event("abandoned", caller_name="Nuevo Cliente"))
    ticket = Ticket.objects.get(pk=response.json()["ticket_id"])
    assert ticket.channel == Channel.PHONE
    assert ticket.team_id == world.team.pk
    assert ticket.status == Status.NEW
    assert ticket.subject == f"Missed call from Nuevo Cliente ({CALLER_NORMAL})"
    assert ticket.requester.identities.get(kind="phone").value == CALLER_NORMAL
    row = TicketEvent.objects.get(type=EventType.CALL_MISSED)
    assert row.ticket_id == ticket.pk
    assert row.data["outcome"] == "abandoned"


def test_solved_tickets_do_not_take_missed_calls(world, source):
    contact_add_identity(contact=world.contact_a, kind="phone", value=CALLER)
    Ticket.objects.filter(pk=world.ticket.pk).update(status=Status.SOLVED)
    response = deliver(source.pk, event("missed"))
    assert response.json()["ticket_id"] not in (None, world.ticket.pk)


def test_missed_call_from_withheld_number_is_stored_without_ticket(world, source):
    tickets = Ticket.objects.count()
    response = deliver(source.pk, event("missed", **{"from": "anonymous"}))
    assert response.status_code == 202
    call = Call.objects.get()
    assert (call.number, call.contact_id, call.ticket_id, call.state) == ("", None, None,
                                                                          "missed")
    assert Ticket.objects.count() == tickets
    assert TelephonyEvent.objects.count() == 1


def test_outbound_call_uses_the_called_number(world, source):
    deliver(source.pk, event("answered", direction="outbound", **{
        "from": "+34 910 000 000", "to": "+48 500 600 700"}))
    assert Call.objects.get().number == "+48500600700"
