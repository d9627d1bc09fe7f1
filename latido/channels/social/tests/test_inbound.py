"""The signed inbound social webhook, over HTTP through Django's test client."""

from __future__ import annotations

import base64
import json
import time

import pytest
from django.test import Client

from latido.channels.signing import sign
from latido.channels.social.models import SocialAccount, SocialMessage
from latido.channels.social.tests.helpers import INBOUND_ENV, INBOUND_SECRET, message, post
from latido.customers.models import Contact, ContactIdentity
from latido.customers.services import contact_create
from latido.tickets.enums import Channel, LinkKind, Status
from latido.tickets.models import Attachment, Message, Ticket, TicketLink
from latido.tickets.services import ticket_merge, ticket_update

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int, int]:
    return (SocialMessage.objects.count(), Ticket.objects.count(), Message.objects.count(),
            Contact.objects.count(), ContactIdentity.objects.count())


def test_a_signed_message_opens_a_social_ticket_for_a_new_contact(account, world):
    response = post(account.pk, message())

    assert response.status_code == 202, response.content
    row = SocialMessage.objects.get()
    ticket = row.ticket
    assert response.json() == {"id": row.pk, "ticket_id": ticket.pk,
                               "ticket_reference": ticket.reference, "duplicate": False}
    assert (row.direction, row.state, row.external_id, row.thread_id, row.handle) == (
        "in", "received", "wamid.1", "conv-1", "+34600111222")
    assert ticket.channel == Channel.SOCIAL
    assert ticket.team == world.team
    assert ticket.subject == "My order 1001 has not arrived."
    assert ticket.requester.name == "Lucía Pérez"
    first = ticket.messages.get()
    assert row.ticket_message == first
    assert first.is_public
    assert first.author_contact == ticket.requester
    assert "Can you check?" in first.body_text
    ident = ContactIdentity.objects.get(contact=ticket.requester)
    assert (ident.kind, ident.platform, ident.value) == ("social", "whatsapp", "+34600111222")
    assert row.payload["sent_at"] == "2026-11-22T10:00:00+00:00"


def test_attachments_are_stored_on_the_ticket_message(account):
    data = base64.b64encode(b"%PDF-1.4 receipt").decode()
    response = post(account.pk, message(text="", attachments=[
        {"filename": "receipt.pdf", "content_type": "application/pdf", "content_base64": data}]))

    assert response.status_code == 202, response.content
    ticket = Ticket.objects.get(pk=response.json()["ticket_id"])
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.filename == "receipt.pdf"
    with attachment.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 receipt"
    assert ticket.subject == "Message from +34600111222 on whatsapp"
    row = SocialMessage.objects.get()
    assert row.payload["attachments"] == [
        {"filename": "receipt.pdf", "content_type": "application/pdf", "size": 16}]


def test_a_redelivered_message_id_changes_nothing(account):
    first = post(account.pk, message())
    before = _counts()
    again = post(account.pk, message(text="a different body, same id"))

    assert again.status_code == 202
    assert again.json() == {**first.json(), "duplicate": True}
    assert _counts() == before


def test_later_messages_of_the_thread_are_the_requesters_replies(account):
    first = post(account.pk, message())
    second = post(account.pk, message(message_id="wamid.2", text="Any news?"))

    assert second.json()["ticket_id"] == first.json()["ticket_id"]
    ticket = Ticket.objects.get(pk=first.json()["ticket_id"])
    assert [m.body_text.strip() for m in ticket.messages.order_by("id")][1] == "Any news?"
    reply = ticket.messages.order_by("id").last()
    assert reply is not None
    assert reply.is_public
    assert reply.channel == Channel.SOCIAL
    assert reply.author_contact == ticket.requester
    assert SocialMessage.objects.get(external_id="wamid.2").ticket_message == reply


def test_another_thread_of_the_same_person_is_another_ticket_for_the_same_contact(account):
    first = post(account.pk, message())
    other = post(account.pk, message(message_id="wamid.9", thread_id="conv-2"))

    assert other.json()["ticket_id"] != first.json()["ticket_id"]
    tickets = Ticket.objects.filter(pk__in=[first.json()["ticket_id"], other.json()["ticket_id"]])
    assert len({t.requester_id for t in tickets}) == 1


def test_a_message_without_thread_id_threads_by_handle(account):
    first = post(account.pk, message(thread_id=None))
    second = post(account.pk, message(message_id="wamid.2", thread_id=""))

    assert second.json()["ticket_id"] == first.json()["ticket_id"]
    assert SocialMessage.objects.get(external_id="wamid.1").thread_id == "+34600111222"


def test_a_closed_thread_opens_a_new_ticket_linked_to_the_old_one(account, world):
    first = post(account.pk, message())
    old = Ticket.objects.get(pk=first.json()["ticket_id"])
    ticket_update(ticket=old, actor=world.admin, status=Status.SOLVED, expected_version=None)
    ticket_update(ticket=old, actor=world.admin, status=Status.CLOSED, expected_version=None)

    second = post(account.pk, message(message_id="wamid.2", text="It broke again"))

    assert second.status_code == 202, second.content
    new = Ticket.objects.get(pk=second.json()["ticket_id"])
    assert new.pk != old.pk
    assert new.requester == old.requester
    assert new.status == Status.NEW
    assert new.subject == "It broke again"
    assert TicketLink.objects.filter(source=new, target=old, kind=LinkKind.RELATED).exists()
    third = post(account.pk, message(message_id="wamid.3", text="Hello?"))
    assert third.json()["ticket_id"] == new.pk  # the thread continues on the new ticket


def test_a_thread_whose_ticket_was_merged_continues_on_the_surviving_ticket(account, world):
    first = post(account.pk, message())
    merged = Ticket.objects.get(pk=first.json()["ticket_id"])
    ticket_merge(source=merged, target=world.ticket, actor=world.admin)

    second = post(account.pk, message(message_id="wamid.2", text="Still waiting"))

    assert second.json()["ticket_id"] == world.ticket.pk
    assert world.ticket.messages.filter(body_text__contains="Still waiting").exists()


def test_a_solved_thread_is_reopened_by_the_customer(account, world):
    first = post(account.pk, message())
    ticket = Ticket.objects.get(pk=first.json()["ticket_id"])
    ticket_update(ticket=ticket, actor=world.admin, status=Status.SOLVED, expected_version=None)

    post(account.pk, message(message_id="wamid.2", text="Not fixed"))

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_known_handle_reaches_its_existing_contact(account):
    known = contact_create(name="Lucía (CRM)", socials=[("whatsapp", "+34600111222")])

    response = post(account.pk, message(handle="@+34600111222", display_name="Someone else"))

    ticket = Ticket.objects.get(pk=response.json()["ticket_id"])
    assert ticket.requester == known
    assert ContactIdentity.objects.filter(kind="social").count() == 1
    known.refresh_from_db()
    assert known.name == "Lucía (CRM)"


def test_the_same_handle_on_another_platform_is_another_contact(account, world, monkeypatch):
    known = contact_create(name="Telegram Lucía", socials=[("telegram", "+34600111222")])

    response = post(account.pk, message())

    assert Ticket.objects.get(pk=response.json()["ticket_id"]).requester != known


@pytest.mark.parametrize("case", ["bad_signature", "missing_headers", "wrong_secret", "stale",
                                  "not_a_number", "body_changed"])
def test_bad_signatures_are_refused_with_401_and_nothing_is_stored(account, case):
    before = _counts()
    body = json.dumps(message()).encode()
    now = int(time.time())
    kwargs = {
        "bad_signature": {"signature": "sha256=" + "0" * 64},
        "missing_headers": {"headers": False},
        "wrong_secret": {"secret": "not-the-secret"},
        "stale": {"timestamp": str(now - 301)},
        "not_a_number": {"timestamp": "yesterday"},
        # signed correctly, but over other bytes than the ones sent
        "body_changed": {"timestamp": str(now),
                         "signature": sign(INBOUND_SECRET, str(now), body + b" ")},
    }[case]
    response = post(account.pk, body, **kwargs)

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert response.json()["message"]
    assert _counts() == before


MALFORMED = {
    "not_json": (b"{not json", "not valid JSON"),
    "not_an_object": (b"[1, 2]", "one message as a JSON object"),
    "missing_handle": ({"handle": None}, "handle: this field is required."),
    "empty_message_id": ({"message_id": "  "}, "message_id: must not be empty."),
    "missing_platform": ({"platform": None}, "platform: this field is required."),
    "number_text": ({"text": 42}, "text: must be a string."),
    "no_text_no_files": ({"text": "", "attachments": []},
                         "text: send a text or at least one attachment."),
    "long_thread": ({"thread_id": "t" * 201}, "thread_id: must be at most 200 characters."),
    "bad_sent_at": ({"sent_at": "yesterday"}, "sent_at: must be an ISO 8601"),
    "attachments_not_list": ({"attachments": "file.pdf"}, "attachments: must be a list."),
    "bad_base64": ({"attachments": [{"filename": "a.pdf", "content_base64": "@@@"}]},
                   "attachments[0].content_base64: is not valid base64."),
    "no_content": ({"attachments": [{"filename": "a.pdf"}]},
                   "attachments[0].content_base64: this field is required."),
    "exe": ({"attachments": [{"filename": "run.exe", "content_base64": "TVo="}]},
            "attachments[0]: Files of type .exe are not accepted."),
    "wrong_platform": ({"platform": "telegram"}, "platform: this account is on whatsapp."),
    "wrong_account": ({"account": "+1555"}, "account: this webhook belongs to account"),
    "nul_in_handle": ({"handle": "lu\x00cia"}, "handle: must not contain NUL characters."),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_payloads_are_refused_with_400_naming_the_field(account, case):
    before = _counts()
    change, expected = MALFORMED[case]
    payload = change if isinstance(change, bytes) else message(**change)
    if not isinstance(change, bytes):
        payload = {k: v for k, v in payload.items() if v is not None}

    response = post(account.pk, payload)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed"
    assert expected in response.json()["message"]
    assert _counts() == before


def test_too_many_attachments_and_a_too_large_file_are_refused(account, settings):
    settings.LATIDO_MAX_ATTACHMENT_BYTES = 10
    before = _counts()
    big = base64.b64encode(b"x" * 11).decode()
    too_large = post(account.pk, message(attachments=[
        {"filename": "a.txt", "content_base64": big}]))
    many = post(account.pk, message(attachments=[
        {"filename": f"{i}.txt", "content_base64": "eA=="} for i in range(11)]))

    assert too_large.status_code == 413
    assert "a.txt" in too_large.json()["message"]
    assert many.status_code == 400
    assert "attachments: at most 10" in many.json()["message"]
    assert _counts() == before


def test_a_body_that_is_not_json_typed_is_refused_with_415(account):
    before = _counts()
    response = post(account.pk, json.dumps(message()).encode(), content_type="text/plain")

    assert response.status_code == 415
    assert _counts() == before


def test_unknown_inactive_or_unconfigured_accounts_are_404(account, monkeypatch):
    assert post(account.pk + 1000, message()).status_code == 404
    SocialAccount.objects.filter(pk=account.pk).update(active=False)
    assert post(account.pk, message()).status_code == 404
    SocialAccount.objects.filter(pk=account.pk).update(active=True)
    monkeypatch.delenv(INBOUND_ENV)
    response = post(account.pk, message())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert SocialMessage.objects.count() == 0


def test_the_webhook_is_post_only_and_needs_no_session(account):
    assert Client().get(f"/api/v1/channels/social/inbound/{account.pk}").status_code == 405
