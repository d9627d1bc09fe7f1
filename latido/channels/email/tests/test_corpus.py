"""Every corpus message parses without exception and is classified as the manifest says.

The manifest (corpus/manifest.json) was written by hand from what each message is."""

import json
from pathlib import Path

import pytest

from latido.channels.email.parse import parse_email

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def test_corpus_has_sixty_or_more_messages_each_with_expectations():
    files = sorted(p.stem for p in CORPUS.glob("*.eml"))
    assert len(files) >= 60
    assert files == sorted(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_message(name):
    expected = MANIFEST[name]
    msg = parse_email((CORPUS / f"{name}.eml").read_bytes())
    defects = [str(d) for d in msg.defects]

    assert msg.channel == "email"
    assert msg.subject == expected["subject"]
    assert msg.sender_address == expected["sender"]
    if "sender_name" in expected:
        assert msg.sender_name == expected["sender_name"]
    assert [a.filename for a in msg.attachments] == expected["attachments"]
    assert [a.filename for a in msg.attachments if a.is_inline] == expected["inline"]
    assert msg.is_auto_reply is expected["auto_reply"], msg.auto_reply_reason
    assert msg.is_bounce is expected["bounce"]
    assert msg.is_list_mail is expected["list_mail"]
    assert msg.is_usable is expected["usable"]
    assert bool(msg.html) is expected["html"]
    assert (msg.date is not None) is expected["has_date"]
    if msg.date is not None:
        assert msg.date.tzinfo is not None
    if "defects" in expected:
        assert bool(defects) is expected["defects"], defects
    for fragment in expected.get("text_contains", []):
        assert fragment in msg.text
    for fragment in expected.get("visible_contains", []):
        assert fragment in msg.visible_text
        assert fragment in msg.visible_html
    for fragment in expected.get("visible_excludes", []):
        assert fragment not in msg.visible_text
        assert fragment not in msg.visible_html
    if "to" in expected:
        assert [a.address for a in msg.to] == expected["to"]
    for key in ("message_id", "in_reply_to", "references"):
        if key in expected:
            assert getattr(msg, key) == expected[key]
    assert "<script" not in msg.html
    assert "javascript:" not in msg.html
    for attachment in msg.attachments:
        assert "/" not in attachment.filename
        assert "\\" not in attachment.filename
