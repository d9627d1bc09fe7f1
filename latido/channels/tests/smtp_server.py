"""Shared fixtures for email-out tests: aiosmtpd on loopback receives what Django sends."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.message import Message as EmailMsg
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from latido.channels.models import Mailbox
from latido.channels.tests.helpers import deliver, make_mail
from latido.tickets.models import Ticket

INBOUND_ID = "first.123@customer.test"


class Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMsg] = []
        self.rcpt: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001, ANN201
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        self.rcpt.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Smtp:
    def __init__(self) -> None:
        self.port = _free_port()
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = Smtp()
    server.start()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port, EMAIL_TIMEOUT=5):
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def email_ticket(world) -> Ticket:
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    raw = deliver(mailbox, make_mail(subject="Card charged twice", message_id=f"<{INBOUND_ID}>"))
    assert raw.ticket is not None
    return Ticket.objects.get(pk=raw.ticket.pk)
