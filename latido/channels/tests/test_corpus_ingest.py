"""Every corpus message through the real intake ends in exactly one outcome, no exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from latido.channels.email.ingest import email_process, email_receive
from latido.channels.models import Mailbox, RawEmail
from latido.tickets.models import Message

CORPUS = Path(__file__).parents[1] / "email" / "tests" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.django_db


def _expected_state(entry: dict) -> str:
    if not entry["usable"]:
        return RawEmail.State.QUARANTINED
    if entry["auto_reply"] or entry["bounce"] or entry["list_mail"]:
        return RawEmail.State.IGNORED
    return RawEmail.State.PROCESSED


def test_every_corpus_message_ends_as_one_message_or_one_held_entry(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test")
    names = sorted(MANIFEST)
    outcomes: dict[str, str] = {}
    for name in names:
        raw = (CORPUS / f"{name}.eml").read_bytes()
        row = email_process(raw_email_id=email_receive(mailbox=mailbox, raw=raw).pk)
        outcomes[name] = row.state
        assert bytes(row.raw) == raw, name
        if row.state == RawEmail.State.PROCESSED:
            message = Message.objects.get(pk=row.ticket_message_id)
            assert message.ticket_id == row.ticket_id, name
            assert message.channel == "email", name
            assert row.error == "", name
        else:
            assert row.ticket_id is None, name
            assert row.ticket_message_id is None, name
            assert row.error != "", name
    assert outcomes == {name: _expected_state(MANIFEST[name]) for name in names}
    assert RawEmail.objects.count() == len(names)
    processed = [n for n in names if outcomes[n] == RawEmail.State.PROCESSED]
    assert Message.objects.filter(channel="email", is_public=True).count() == len(processed)
    # Everything ended in a final state: nothing is left half-done.
    assert not RawEmail.objects.filter(state=RawEmail.State.RECEIVED).exists()
