"""Parse raw RFC 822 bytes into an ``InboundMessage``. Pure: no database, no I/O.

``parse_email`` never raises. Whatever had to be repaired is listed in ``defects``; a message
without any sender address (From, then Sender, then Reply-To) is unusable
(``InboundMessage.is_usable`` is False) and the caller keeps it in the quarantine.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesHeaderParser

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from latido.channels.email.charsets import Note, decode_header_text
from latido.channels.email.classify import classify
from latido.channels.email.mime import collect_parts
from latido.channels.email.quotes import strip_quotes_html, strip_quotes_text
from latido.channels.inbound import Address, InboundMessage
from latido.core.sanitize import html_to_text, sanitize_html, text_to_html

_MSGID = re.compile(r"<([^<>\s]+)>")


def _raw_values(msg: Message, name: str) -> list[str]:
    try:
        return [str(v) for k, v in msg.raw_items() if k.lower() == name]
    except Exception:  # noqa: BLE001
        return []


def _first(msg: Message, name: str, note: Note) -> str | None:
    values = _raw_values(msg, name)
    return decode_header_text(values[0], note) if values else None


def _addresses(msg: Message, name: str, note: Note) -> list[Address]:
    values = _raw_values(msg, name)
    if not values:
        return []
    unfolded = [re.sub(r"\r?\n[ \t]+", " ", v) for v in values]
    try:
        pairs = email.utils.getaddresses(unfolded)
    except Exception:  # noqa: BLE001
        pairs = []
    found: list[Address] = []
    for display, addr in pairs:
        addr = decode_header_text(addr, note).strip().strip("<>").lower()
        if "@" not in addr or " " in addr:
            continue
        name_text = decode_header_text(display, note).strip().strip('"').strip()
        if name_text.lower() == addr:
            name_text = ""
        if all(a.address != addr for a in found):
            found.append(Address(address=addr, name=name_text))
    if not found:
        # Last resort for garbled headers: any address-looking token.
        for value in unfolded:
            text = decode_header_text(value, note)
            for addr in re.findall(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+", text):
                if all(a.address != addr.lower() for a in found):
                    found.append(Address(address=addr.lower()))
        if found:
            note(_("An address header was malformed; addresses were recovered from it."))
    return found


def _message_id(value: str | None) -> str | None:
    if not value:
        return None
    found = _MSGID.search(value)
    text = found.group(1) if found else value.strip().split()[0] if value.strip() else ""
    return text[:995] or None


def _references(value: str | None) -> list[str]:
    if not value:
        return []
    ids = _MSGID.findall(value) or value.split()
    unique: list[str] = []
    for item in ids:
        if item not in unique:
            unique.append(item[:995])
    return unique


def _date(value: str | None, note: Note) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        note(_("The Date header could not be read; it was ignored."))
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_email(raw: bytes) -> InboundMessage:
    """Turn raw message bytes into an ``InboundMessage``; never raises."""
    result = InboundMessage(channel="email")
    try:
        _parse_into(bytes(raw or b""), result)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"
        result.add_defect(format_lazy(_("The message could not be fully parsed ({error})."),
                                      error=type(exc).__name__))
    if not result.sender_address:
        result.add_defect(_("The message has no sender address."))
    return result


def _parse_into(raw: bytes, result: InboundMessage) -> None:
    note = result.add_defect
    if not raw.strip():
        note(_("The message is empty."))
        return
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:  # noqa: BLE001 - e.g. RecursionError on absurdly nested multiparts
        note(_("The message structure could not be read; its body is kept as plain text."))
        msg = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        msg.set_type("text/plain")
    senders = (
        _addresses(msg, "from", note)
        or _addresses(msg, "sender", note)
        or _addresses(msg, "reply-to", note)
    )
    if senders:
        result.sender_address, result.sender_name = senders[0].address, senders[0].name
    result.to = _addresses(msg, "to", note)
    result.cc = _addresses(msg, "cc", note)
    result.reply_to = _addresses(msg, "reply-to", note)
    result.subject = _first(msg, "subject", note) or ""
    result.message_id = _message_id(_first(msg, "message-id", note))
    result.in_reply_to = _message_id(_first(msg, "in-reply-to", note))
    result.references = _references(_first(msg, "references", note))
    result.date = _date(_first(msg, "date", note), note)

    try:
        content_types = _fill_body(msg, result, note)
    except Exception as exc:  # noqa: BLE001 - headers and classification must still happen
        note(format_lazy(_("The message could not be fully parsed ({error})."),
                         error=type(exc).__name__))
        content_types = [msg.get_content_type()]

    headers: dict[str, str] = {}
    for key, value in reversed(list(msg.raw_items())):
        headers[key.lower()] = decode_header_text(str(value), lambda _d: None)
    report_type = ""
    if msg.get_content_type() == "multipart/report":
        report_type = str(msg.get_param("report-type", "") or "").lower()
    verdict = classify(headers, content_types, report_type, result.sender_address,
                       result.subject)
    result.is_auto_reply = verdict.is_auto_reply
    result.auto_reply_reason = verdict.reason
    result.is_bounce = verdict.is_bounce
    result.is_list_mail = verdict.is_list_mail


def _fill_body(msg: Message, result: InboundMessage, note: Note) -> list[str]:
    """Bodies, visible bodies and attachments; returns every content type seen."""
    parts = collect_parts(msg, note)
    result.attachments = parts.attachments
    html_raw = parts.html
    text = parts.text
    if html_raw:
        result.html = sanitize_html(html_raw)
        if not text.strip():
            text = html_to_text(result.html)
    result.text = text
    referenced = (html_raw or "").lower()
    for attachment in result.attachments:
        # Inline means the HTML shows it; a Content-ID alone (Apple Mail adds one to every
        # part) does not make an attachment inline.
        if attachment.is_inline and f"cid:{attachment.content_id.lower()}" not in referenced:
            attachment.is_inline = False
    result.visible_text = strip_quotes_text(text)
    if html_raw:
        result.visible_html = sanitize_html(strip_quotes_html(html_raw))
        if not parts.text.strip():
            result.visible_text = html_to_text(result.visible_html)
    else:
        result.visible_html = text_to_html(result.visible_text)

    return parts.content_types
