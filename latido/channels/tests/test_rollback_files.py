"""Attachments written to storage by a transaction that rolls back are deleted again."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction

from latido.channels.email import batch
from latido.channels.email.attachments import AttachmentFile
from latido.channels.email.ingest import email_process_batch, email_store
from latido.channels.inbound import InboundAttachment
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.helpers import make_mail
from latido.core import stored_files
from latido.customers.services import contact_get_or_create_by_email
from latido.tickets.models import Attachment
from latido.tickets.services import ticket_create

PDF = b"%PDF-1.4 invoice data"


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_batch_that_fails_after_storing_attachments_leaves_no_files(world, settings,
                                                                      tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    rows = [email_store(mailbox=mailbox, schedule=False, raw=make_mail(
        sender=f"c{i}@customer.test", subject=f"Invoice {i}",
        attachments=[(f"invoice-{i}.pdf", PDF, "application/pdf")]))[0] for i in range(3)]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the thread references could not be written")

    # The batch path stores the three attachments, then fails; the one-by-one path that
    # takes over stores them again: only its three files may remain.
    monkeypatch.setattr(batch, "_after_delivery", broken)
    email_process_batch(raw_email_ids=[r.pk for r in rows])

    assert [r.state for r in RawEmail.objects.filter(pk__in=[r.pk for r in rows])] == [
        "processed"] * 3
    stored = sorted(Path(tmp_path, str(a.file.name)) for a in Attachment.objects.all())
    assert len(stored) == 3
    assert _files(tmp_path) == stored


def test_a_ticket_whose_transaction_rolls_back_leaves_no_file(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    contact = contact_get_or_create_by_email(email="zoe@customer.test")
    upload = AttachmentFile(InboundAttachment(filename="report.pdf",
                                              content_type="application/pdf", content=PDF))
    seen: list[int] = []

    def create_then_fail() -> None:
        with stored_files.discard_on_error(), transaction.atomic():
            ticket_create(actor=None, requester=contact, subject="Report", body="See it.",
                          channel="email", team=world.team, attachments=[upload])
            seen.append(len(_files(tmp_path)))  # stored by the service, kept while all is well
            raise RuntimeError("a later step of the same transaction fails")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert seen == [1]

    assert _files(tmp_path) == []
    assert not Attachment.objects.exists()
