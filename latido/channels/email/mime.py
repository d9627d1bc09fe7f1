"""Walk a MIME tree: pick the bodies, collect attachments, repair structural damage."""

from __future__ import annotations

import email
import email.policy
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from latido.channels.email.charsets import Note, decode_bytes, decode_header_text
from latido.channels.email.tnef import extract_tnef, is_tnef
from latido.channels.inbound import InboundAttachment
from latido.tickets.attachments import safe_filename

MAX_DEPTH = 30
_DEFAULT_NAMES = {
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
    "application/pkcs7-mime": "smime.p7m",
    "application/x-pkcs7-mime": "smime.p7m",
    "application/pgp-signature": "signature.asc",
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "text/rfc822-headers": "original-headers.txt",
    "message/rfc822": "message.eml",
    "text/calendar": "invite.ics",
}


@dataclass
class Parts:
    text: str = ""
    html: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)


def _raw_payload(part: Message) -> Any:
    """``get_payload()`` without decoding; the stdlib can trip over 8-bit bytes there."""
    try:
        return part.get_payload()
    except (ValueError, TypeError, LookupError):
        return part._payload  # type: ignore[attr-defined]


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError):
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = _raw_payload(part)
    if isinstance(raw, str):
        return raw.encode("utf-8", errors="surrogateescape")
    return b""


def _message_bytes(part: Message) -> bytes:
    """The bytes of a message/* part's content (the enclosed message or header blocks)."""
    payload = _raw_payload(part)
    if isinstance(payload, list):
        chunks = []
        for sub in payload:
            try:
                chunks.append(sub.as_bytes() if isinstance(sub, Message) else str(sub).encode())
            except Exception:  # noqa: BLE001 - a broken enclosed message is kept as text
                chunks.append(str(sub).encode("utf-8", errors="replace"))
        return b"\n".join(chunks)
    return _payload_bytes(part)


def _filename(part: Message, note: Note) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if name is None:
        try:
            name = part.get_param("name")  # type: ignore[assignment]
        except Exception:  # noqa: BLE001
            name = None
        if isinstance(name, tuple):
            name = str(name[2])
    return decode_header_text(str(name), note) if name else ""


def _guess_boundary(body: str) -> str | None:
    counts: dict[str, int] = {}
    for line in body.splitlines():
        found = re.match(r"^--([^\s]{6,200}?)(--)?\s*$", line)
        if found:
            counts[found.group(1)] = counts.get(found.group(1), 0) + 1
    best = max(counts.items(), key=lambda item: item[1], default=None)
    return best[0] if best and best[1] >= 2 else None


def _repair_boundaryless(part: Message, note: Note) -> Message | None:
    """A multipart without a (usable) boundary: find the boundary lines in the body."""
    body = _raw_payload(part)
    if not isinstance(body, str):
        return None
    boundary = _guess_boundary(body)
    if boundary is None:
        note(_("A multipart section had no boundary; it was read as plain text."))
        return None
    note(_("A multipart section had no boundary; it was reconstructed."))
    rebuilt = email.message_from_string(
        f'Content-Type: {part.get_content_type()}; boundary="{boundary}"\n\n{body}',
        policy=email.policy.compat32,
    )
    return rebuilt if isinstance(rebuilt.get_payload(), list) else None


def collect_parts(msg: Message, note: Note) -> Parts:
    parts = Parts()
    texts: list[str] = []
    htmls: list[str] = []
    _walk(msg, note, parts, texts, htmls, depth=0)
    _note_structural_defects(msg, note)
    parts.text = "\n\n".join(t for t in texts if t.strip())
    parts.html = "\n".join(htmls)
    return parts


def _note_structural_defects(msg: Message, note: Note) -> None:
    """Report what the stdlib parser (and payload decoding) recorded on any part."""
    try:
        every = list(msg.walk())
    except Exception:  # noqa: BLE001
        every = [msg]
    for part in every:
        for defect in getattr(part, "defects", []):
            name = type(defect).__name__
            if name in {"CloseBoundaryNotFoundDefect", "StartBoundaryNotFoundDefect"}:
                note(_("A multipart section was not terminated properly."))
            elif "Base64" in name:
                note(_("An attachment or body had broken base64 encoding; it was decoded as "
                       "far as possible."))


def _walk(
    part: Message, note: Note, parts: Parts, texts: list[str], htmls: list[str],
    depth: int,
) -> None:
    ctype = part.get_content_type()
    parts.content_types.append(ctype)
    if depth > MAX_DEPTH:
        note(_("The message nests too deeply; the innermost parts were ignored."))
        return
    if ctype.startswith("multipart/"):
        children: Any = _raw_payload(part)
        if not isinstance(children, list):
            repaired = _repair_boundaryless(part, note)
            if repaired is None:
                _leaf_text(part, "text/plain", note, texts, htmls)
                return
            children = repaired.get_payload()
        if ctype == "multipart/alternative":
            _alternative(children, note, parts, texts, htmls, depth)
            return
        for child in children:
            if isinstance(child, Message):
                _walk(child, note, parts, texts, htmls, depth + 1)
        return
    filename = _filename(part, note)
    disposition = (part.get_content_disposition() or "").lower()
    if ctype.startswith("message/"):
        _attach(parts, filename or _DEFAULT_NAMES.get(ctype, "message.txt"), ctype,
                _message_bytes(part), part, note)
        return
    if ctype in {"text/plain", "text/html"} and disposition != "attachment" and not filename:
        _leaf_text(part, ctype, note, texts, htmls)
        return
    data = _payload_bytes(part)
    if is_tnef(ctype, filename):
        extracted = extract_tnef(data)
        if extracted is None or not (extracted[0] or extracted[1]):
            note(_("A winmail.dat (TNEF) attachment could not be read; it was kept as is."))
        else:
            files, body = extracted
            for name, content in files:
                guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
                _attach(parts, name, guessed, content, None, note)
            if body and not texts:
                texts.append(body)
            return
    if not filename:
        filename = _DEFAULT_NAMES.get(ctype) or (
            "attachment" + (mimetypes.guess_extension(ctype) or ".bin")
        )
    _attach(parts, filename, ctype, data, part, note)


def _alternative(
    children: list[Message], note: Note, parts: Parts, texts: list[str], htmls: list[str],
    depth: int,
) -> None:
    """Keep one plain and one HTML rendering; anything else inside is walked normally."""
    plain: list[str] = []
    rich: list[str] = []
    for child in children:
        if not isinstance(child, Message):
            continue
        sub_plain: list[str] = []
        sub_rich: list[str] = []
        _walk(child, note, parts, sub_plain, sub_rich, depth + 1)
        if sub_plain and not plain:
            plain = sub_plain
        if sub_rich:
            rich = sub_rich  # the last (richest) HTML alternative wins
    texts.extend(plain)
    htmls.extend(rich)


_BAD_QP = re.compile(r"=(?![0-9A-Fa-f]{2}|[ \t]*\r?\n|[ \t]*$)")


def _leaf_text(part: Message, ctype: str, note: Note, texts: list[str], htmls: list[str]) -> None:
    data = _payload_bytes(part)
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    raw = _raw_payload(part)
    if encoding == "quoted-printable" and isinstance(raw, str) and _BAD_QP.search(raw):
        note(_("Text had broken quoted-printable encoding; the damaged sequences were kept "
               "as they were."))
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001
        charset = None
    text = decode_bytes(data, charset, note).replace("\r\n", "\n").replace("\x00", "")
    (htmls if ctype == "text/html" else texts).append(text)


def _safe_name(name: str, ctype: str) -> str:
    cleaned = safe_filename(name)
    if cleaned == "attachment" and name.strip() != "attachment":
        # Nothing usable was left of the name (e.g. only quotes): keep the type's extension.
        return safe_filename("attachment" + (mimetypes.guess_extension(ctype) or ".bin"))
    return cleaned


def _attach(
    parts: Parts, name: str, ctype: str, data: bytes, part: Message | None, note: Note,
) -> None:
    content_id = ""
    disposition = ""
    if part is not None:
        content_id = decode_header_text(part.get("Content-ID", ""), note).strip().strip("<>")
        disposition = (part.get_content_disposition() or "").lower()
    inline = bool(content_id) and disposition != "attachment" and ctype.startswith("image/")
    if not data:
        note(format_lazy(_("The attachment “{name}” is empty."), name=_safe_name(name, ctype)))
    parts.attachments.append(InboundAttachment(
        filename=_safe_name(name, ctype), content_type=ctype, content=data,
        content_id=content_id, is_inline=inline,
    ))
