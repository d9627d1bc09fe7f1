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
    r"^\s*\*?(?:Sent|Date|Enviado(?:\s+el)?|Fecha|Wys[łl]an[oey]|Data|Gesendet|Envoy[ée])"
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


# (marker in a tag's attributes, tag names it may appear on), searched in lower case.
_HTML_MARKERS = (
    ("gmail_quote", ("div",)),
    ("gmail_signature", ("div",)),
    ("divrplyfwdmsg", ("div",)),
    ("appendonsend", ("div",)),
    ("moz-cite-prefix", ("div",)),
    ("moz-signature", ("div", "pre")),
    ("yahoo_quoted", ("div",)),
    ("protonmail_quote", ("div", "blockquote")),
    ("outlookmessageheader", ("div",)),
    ("mail-editor-reference-message-container", ("div",)),
    # Outlook desktop: the reply header sits in a div with a thin top border.
    ("border-top:solid #e1e1e1", ("div",)),
    ("border-top:solid #b5c4df", ("div",)),
)
_CITE = re.compile(r"""\btype\s*=\s*["']?cite""")
_TAG_NAME = re.compile(r"<([a-z0-9]+)")
_TAGS = re.compile(r"<[^<>]*>")
_MAX_TAG = 2000


def _marker_tag_start(lower: str, marker: str, names: tuple[str, ...], limit: int) -> int:
    """Start of the first tag (of one of ``names``) whose attributes contain ``marker``."""
    found = lower.find(marker, 0, limit)
    while found != -1:
        start = lower.rfind("<", max(0, found - _MAX_TAG), found)
        if start != -1 and ">" not in lower[start:found]:
            name = _TAG_NAME.match(lower, start)
            if name and name.group(1) in names:
                return start
        found = lower.find(marker, found + 1, limit)
    return -1


def _cite_start(lower: str, limit: int) -> int:
    found = lower.find("<blockquote", 0, limit)
    while found != -1:
        end = lower.find(">", found, found + _MAX_TAG)
        if end != -1 and _CITE.search(lower, found, end):
            return found
        found = lower.find("<blockquote", found + 1, limit)
    return -1


def strip_quotes_html(markup: str) -> str:
    """Cut raw (unsanitised) HTML at the first quote or signature marker."""
    markup = markup or ""
    lower = markup.lower()
    cut = len(markup)
    for marker, names in _HTML_MARKERS:
        start = _marker_tag_start(lower, marker, names, cut)
        if start != -1:
            if marker == "divrplyfwdmsg":
                # Outlook draws a rule right above its reply header.
                before = lower[:start].rstrip()
                rule = before.rfind("<", max(0, len(before) - _MAX_TAG))
                if before.endswith(">") and lower.startswith("<hr", rule):
                    start = rule
            cut = min(cut, start)
    start = _cite_start(lower, cut)
    if start != -1:
        cut = start
    head = markup[:cut]
    if not _TAGS.sub("", head).strip():
        return markup
    return head
