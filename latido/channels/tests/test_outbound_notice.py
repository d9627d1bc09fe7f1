"""A failed email reply is visible to agents on the ticket page, and only to agents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from latido.channels.models import Mailbox, OutboundEmail
from latido.channels.tests.helpers import deliver, make_mail
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)

# Port 9 (discard) on loopback: nothing listens, so every send is refused at once.
REFUSING = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 9, "EMAIL_TIMEOUT": 5}


def _page(world, name: str, ticket: Ticket) -> str:
    client = Client()
    client.force_login(getattr(world, name))
    return client.get(f"/agent/tickets/{ticket.reference}/").content.decode()


@override_settings(**REFUSING)
def test_the_agent_ticket_page_shows_a_failed_email(world):
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    ticket = deliver(mailbox, make_mail(subject="Card charged twice")).ticket
    assert ticket is not None
    assert "Email not delivered" not in _page(world, "tier1", ticket)

    ticket_reply(ticket=ticket, actor=world.tier1, body="Refund issued.")
    row = OutboundEmail.objects.get()
    html = _page(world, "tier1", ticket)

    assert row.state == OutboundEmail.State.FAILED
    assert html.count('class="alert alert-error notice outbound-failed"') == 1
    assert "Email not delivered: ConnectionRefusedError" in html
    assert "(attempt 1, next try at " in html

    OutboundEmail.objects.filter(pk=row.pk).update(attempts=5, next_attempt_at=None)
    assert "(attempt 5, no more tries)" in _page(world, "tier1", ticket)

    OutboundEmail.objects.filter(pk=row.pk).update(
        state=OutboundEmail.State.SENT, sent_at=timezone.now() - timedelta(seconds=1))
    assert "Email not delivered" not in _page(world, "tier1", ticket)
