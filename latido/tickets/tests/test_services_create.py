from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from latido.core.errors import PayloadTooLarge, PermissionDenied, ValidationError
from latido.tickets.enums import EventType, Status
from latido.tickets.models import Attachment, Message, Ticket, TicketEvent
from latido.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_customer_creates_ticket_with_first_message_and_created_event(world):
    ticket = ticket_create(actor=world.customer_a, requester=world.contact_a,
                           subject="  Refund   please ", body="Order 7 arrived broken",
                           channel="portal")

    assert ticket.subject == "Refund please"
    assert ticket.status == Status.NEW
    assert ticket.tier == 1
    assert ticket.team == world.team  # the default team
    assert ticket.queue.tier == 1
    assert ticket.queue.team == world.team
    assert ticket.organization == world.org_a
    assert ticket.reference == f"LAT-{ticket.pk}"
    events = list(ticket.events.values_list("type", "actor_role"))
    assert events == [(EventType.CREATED, "customer")]
    message = ticket.messages.get()
    assert message.is_public is True
    assert message.author_contact == world.contact_a
    assert message.body_text == "Order 7 arrived broken"


def test_agent_created_ticket_has_no_reply_event(world):
    ticket = ticket_create(actor=world.tier1, requester=world.contact_b, subject="Phone call",
                           body="Customer called about billing", channel="phone")

    assert list(ticket.events.values_list("type", flat=True)) == [EventType.CREATED]
    assert ticket.created_by == world.tier1
    assert ticket.messages.get().author == world.tier1


def test_customer_cannot_create_ticket_for_someone_else(world):
    before = Ticket.objects.count()
    with pytest.raises(PermissionDenied):
        ticket_create(actor=world.customer_a, requester=world.contact_b, subject="Hi",
                      body="x", channel="portal")
    assert Ticket.objects.count() == before


def test_collaborator_cannot_create_tickets(world):
    with pytest.raises(PermissionDenied):
        ticket_create(actor=world.collaborator, requester=world.contact_b, subject="Hi",
                      body="x", channel="api")


@pytest.mark.parametrize(
    ("subject", "body", "channel", "code"),
    [
        ("", "body", "portal", "subject_required"),
        ("   ", "body", "portal", "subject_required"),
        ("Subject", "  ", "portal", "body_required"),
        ("Subject", "body", "pigeon", "invalid"),
        ("x" * 251, "body", "portal", "invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, subject, body, channel, code):
    counts = (Ticket.objects.count(), Message.objects.count(), TicketEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        ticket_create(actor=world.customer_a, requester=world.contact_a, subject=subject,
                      body=body, channel=channel)
    assert exc.value.code == code
    assert (Ticket.objects.count(), Message.objects.count(),
            TicketEvent.objects.count()) == counts


def test_html_body_is_sanitised(world):
    ticket = ticket_create(
        actor=None, requester=world.contact_a, subject="HTML", channel="email",
        body='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:evil()">l</a></p>',
        body_is_html=True,
    )
    html = ticket.messages.get().body_html
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "Hi" in html


def test_attachment_is_stored_with_a_safe_name(world):
    upload = SimpleUploadedFile("../../etc/pass wd.PDF", b"%PDF-1.4 data",
                                content_type="application/pdf")
    ticket = ticket_create(actor=world.customer_a, requester=world.contact_a, subject="Invoice",
                           body="see file", channel="portal", attachments=[upload])
    att = Attachment.objects.get(ticket=ticket)
    assert att.filename == "pass_wd.pdf"
    assert att.size == len(b"%PDF-1.4 data")
    assert att.content_type == "application/pdf"
    assert ".." not in att.file.name
    assert att.file.read() == b"%PDF-1.4 data"


def test_executable_attachment_is_refused_and_no_ticket_is_created(world):
    before = Ticket.objects.count()
    upload = SimpleUploadedFile("setup.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        ticket_create(actor=world.customer_a, requester=world.contact_a, subject="File",
                      body="x", channel="portal", attachments=[upload])
    assert exc.value.code == "attachment_type"
    assert Ticket.objects.count() == before
    assert Attachment.objects.count() == 0


@override_settings(LATIDO_MAX_ATTACHMENT_BYTES=10)
def test_oversized_attachment_is_refused(world):
    upload = SimpleUploadedFile("big.txt", b"x" * 11)
    with pytest.raises(PayloadTooLarge):
        ticket_create(actor=world.customer_a, requester=world.contact_a, subject="File",
                      body="x", channel="portal", attachments=[upload])
    assert Attachment.objects.count() == 0


def test_custom_fields_and_tags_are_validated(world):
    from latido.tickets.models import CustomField

    CustomField.objects.create(key="order", label="Order number", kind="number")
    ticket = ticket_create(actor=world.tier1, requester=world.contact_a, subject="Tagged",
                           body="x", channel="agent", tags=["Billing", "billing", "VIP"],
                           fields={"order": "1001"})
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "vip"]
    assert ticket.fields == {"order": 1001}
    with pytest.raises(ValidationError) as exc:
        ticket_create(actor=world.tier1, requester=world.contact_a, subject="Bad",
                      body="x", channel="agent", fields={"order": "abc"})
    assert exc.value.code == "bad_field"
    with pytest.raises(ValidationError) as exc:
        ticket_create(actor=world.tier1, requester=world.contact_a, subject="Bad",
                      body="x", channel="agent", fields={"nope": 1})
    assert exc.value.code == "unknown_field"
