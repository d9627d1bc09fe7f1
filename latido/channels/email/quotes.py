"""Strip quoted history and signatures from replies, for display only.

Text: the first attribution line ("On … wrote:", "El … escribió:", "W dniu … pisze:" …), an
Outlook "-----Original Message-----" or "From: … Sent: …" header block, or a signature
separator ("-- ") ends what is shown; a trailing run of ">" lines is dropped. HTML: Gmail's
``gmail_quote``, Outlook's ``divRplyFwdMsg``, Thunderbird's ``moz-cite-prefix`` and cited
blockquotes end what is shown. When stripping would leave nothing, the full body is shown.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"On\b.{0,400}\bwrote\s*:"
    r"|El\b.{0,400}\bescribi[óo]\s*:"
    r"|(?:W\s+dniu|Dnia)\b.{0,400}\b(?:pisze|napisa[łl](?:\(a\)|a)?)\s*:"
    r"|Am\b.{0,400}\bschrieb\b.{0,200}:"
    r"|Le\b.{0,400}\ba\s+[ée]crit\s*:"
    r")\s*$",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*[-_]{2,}\s*(?:Original Message|Mensaje original|Wiadomo[śs][ćc] oryginalna"
    r"|Oryginalna wiadomo[śs][ćc]|Urspr[üu]ngliche Nachricht|Message d'origine"
    r"|Forwarded message|Mensaje reenviado)\s*[-_]{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(?:From|De|Od|Von)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(?:Sent|Date|Enviado(?:\s+el)?|Fecha|Wys[łl]ano|Wys[łl]any|Data|Gesendet)"
    r"\s*:\*?\s*\S",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE = re.compile(
    r"^\s*(?:Sent from my \w+|Enviado desde mi \w+|Wys[łl]ane z (?:mojego )?\w+)",
    re.IGNORECASE,
)


def _cut_index(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if _SIGNATURE.match(line) or _ORIGINAL.match(line):
            return i
        # Attributions are often wrapped over two or three lines by the sender's client.
        for span in (1, 2, 3):
            joined = " ".join(part.strip() for part in lines[i : i + span])
            if _ATTRIBUTION.match(joined):
                return i
        if _HEADER_FROM.match(line) and any(
            _HEADER_NEXT.match(nxt) for nxt in lines[i + 1 : i + 5]
        ):
            # A "____" rule right above the Outlook header belongs to the quote.
            if i and set(lines[i - 1].strip()) <= {"_", "-"} and lines[i - 1].strip():
                return i - 1
            return i
    return len(lines)


def strip_quotes_text(text: str) -> str:
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _cut_index(lines)]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    while lines and _MOBILE.match(lines[-1]):
        lines.pop()
        while lines and not lines[-1].strip():
            lines.pop()
    visible = "\n".join(lines).strip()
    return visible or (text or "").strip()


_HTML_CUTS = [
    re.compile(r"<div[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\bgmail_quote", re.IGNORECASE),
    re.compile(r"<div[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\bgmail_signature", re.IGNORECASE),
    re.compile(r"(?:<hr[^>]*>\s*)?<div[^>]*\bid\s*=\s*[\"']?divRplyFwdMsg", re.IGNORECASE),
    re.compile(r"<div[^>]*\bid\s*=\s*[\"']?appendonsend", re.IGNORECASE),
    re.compile(r"<div[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\bmoz-cite-prefix", re.IGNORECASE),
    re.compile(r"<(?:div|pre)[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\bmoz-signature", re.IGNORECASE),
    re.compile(r"<blockquote[^>]*\btype\s*=\s*[\"']?cite", re.IGNORECASE),
    re.compile(r"<div[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\byahoo_quoted", re.IGNORECASE),
]
_TAGS = re.compile(r"<[^>]+>")


def strip_quotes_html(markup: str) -> str:
    """Cut raw (unsanitised) HTML at the first quote or signature marker."""
    markup = markup or ""
    cut = len(markup)
    for pattern in _HTML_CUTS:
        found = pattern.search(markup)
        if found and found.start() < cut:
            cut = found.start()
    head = markup[:cut]
    if not _TAGS.sub("", head).strip():
        return markup
    return head
