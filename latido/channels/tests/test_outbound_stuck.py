"""A sending attempt that never finished is given up (outcome unknown), never resent blindly.

The worker being killed mid-send is exercised with real processes in test_reliability_kill
(the claim's deadline included); here: which rows the sweep takes, and that agents see it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from latido.channels.email.outbound import outbound_send
from latido.channels.email.outbound_stuck import SENDING_TIMEOUT, outbound_give_up_stuck
from latido.channels.email.tasks import retry_outbound_emails
from latido.channels.models import OutboundEmail
from latido.tickets.models import Message
from latido.tickets.services import ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)

SENDING = OutboundEmail.State.SENDING


def _reply(world, ticket, body: str) -> OutboundEmail:
    ticket_reply(ticket=ticket, actor=world.tier1, body=body)
    return OutboundEmail.objects.latest("id")


def _notes(ticket) -> list[str]:
    return list(Message.objects.filter(ticket=ticket, is_public=False)
                .values_list("body_text", flat=True))


def test_only_attempts_past_their_deadline_are_given_up_and_noted(world, smtp, email_ticket):
    now = timezone.now()
    lost = _reply(world, email_ticket, "First answer.")
    slow = _reply(world, email_ticket, "Second answer.")
    legacy = _reply(world, email_ticket, "Third answer.")
    sent_before = len(smtp.collector.messages)
    # As a killed worker leaves them: claimed ("sending", the deadline), never finished.
    OutboundEmail.objects.filter(pk=lost.pk).update(
        state=SENDING, attempts=0, next_attempt_at=now - timedelta(seconds=1))
    OutboundEmail.objects.filter(pk=slow.pk).update(
        state=SENDING, attempts=0, next_attempt_at=now + timedelta(minutes=1))
    # Claimed before claims kept a deadline: its age decides.
    OutboundEmail.objects.filter(pk=legacy.pk).update(
        state=SENDING, attempts=0, next_attempt_at=None,
        created_at=now - SENDING_TIMEOUT * 2)

    assert retry_outbound_emails.call() == 0  # nothing is resent
    assert outbound_give_up_stuck() == 0  # already done by the retry job

    states = dict(OutboundEmail.objects.values_list("pk", "state"))
    assert states == {lost.pk: "failed", slow.pk: "sending", legacy.pk: "failed"}
    given_up = OutboundEmail.objects.get(pk=lost.pk)
    assert (given_up.attempts, given_up.next_attempt_at) == (1, None)
    assert given_up.last_error.startswith("Delivery unknown:")
    assert len(smtp.collector.messages) == sent_before
    notes = _notes(email_ticket)
    assert len(notes) == 2
    assert all("may not have been delivered" in note for note in notes)
    assert outbound_send(outbound_id=lost.pk).state == "failed"  # never claimable again

    page = Client()
    page.force_login(world.tier1)
    html = page.get(f"/agent/tickets/{email_ticket.reference}/").content.decode()
    assert html.count("Email not delivered: Delivery unknown") == 2
