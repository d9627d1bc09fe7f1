"""Social out over real HTTP: a connector on loopback receives what Latido POSTs."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from latido.channels.email.outbound import MAX_ATTEMPTS
from latido.channels.social.handlers import send_social_replies
from latido.channels.social.models import SocialAccount, SocialMessage
from latido.channels.social.tasks import retry_social_replies
from latido.channels.social.tests.helpers import OUTBOUND_ENV, message, post
from latido.tickets.enums import EventType
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.services import ticket_note, ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)

OUT = SocialMessage.Direction.OUTBOUND


@pytest.fixture
def social_ticket(account) -> Ticket:
    response = post(account.pk, message())
    assert response.status_code == 202, response.content
    return Ticket.objects.get(pk=response.json()["ticket_id"])


def _outbound() -> list[SocialMessage]:
    return list(SocialMessage.objects.filter(direction=OUT).order_by("id"))


def _page(user, path: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    return response.status_code, response.content.decode()


def _make_due() -> None:
    SocialMessage.objects.filter(direction=OUT).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_an_agent_reply_is_posted_once_signed_to_the_thread(world, connector, social_ticket):
    reply = ticket_reply(ticket=social_ticket, actor=world.tier1, body="It ships **today**.",
                         attachments=[SimpleUploadedFile("label.pdf", b"%PDF label")])

    assert len(connector.received) == 1
    request = connector.received[0]
    assert request.path == "/latido/replies"
    assert request.signature_valid()
    assert not request.signature_valid("another-secret")
    assert request.headers["Idempotency-Key"] == str(reply.pk)
    assert request.headers["Content-Type"] == "application/json"
    body = request.json
    assert {k: body[k] for k in ("platform", "account", "thread_id", "handle",
                                 "idempotency_key", "ticket", "author")} == {
        "platform": "whatsapp", "account": "+34900100200", "thread_id": "conv-1",
        "handle": "+34600111222", "idempotency_key": str(reply.pk),
        "ticket": social_ticket.reference, "author": "Tomás Tier1"}
    assert "It ships" in body["text"]
    assert [(a["filename"], base64.b64decode(a["content_base64"]))
            for a in body["attachments"]] == [("label.pdf", b"%PDF label")]
    [row] = _outbound()
    assert (row.state, row.attempts, row.last_error, row.ticket_message_id) == (
        SocialMessage.State.SENT, 1, "", reply.pk)
    assert row.sent_at is not None


def test_the_pipeline_running_twice_still_posts_once(world, connector, social_ticket):
    ticket_reply(ticket=social_ticket, actor=world.tier1, body="Done.")
    event_ids = list(TicketEvent.objects.filter(ticket=social_ticket, type=EventType.REPLY)
                     .values_list("pk", flat=True))

    send_social_replies(event_ids)
    retry_social_replies.call()

    assert len(connector.received) == 1
    assert len(_outbound()) == 1


def test_notes_customer_messages_and_other_tickets_are_never_posted(
    world, account, connector, social_ticket
):
    ticket_note(ticket=social_ticket, actor=world.tier1, body="SECRET internal note")
    post(account.pk, message(message_id="wamid.2", text="Customer follow-up"))
    ticket_reply(ticket=world.ticket, actor=world.tier1, body="Portal ticket answer")

    assert connector.received == []
    assert _outbound() == []


def test_a_failing_connector_is_retried_with_the_same_key(world, connector, social_ticket):
    connector.statuses = [503]
    reply = ticket_reply(ticket=social_ticket, actor=world.tier1, body="Refund issued.")

    [row] = _outbound()
    assert (row.state, row.attempts) == (SocialMessage.State.FAILED, 1)
    assert "503" in row.last_error
    assert "connector is down" in row.last_error
    assert row.next_attempt_at is not None
    assert row.next_attempt_at > timezone.now()
    assert retry_social_replies.call() == 0  # not due yet

    _make_due()
    assert retry_social_replies.call() == 1

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (SocialMessage.State.SENT, 2, "")
    assert [r.headers["Idempotency-Key"] for r in connector.received] == [str(reply.pk)] * 2
    assert all(r.signature_valid() for r in connector.received)


def test_a_connector_that_keeps_failing_is_shown_failed_on_the_agent_page(
    world, connector, social_ticket
):
    connector.statuses = [500] * MAX_ATTEMPTS
    path = f"/agent/tickets/{social_ticket.reference}/"
    assert "not delivered" not in _page(world.tier1, path)[1]
    ticket_reply(ticket=social_ticket, actor=world.tier1, body="Refund issued.")

    status, html = _page(world.tier1, path)
    assert status == 200
    assert "Reply to +34600111222 on whatsapp not delivered" in html
    assert "attempt 1, next try at" in html
    for _attempt in range(MAX_ATTEMPTS - 1):
        _make_due()
        retry_social_replies.call()

    [row] = _outbound()
    assert (row.state, row.attempts, row.next_attempt_at) == (
        SocialMessage.State.FAILED, MAX_ATTEMPTS, None)
    assert len(connector.received) == MAX_ATTEMPTS
    html = _page(world.tier1, path)[1]
    assert f"attempt {MAX_ATTEMPTS}, no more tries" in html
    note = social_ticket.messages.filter(is_public=False).get()
    assert "could not be delivered after 5 attempts" in note.body_text
    _make_due()
    assert retry_social_replies.call() == 0  # given up, even when a time is set
    assert len(connector.received) == MAX_ATTEMPTS  # the note itself is not posted


def test_a_connector_that_is_unreachable_or_unconfigured_is_a_visible_failure(
    world, account, connector, social_ticket, monkeypatch
):
    connector.stop()
    ticket_reply(ticket=social_ticket, actor=world.tier1, body="First.")
    SocialAccount.objects.filter(pk=account.pk).update(outbound_url="")
    ticket_reply(ticket=social_ticket, actor=world.tier1, body="Second.")
    SocialAccount.objects.filter(pk=account.pk).update(outbound_url="http://127.0.0.1:9/")
    monkeypatch.delenv(OUTBOUND_ENV)
    ticket_reply(ticket=social_ticket, actor=world.tier1, body="Third.")

    errors = [row.last_error for row in _outbound()]
    assert all(row.state == SocialMessage.State.FAILED for row in _outbound())
    assert errors[0].startswith("ConnectError")
    assert errors[1] == "The social account WhatsApp Support has no outbound webhook URL."
    assert errors[2] == f"The outbound secret variable {OUTBOUND_ENV} is not set."
    html = _page(world.tier1, f"/agent/tickets/{social_ticket.reference}/")[1]
    assert "has no outbound webhook URL" in html


def test_the_failure_notice_is_for_agents_of_the_ticket_only(world, connector, social_ticket):
    connector.statuses = [500]
    ticket_reply(ticket=social_ticket, actor=world.tier1, body="Refund issued.")

    assert _page(world.other_agent, f"/agent/tickets/{social_ticket.reference}/")[0] == 404


def test_customers_never_see_another_customers_social_ticket(world, account):
    from latido.customers.services import contact_add_identity

    contact_add_identity(contact=world.contact_a, kind="social", platform="whatsapp",
                         value="ana.acme")
    response = post(account.pk, message(handle="ana.acme", message_id="wamid.a"))
    ticket = Ticket.objects.get(pk=response.json()["ticket_id"])
    assert ticket.requester == world.contact_a
    stranger = post(account.pk, message(message_id="wamid.s", thread_id="conv-s"))
    other = Ticket.objects.get(pk=stranger.json()["ticket_id"])

    assert _page(world.customer_a, f"/portal/requests/{ticket.reference}/")[0] == 200
    assert _page(world.customer_b, f"/portal/requests/{ticket.reference}/")[0] == 404
    assert _page(world.customer_a2, f"/portal/requests/{ticket.reference}/")[0] == 404
    assert _page(world.customer_a, f"/portal/requests/{other.reference}/")[0] == 404
    assert _page(world.customer_b, f"/api/v1/tickets/{ticket.reference}")[0] == 404
