"""Turning bytes of any (or a wrong, or an unknown) charset into text, and decoding headers."""

from __future__ import annotations

import base64
import codecs
import re
from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

Note = Callable[[str | Promise], None]

# Labels mail clients use that Python does not know, or knows as a narrower charset.
ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cn-gb": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-2022-jp": "iso-2022-jp-ext",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    # Web practice: Latin-1 and ASCII labels mean windows-1252.
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_NO_CHARSET = {"", "unknown-8bit", "x-unknown", "unknown", "default", "8bit", "x-user-defined"}


# 7-bit encodings whose bytes are all ASCII but whose text is not.
_STATEFUL = ("iso-2022", "utf-7", "hz", "utf7", "csiso2022")


def normalise_charset(label: str | None) -> str:
    label = (label or "").strip().strip("\"'").lower()
    label = label.split("*", 1)[0]  # RFC 2231 language suffix
    return ALIASES.get(label, label)


def _known(charset: str) -> bool:
    try:
        info = codecs.lookup(charset)
    except (LookupError, ValueError, TypeError):
        return False
    # base64, zlib, rot13 … are codecs too, but not text encodings.
    return getattr(info, "_is_text_encoding", True) is not False


def _fallback(data: bytes) -> str:
    """UTF-8 when it is valid (or nearly so), else windows-1252, else Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8", errors="replace")
    if loose.count("\ufffd") * 100 <= max(len(loose), 1):
        return loose
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_bytes(data: bytes, label: str | None, note: Note) -> str:
    """Decode ``data`` labelled with charset ``label``; repairs are reported through ``note``."""
    charset = normalise_charset(label)
    if data.isascii() and not charset.startswith(_STATEFUL):
        return data.decode("ascii")
    if charset in _NO_CHARSET:
        return _fallback(data)
    if not _known(charset):
        note(format_lazy(_("Unknown character set “{charset}”; the text was guessed."),
                         charset=(label or "")[:40]))
        return _fallback(data)
    if charset == "cp1252":
        # Labelled Latin-1/ASCII but valid UTF-8 with non-ASCII: it is UTF-8.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError, ValueError):
        pass
    note(format_lazy(_("Text did not match its character set “{charset}”; it was repaired."),
                     charset=(label or "")[:40]))
    if charset != "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            return data.decode(charset, errors="replace")
        except (LookupError, ValueError):
            pass
    return _fallback(data)


_WORD = r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?="
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # a raw byte the header parser kept
_FOLD = re.compile(r"\r?\n[ \t]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BREAKS = re.compile("[\t\r\n]")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(f"({_WORD})\\s+(?={_WORD})")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")


def _word_bytes(encoding: str, payload: str, note: Note) -> bytes:
    if encoding in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        if len(cleaned) % 4 == 1:
            note(_("A header contained a broken encoded word."))
            cleaned = cleaned[:-1]
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
    raw = payload.replace("_", " ").encode("latin-1", errors="replace")
    return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def decode_header_text(value: str | None, note: Note) -> str:
    """Unfold a raw header value, repair raw 8-bit bytes and decode RFC 2047 encoded words."""
    if not value:
        return ""
    text = str(value)
    if not text.isascii() and _ESCAPED_BYTE.search(text):
        # Raw UTF-8 is legal (RFC 6532); anything else is a guess worth reporting.
        data = text.encode("ascii", errors="surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            note(_("A header contained raw 8-bit bytes that are not UTF-8; they were decoded "
                   "as Windows-1252."))
            text = _fallback(data)
    text = _FOLD.sub(" ", text).replace("\r", "").replace("\n", " ")
    text = _BETWEEN_WORDS.sub(r"\1", text)
    # Adjacent words of one charset are joined first: a character may span two words.
    pieces: list[tuple[str, bytes | str]] = []
    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        if match.start() > pos:
            pieces.append(("", text[pos : match.start()]))
        charset, encoding, payload = match.groups()
        chunk = _word_bytes(encoding, payload, note)
        if pieces and pieces[-1][0] == charset.lower() and isinstance(pieces[-1][1], bytes):
            pieces[-1] = (charset.lower(), pieces[-1][1] + chunk)
        else:
            pieces.append((charset.lower(), chunk))
        pos = match.end()
    pieces.append(("", text[pos:]))
    out = []
    for label, piece in pieces:
        out.append(piece if isinstance(piece, str) else decode_bytes(piece, label, note))
    # Tabs and line breaks become spaces; other control characters (Unicode category Cc)
    # and lone surrogates (Cs) are dropped.
    decoded = _CONTROL.sub("", "".join(out))
    return _BREAKS.sub(" ", decoded).strip()
