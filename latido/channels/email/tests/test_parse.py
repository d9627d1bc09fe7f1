"""parse_email: never raises (fuzzing), large messages, headers, charsets, TNEF."""

import base64
import struct
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from latido.channels.email.charsets import decode_bytes, decode_header_text
from latido.channels.email.parse import parse_email
from latido.channels.email.tnef import extract_tnef
from latido.channels.inbound import InboundMessage

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))
CORPUS_BYTES = [p.read_bytes() for p in CORPUS]


def _check(msg: InboundMessage) -> None:
    assert isinstance(msg, InboundMessage)
    assert isinstance(msg.subject, str)
    assert isinstance(msg.text, str)
    assert isinstance(msg.visible_html, str)
    for defect in msg.defects:
        assert str(defect)
    assert msg.is_usable is bool(msg.sender_address)
    # Nothing that PostgreSQL text columns refuse.
    for value in (msg.subject, msg.sender_name, msg.text, msg.html, msg.visible_text,
                  msg.visible_html, *(a.filename for a in msg.attachments)):
        assert "\x00" not in value
    # No internal error was swallowed by the last-resort handler either.
    assert not any("could not be fully parsed" in str(d) for d in msg.defects)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes_never_raise(raw):
    _check(parse_email(raw))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CORPUS_BYTES),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10**6), st.binary(max_size=12),
                  st.integers(min_value=0, max_value=40)),
        min_size=1, max_size=8,
    ),
)
def test_mutated_corpus_messages_never_raise(raw, edits):
    data = bytearray(raw)
    for position, insert, delete in edits:
        at = position % (len(data) + 1)
        data[at : at + delete] = insert
    _check(parse_email(bytes(data)))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CORPUS_BYTES), st.integers(min_value=0, max_value=10**6))
def test_truncated_corpus_messages_never_raise(raw, cut):
    _check(parse_email(raw[: cut % (len(raw) + 1)]))


def test_no_sender_is_flagged_for_quarantine_not_raised():
    msg = parse_email(b"Subject: hi\r\n\r\nbody")
    assert msg.is_usable is False
    assert [str(d) for d in msg.defects] == ["The message has no sender address."]
    assert msg.subject == "hi"


def test_non_bytes_like_garbage_and_empty_input():
    assert parse_email(b"").is_usable is False
    assert [str(d) for d in parse_email(b"").defects] == [
        "The message is empty.", "The message has no sender address.",
    ]
    assert parse_email(b"\x00" * 100).is_usable is False


def test_large_attachment_built_in_memory():
    payload = bytes(range(256)) * (6 * 1024 * 1024 // 256)  # 6 MiB
    message = EmailMessage()
    message["From"] = "Big Sender <big@example.com>"
    message["To"] = "support@latido.test"
    message["Subject"] = "Large file"
    message.set_content("Video of the fault attached.")
    message.add_attachment(payload, maintype="video", subtype="mp4", filename="fault.mp4")
    raw = message.as_bytes()
    assert len(raw) > 8 * 1024 * 1024
    msg = parse_email(raw)
    assert msg.sender_address == "big@example.com"
    assert msg.text.strip() == "Video of the fault attached."
    assert [(a.filename, a.content_type, a.size) for a in msg.attachments] == [
        ("fault.mp4", "video/mp4", len(payload)),
    ]
    assert msg.attachments[0].content == payload
    assert msg.defects == []


def test_threading_headers_dates_and_addresses():
    raw = (
        b"From: \"Doe, Jane\" <Jane.Doe@Example.COM>\r\n"
        b"To: a@example.com, B <b@example.com>\r\nCc: c@example.com\r\n"
        b"Reply-To: help@example.com\r\nSubject: Re: x\r\n"
        b"Date: Tue, 5 Mar 2024 09:12:33 -0000\r\n"
        b"Message-ID:   <abc.123@example.com>  \r\n"
        b"In-Reply-To: <parent@latido.test> (some comment)\r\n"
        b"References: <root@latido.test>\r\n\t<parent@latido.test> <root@latido.test>\r\n\r\nok\r\n"
    )
    msg = parse_email(raw)
    assert (msg.sender_address, msg.sender_name) == ("jane.doe@example.com", "Doe, Jane")
    assert [a.address for a in msg.to] == ["a@example.com", "b@example.com"]
    assert [a.name for a in msg.to] == ["", "B"]
    assert [a.address for a in msg.cc] == ["c@example.com"]
    assert [a.address for a in msg.reply_to] == ["help@example.com"]
    assert msg.message_id == "abc.123@example.com"
    assert msg.in_reply_to == "parent@latido.test"
    assert msg.references == ["root@latido.test", "parent@latido.test"]
    assert msg.date == datetime(2024, 3, 5, 9, 12, 33, tzinfo=UTC)


def test_charset_fallbacks_report_defects():
    notes = []
    assert decode_bytes("żółw".encode(), "no-such-charset", notes.append) == "żółw"
    assert decode_bytes("café".encode("cp1252"), "x-bogus", notes.append) == "café"
    assert decode_bytes("café".encode("cp1252"), "utf-8", notes.append) == "café"
    assert decode_bytes("Zażółć".encode("cp1250"), "windows-1250", notes.append) == "Zażółć"
    assert [str(n) for n in notes] == [
        "Unknown character set “no-such-charset”; the text was guessed.",
        "Unknown character set “x-bogus”; the text was guessed.",
        "Text did not match its character set “utf-8”; it was repaired.",
    ]


def test_encoded_words_join_split_multibyte_characters_and_tolerate_damage():
    notes = []
    # "ż" (c5 bc) split across two encoded words must be joined before decoding.
    assert decode_header_text("=?utf-8?Q?=C5?= =?utf-8?Q?=BCaba?=", notes.append) == "żaba"
    assert decode_header_text("=?utf-8?B?w7Nw?=", notes.append) == "óp"
    assert decode_header_text("=?utf-8?B?w7NwA?=", notes.append) == "óp"
    assert decode_header_text("plain  =?iso-8859-2?q?=B3?= x", notes.append) == "plain  ł x"
    assert [str(n) for n in notes] == ["A header contained a broken encoded word."]


def _tnef(files):
    def obj(level, name, typ, data):
        return (struct.pack("<BHHI", level, name, typ, len(data)) + data
                + struct.pack("<H", sum(data) & 0xFFFF))
    out = struct.pack("<IH", 0x223E9F78, 1)
    for name, data in files:
        out += obj(2, 0x9002, 6, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)
        out += obj(2, 0x8010, 1, name.encode() + b"\x00")
        out += obj(2, 0x800F, 6, data)
    return out


def test_tnef_extraction_and_garbage():
    files, body = extract_tnef(_tnef([("a.txt", b"alpha"), ("b.pdf", b"%PDF-1")]))
    assert files == [("a.txt", b"alpha"), ("b.pdf", b"%PDF-1")]
    assert body == ""
    assert extract_tnef(b"not tnef") is None
    truncated = _tnef([("a.txt", b"alpha")])[:-3]
    assert extract_tnef(truncated) == ([("a.txt", b"al")], "")
    assert extract_tnef(truncated[:20]) == ([], "")


def test_tnef_only_message_yields_inner_files():
    blob = base64.encodebytes(_tnef([("plan.docx", b"PK\x03\x04docx")]))
    raw = (b"From: o@corp.example\r\nSubject: plan\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: application/ms-tnef; name=winmail.dat\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n" + blob)
    msg = parse_email(raw)
    assert [(a.filename, a.content) for a in msg.attachments] == [
        ("plan.docx", b"PK\x03\x04docx"),
    ]
    assert msg.attachments[0].content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_content_id_alone_does_not_make_an_image_inline():
    png = base64.encodebytes(b"\x89PNG\r\n\x1a\nfake")
    raw = (
        b"From: a@example.com\r\nSubject: pics\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="r"\r\n\r\n'
        b'--r\r\nContent-Type: text/html\r\n\r\n<p>see <img src="cid:Shown@x"></p>\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <shown@x>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + png +
        b"--r\r\nContent-Type: image/png; name=extra.png\r\nContent-ID: <extra@x>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + png + b"--r--\r\n"
    )
    msg = parse_email(raw)
    assert [(a.filename, a.content_id, a.is_inline) for a in msg.attachments] == [
        ("attachment.png", "shown@x", True),
        ("extra.png", "extra@x", False),
    ]
    assert 'src="cid:Shown@x"' in msg.html


def test_header_keeps_emoji_joiners_but_drops_control_characters():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    raw = ("From: a@example.com\r\nSubject: " + family + " bell\x07here\r\n\r\nx").encode()
    assert parse_email(raw).subject == family + " bellhere"


def test_attachment_name_that_cleans_to_nothing_gets_a_generic_name():
    raw = (b"From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\n'
           b"Content-Type: application/pdf\r\n"
           b'Content-Disposition: attachment; filename="\\""\r\n\r\n%PDF\r\n--m--\r\n')
    assert [a.filename for a in parse_email(raw).attachments] == ["attachment.pdf"]


def test_absurdly_nested_multiparts_keep_the_headers():
    raw = b"From: a@b.example\r\nSubject: deep\r\n" + b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(2000)
    ) + b"x"
    msg = parse_email(raw)
    assert (msg.sender_address, msg.subject) == ("a@b.example", "deep")
    assert [str(d) for d in msg.defects] == [
        "The message structure could not be read; its body is kept as plain text.",
    ]
    assert msg.text.startswith("--b0\nContent-Type: multipart/mixed; boundary=b1\n")


def test_nesting_deeper_than_the_walk_limit_is_reported():
    raw = b"From: a@b.example\r\nSubject: deep\r\n" + b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(40)
    ) + b"Content-Type: text/plain\r\n\r\ninnermost\r\n"
    msg = parse_email(raw)
    assert "The message nests too deeply; the innermost parts were ignored." in [
        str(d) for d in msg.defects
    ]
    assert "innermost" not in msg.text


def _headers_only(extra: str, subject: str = "Hello", sender: str = "p@example.com"):
    return parse_email(
        f"From: {sender}\r\nSubject: {subject}\r\n{extra}\r\nbody\r\n".encode()
    )


def test_auto_reply_rules_and_their_reasons():
    cases = [
        ("Auto-Submitted: auto-generated\r\n", "Hello", "Auto-Submitted: auto-generated"),
        ("Auto-Submitted: auto-replied; owner=x\r\n", "Hello", "Auto-Submitted: auto-replied"),
        ("X-Autoresponder: on\r\n", "Hello", "x-autoresponder"),
        ("X-Auto-Response-Suppress: OOF, AutoReply\r\n", "Hello", "X-Auto-Response-Suppress"),
        ("Precedence: junk\r\n", "Hello", "Precedence: junk"),
        ("Return-Path: <>\r\n", "Hello", "empty Return-Path"),
        ("", "Automatyczna odpowiedź: urlop", "subject"),
        ("", "Réponse automatique : absent", "subject"),
    ]
    for extra, subject, reason in cases:
        msg = _headers_only(extra, subject)
        assert (msg.is_auto_reply, msg.auto_reply_reason, msg.is_bounce) == (True, reason, False)


def test_people_are_not_auto_replies():
    for extra, subject in [
        ("Auto-Submitted: no\r\n", "Hello"),
        ("X-Auto-Response-Suppress: DR, RN, NRN\r\n", "Hello"),
        ("Precedence: first-class\r\n", "Hello"),
        ("", "Absence request: 3 days in May"),
        ("", "Out of office hours support?"),
        ("", "Re: automatic reply settings do not work"),
    ]:
        msg = _headers_only(extra, subject)
        assert (msg.is_auto_reply, msg.is_bounce, msg.is_list_mail) == (False, False, False)
        assert msg.should_not_answer is False


def test_bounce_and_list_rules():
    assert _headers_only("", "x", sender="Postmaster@Example.com").is_bounce is True
    assert _headers_only("Return-Path: <>\r\n", "Mail delivery failed: returning message",
                         sender="mailer@relay.example").is_bounce is True
    assert _headers_only("Return-Path: <>\r\n", "Hello").is_bounce is False
    listed = _headers_only("List-Post: <mailto:l@example.com>\r\n")
    assert (listed.is_list_mail, listed.is_auto_reply, listed.should_not_answer) == (
        True, False, True,
    )


def test_charset_parameters_the_stdlib_trips_over():
    for content_type in (b"text/plain; charset=\"utf\x00-8\"",
                         b"text/plain; charset*=utf-8''utf-8"):
        raw = (b"From: a@example.com\r\nSubject: x\r\nContent-Type: " + content_type +
               b"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf\xc3\xa9 =ZZ\r\n")
        msg = parse_email(raw)
        _check(msg)
        assert msg.text.startswith("Caf")
