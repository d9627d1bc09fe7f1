"""Delivering the same 1,000 messages twice yields exactly 1,000 messages.

One mailbox receives over all three transports, as a mailbox moved between providers does:
the SMTP endpoint (aiosmtpd on loopback, smtplib sending), IMAP (a private dovecot, the second
delivery re-appends the same bytes as new messages) and the signed webhook (real HTTP
requests through Django's handler). Every message arrives twice, by two different transports,
half of the second deliveries before the worker ran and half after; the database task
backend's worker (the real one, in burst mode) processes the jobs.
"""

from __future__ import annotations

import imaplib
import smtplib
import socket
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from latido.channels.email.imap import imap_poll_mailbox
from latido.channels.email.smtpd import make_controller
from latido.channels.email.webhook import sign
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.dovecot import PASSWORD, USER, Dovecot
from latido.channels.tests.mailgen import (
    MAILBOX_ADDRESS,
    GeneratedMail,
    generate,
    imap_append,
)
from latido.channels.tests.test_worker import keep_signal_handlers  # noqa: F401 (fixture)
from latido.customers.models import Contact
from latido.tickets.enums import Channel
from latido.tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

N = 1000
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PROCESS_TASK = "latido.channels.email.tasks.process_raw_email"
BATCH_TASK = "latido.channels.email.tasks.process_raw_emails"
IMAP_ENV = "LATIDO_TEST_IMAP_PASSWORD"
HOOK_ENV = "LATIDO_TEST_WEBHOOK_SECRET"
HOOK_SECRET = "dup-test-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Transports:
    """The three ways mail reaches the mailbox; each records what its server answered."""

    def __init__(self, mailbox: Mailbox, smtp_port: int, imap: Dovecot) -> None:
        self.mailbox = mailbox
        self.smtp_port = smtp_port
        self.imap = imap
        self.answers: Counter[str] = Counter()

    def smtp(self, mails: list[GeneratedMail]) -> None:
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as client:
            for mail in mails:
                refused = client.sendmail(mail.sender, [MAILBOX_ADDRESS], mail.raw)
                assert refused == {}
                self.answers["smtp 250"] += 1

    def imap_append_and_poll(self, mails: list[GeneratedMail]) -> None:
        imap_append(self.imap.port, (m.raw for m in mails), user=USER, password=PASSWORD)
        taken = 0
        while (batch := imap_poll_mailbox(mailbox=self.mailbox)) > 0:
            taken += batch
        assert taken == len(mails)
        self.answers["imap taken"] += taken

    def webhook(self, mails: list[GeneratedMail]) -> None:
        http = Client()
        for mail in mails:
            stamp = str(int(time.time()))
            response = http.post(
                f"/api/v1/channels/email/inbound/{self.mailbox.pk}", data=mail.raw,
                content_type="message/rfc822", HTTP_X_LATIDO_TIMESTAMP=stamp,
                HTTP_X_LATIDO_SIGNATURE=sign(secret=HOOK_SECRET, timestamp=stamp,
                                             body=mail.raw),
            )
            assert response.status_code == 202, response.content
            self.answers["webhook duplicate" if response.json()["duplicate"]
                         else "webhook new"] += 1

    def by_name(self) -> list[Callable[[list[GeneratedMail]], None]]:
        return [self.smtp, self.imap_append_and_poll, self.webhook]


def _deliver(transports: Transports, mails: list[GeneratedMail], shift: int) -> None:
    """Each message by transport (index + shift) % 3, in index order within a transport."""
    send = transports.by_name()
    for k in range(3):
        group = [m for m in mails if (m.index + shift) % 3 == k]
        if group:
            send[k](group)


def _inbox_state(port: int) -> tuple[int, int]:
    client = imaplib.IMAP4("127.0.0.1", port, timeout=30)
    try:
        client.login(USER, PASSWORD)
        client.select("INBOX", readonly=True)
        total = len(client.search(None, "ALL")[1][0].split())
        unseen = len(client.search(None, "UNSEEN")[1][0].split())
    finally:
        client.logout()
    return total, unseen


def _root(mails: list[GeneratedMail], index: int) -> int:
    while mails[index].parent is not None:
        index = mails[index].parent  # type: ignore[assignment]
    return index


@pytest.mark.usefixtures("keep_signal_handlers")  # the worker installs its own handlers
def test_the_same_1000_messages_delivered_twice_are_1000_messages(imap_server, monkeypatch):
    monkeypatch.setenv(IMAP_ENV, PASSWORD)
    monkeypatch.setenv(HOOK_ENV, HOOK_SECRET)
    mailbox = Mailbox.objects.create(
        name="Help", address=MAILBOX_ADDRESS, kind=Mailbox.Kind.IMAP,
        settings={"host": "127.0.0.1", "port": imap_server.port, "security": "none",
                  "username": USER, "password_env": IMAP_ENV, "webhook_secret_env": HOOK_ENV},
    )
    mails = generate(N, tag="dup")
    # Replies are answers to the same customer's earlier mail, and a customer's mail always
    # travels by the same transport in a pass, so a reply is stored (and queued) after the
    # message it answers, as it is in real life.
    assert all(m.parent is None or m.parent % 3 == m.index % 3 for m in mails)
    smtp_port = _free_port()

    with override_settings(TASKS=DB_TASKS):
        controller = make_controller(host="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            transports = Transports(mailbox, smtp_port, imap_server)
            _deliver(transports, mails, shift=0)  # first delivery of everything
            assert RawEmail.objects.count() == N
            _deliver(transports, mails[: N // 2], shift=1)  # redelivered before processing
            assert RawEmail.objects.count() == N
            call_command("worker", burst=True, verbosity=0)
            processed_once = Message.objects.count()
            _deliver(transports, mails[N // 2:], shift=1)  # redelivered after processing
            call_command("worker", burst=True, verbosity=0)
        finally:
            controller.stop()

    # Every transport saw first deliveries and redeliveries, and accepted them all.
    assert transports.answers == Counter({
        "smtp 250": 667, "imap taken": 667, "webhook new": 333, "webhook duplicate": 333,
    })
    assert processed_once == N
    rows = list(RawEmail.objects.values("message_id", "state", "error", "ticket_id",
                                        "ticket_message_id"))
    assert len(rows) == N
    assert Counter(r["state"] for r in rows) == {"processed": N}, [
        r for r in rows if r["state"] != "processed"][:3]
    assert {r["message_id"] for r in rows} == {m.message_id for m in mails}
    # Exactly one ticket message per email: new tickets plus replies, nothing else.
    assert Message.objects.count() == N
    assert Message.objects.filter(channel=Channel.EMAIL, author_contact__isnull=False,
                                  is_public=True).count() == N
    assert len({r["ticket_message_id"] for r in rows}) == N
    roots = [m for m in mails if m.parent is None]
    assert Ticket.objects.count() == len(roots)
    assert Ticket.objects.filter(channel=Channel.EMAIL).count() == len(roots)
    # Replies threaded onto the ticket of the message they answer (In-Reply-To).
    ticket_of = {r["message_id"]: r["ticket_id"] for r in rows}
    wrong = [m.index for m in mails
             if ticket_of[m.message_id] != ticket_of[mails[_root(mails, m.index)].message_id]]
    assert wrong == []
    assert Attachment.objects.count() == sum(m.attachments for m in mails)
    assert Contact.objects.count() == len({m.sender for m in mails})
    # A redelivery never even scheduled a second processing job: SMTP and the webhook
    # schedule one job per message, the IMAP poller one per fetched batch.
    jobs = DBTaskResult.objects.filter(task_path__in=[PROCESS_TASK, BATCH_TASK])
    scheduled = [pk for args in jobs.values_list("args_kwargs", flat=True)
                 for pk in (args["args"][0] if isinstance(args["args"][0], list)
                            else args["args"])]
    assert sorted(scheduled) == sorted(RawEmail.objects.values_list("pk", flat=True))
    assert set(jobs.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    # IMAP: both rounds of appended copies were taken (flagged \\Seen) after storing.
    assert _inbox_state(imap_server.port) == (667, 0)
