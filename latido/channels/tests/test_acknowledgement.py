"""New-ticket acknowledgements and per-language wording, over a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from latido.channels.email.ingest import RATE_LIMIT_MESSAGES, email_replay
from latido.channels.email.outbound import outbound_send
from latido.channels.models import EmailThreadRef, Mailbox, MailTemplate, OutboundEmail, RawEmail
from latido.channels.tests.helpers import deliver, make_mail
from latido.customers.services import contact_get_or_create_by_email
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER_ID = "<hello.1@customer.test>"


@pytest.fixture
def mailbox(world) -> Mailbox:
    return Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team,
                                  acknowledge_new=True)


def _ticket(raw: RawEmail) -> Ticket:
    assert raw.ticket is not None
    return raw.ticket


def _plain(mail) -> str:  # noqa: ANN001
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n").strip()


def test_a_new_ticket_is_acknowledged_once_threaded_and_marked_automatic(smtp, mailbox):
    raw = deliver(mailbox, make_mail(sender="Ana Lopez <ana@customer.test>",
                                     subject="Card charged twice", message_id=CUSTOMER_ID))
    ticket = _ticket(raw)
    ref = ticket.reference

    row = OutboundEmail.objects.get()
    assert (row.kind, row.state, row.language) == ("ack", "sent", "en")
    assert len(smtp.collector.messages) == 1
    mail = smtp.collector.messages[0]
    assert smtp.collector.rcpt == [["ana@customer.test"]]
    assert mail["From"] == "Help <help@latido.test>"
    assert mail["Subject"] == f"[{ref}] We received your request: Card charged twice"
    assert mail["Message-ID"] == f"<{row.message_id}>"
    assert mail["In-Reply-To"] == CUSTOMER_ID
    assert mail["References"] == CUSTOMER_ID
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert _plain(mail) == (
        f"Hello Ana Lopez,\n\nthank you for writing to us. We opened ticket {ref} for your "
        f"request \"Card charged twice\" and will answer as soon as we can.\n\n"
        f"To add something, reply to this email and keep {ref} in the subject.\n\n"
        "This message was sent automatically.")
    assert EmailThreadRef.objects.filter(message_id=row.message_id, direction="out",
                                         ticket=ticket).exists()

    outbound_send(outbound_id=row.pk)  # a second send of the same row is a no-op
    # The customer's answer to the acknowledgement threads in and is not acknowledged.
    answer = deliver(mailbox, make_mail(sender="ana@customer.test", subject="Re: ack",
                                        in_reply_to=f"<{row.message_id}>", body="One more."))
    assert answer.ticket_id == ticket.pk
    assert len(smtp.collector.messages) == 1
    assert OutboundEmail.objects.count() == 1


def test_an_auto_reply_a_bounce_and_list_mail_get_no_acknowledgement(smtp, mailbox):
    deliver(mailbox, make_mail(subject="Out of office", headers={
        "Auto-Submitted": "auto-replied"}))
    deliver(mailbox, make_mail(sender="MAILER-DAEMON@mx.customer.test",
                               subject="Undelivered Mail Returned to Sender"))
    deliver(mailbox, make_mail(sender="news@shop.test", subject="Weekly deals",
                               headers={"List-Id": "<deals.shop.test>"}))

    assert list(RawEmail.objects.values_list("state", flat=True)) == ["ignored"] * 3
    assert OutboundEmail.objects.count() == 0
    assert smtp.collector.messages == []


def test_a_noreply_sender_gets_a_ticket_but_no_acknowledgement(smtp, mailbox):
    raw = deliver(mailbox, make_mail(sender="no-reply@shop.test", subject="Your order"))
    assert raw.ticket_id is not None
    assert OutboundEmail.objects.count() == 0


def test_a_sender_over_the_rate_limit_gets_no_acknowledgement_even_after_a_replay(
    smtp, mailbox
):
    earlier = timezone.now() - timedelta(minutes=1)
    for i in range(RATE_LIMIT_MESSAGES):
        RawEmail.objects.create(mailbox=mailbox, sha256=f"{i:064d}", raw=b"x",
                                sender="loop@customer.test", state="processed",
                                received_at=earlier)
    held = deliver(mailbox, make_mail(sender="loop@customer.test", subject="Loop"))
    assert held.state == RawEmail.State.QUARANTINED
    replayed = email_replay(raw_email_id=held.pk)
    assert replayed.state == RawEmail.State.PROCESSED
    assert replayed.ticket_id is not None
    assert OutboundEmail.objects.count() == 0
    assert smtp.collector.messages == []


def test_switched_off_or_a_reply_to_an_existing_ticket_sends_no_acknowledgement(smtp, world):
    quiet = Mailbox.objects.create(name="Quiet", address="quiet@latido.test")
    deliver(quiet, make_mail(subject="Hello", to="quiet@latido.test"))
    assert OutboundEmail.objects.count() == 0


def test_the_acknowledgement_speaks_the_contacts_language(smtp, mailbox):
    contact = contact_get_or_create_by_email(email="pablo@customer.test", name="Pablo")
    contact.language = "es-MX"
    contact.save()
    raw = deliver(mailbox, make_mail(sender="pablo@customer.test", subject="Factura"))
    ref = _ticket(raw).reference

    mail = smtp.collector.messages[0]
    assert mail["Subject"] == f"[{ref}] Hemos recibido su solicitud: Factura"
    assert _plain(mail).startswith(
        f"Hola Pablo:\n\ngracias por escribirnos. Hemos abierto el ticket {ref} ")
    assert OutboundEmail.objects.get().language == "es"


def test_without_a_contact_language_the_mailbox_default_is_used(smtp, mailbox):
    mailbox.default_language = "pl"
    mailbox.save()
    raw = deliver(mailbox, make_mail(sender="Jan <jan@customer.test>", subject="Faktura"))
    ref = _ticket(raw).reference
    mail = smtp.collector.messages[0]
    # Django folds an encoded subject onto a continuation line; unfolding leaves a space.
    assert mail["Subject"].strip() == f"[{ref}] Otrzymaliśmy Twoje zgłoszenie: Faktura"
    assert _plain(mail).startswith("Dzień dobry Jan,")


def test_an_administrators_wording_replaces_the_default_and_keeps_the_reference(
    smtp, mailbox
):
    MailTemplate.objects.create(mailbox=mailbox, kind="ack", language="en",
                                subject="Thanks, {name}!",
                                body="Dear {name}, we got \"{subject}\" as {reference}. {x}")
    raw = deliver(mailbox, make_mail(sender="Ana <ana@customer.test>", subject="Refund"))
    ref = _ticket(raw).reference
    mail = smtp.collector.messages[0]
    assert mail["Subject"] == f"Thanks, Ana! [{ref}]"  # the reference is added to thread
    assert _plain(mail) == f"Dear Ana, we got \"Refund\" as {ref}. {{x}}"


def test_agent_replies_use_the_requesters_language_and_a_custom_wrapper(smtp, mailbox, world):
    contact = contact_get_or_create_by_email(email="pablo@customer.test", name="Pablo")
    contact.language = "es"
    contact.save()
    mailbox.acknowledge_new = False
    mailbox.save()
    raw = deliver(mailbox, make_mail(sender="pablo@customer.test", subject="Factura"))
    ticket = _ticket(raw)
    ref = ticket.reference

    ticket_reply(ticket=ticket, actor=world.tier1, body="Ya está corregida.")
    assert _plain(smtp.collector.messages[0]) == (
        f"Hola Pablo:\n\nYa está corregida.\n\n--\nTicket {ref}: Factura\n"
        f"Responda a este correo para contestar; mantenga {ref} en el asunto.")

    MailTemplate.objects.create(mailbox=mailbox, kind="reply", language="es",
                                body="Estimado {name}:\n\n{body}\n\nSaludos ({reference})")
    ticket_reply(ticket=ticket, actor=world.tier1, body="<b>Hecho</b>")
    second = smtp.collector.messages[1]
    assert _plain(second) == f"Estimado Pablo:\n\n<b>Hecho</b>\n\nSaludos ({ref})"
    html = second.get_body(("html",)).get_content()
    assert "<p>Estimado Pablo:</p><p>&lt;b&gt;Hecho&lt;/b&gt;</p>" in html


def test_an_agent_reply_carries_its_attachments(smtp, mailbox, world, settings, tmp_path):
    from latido.channels.email.attachments import AttachmentFile
    from latido.channels.inbound import InboundAttachment

    settings.MEDIA_ROOT = str(tmp_path)
    raw = deliver(mailbox, make_mail(subject="Need the contract"))
    ticket = _ticket(raw)
    upload = AttachmentFile(InboundAttachment("contract.pdf", "application/pdf",
                                              b"%PDF-1.4 contract"))
    ticket_reply(ticket=ticket, actor=world.tier1, body="Attached.", attachments=[upload])

    reply = smtp.collector.messages[-1]
    files = [(p.get_filename(), p.get_content()) for p in reply.iter_attachments()]
    assert files == [("contract.pdf", b"%PDF-1.4 contract")]
    ack = smtp.collector.messages[0]
    assert list(ack.iter_attachments()) == []


def test_the_admin_refuses_unknown_placeholders(world, mailbox):
    from latido.channels.admin import MailTemplateForm

    form = MailTemplateForm(data={"kind": "ack", "language": "en", "subject": "{ticket}",
                                  "body": "Hi {name} {body}"})
    assert not form.is_valid()
    assert form.errors["subject"] == [
        "Unknown placeholder {ticket}; use {reference}, {subject}, {name}."]
    assert form.errors["body"] == [
        "Unknown placeholder {body}; use {reference}, {subject}, {name}."]
    client = Client()
    client.force_login(world.admin)
    page = client.get(f"/django-admin/latido_channels/mailbox/{mailbox.pk}/change/")
    assert page.status_code == 200
    assert "acknowledge_new" in page.content.decode()
