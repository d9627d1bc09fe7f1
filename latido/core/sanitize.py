"""HTML sanitising for everything that came from outside (emails, users, imports)."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_TAG_RE = re.compile(r"<[^>]+>")
_BLOCK_RE = re.compile(r"</?(p|div|br|li|tr|h[1-6]|blockquote|pre)[^>]*>", re.IGNORECASE)


def sanitize_html(raw: str) -> str:
    """Return HTML safe to render: scripts, handlers, styles and unknown schemes removed."""
    return nh3.clean(
        raw or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(text: str) -> str:
    """Turn plain text into safe HTML paragraphs, keeping line breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", (text or "").strip()) if p]
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


def html_to_text(markup: str) -> str:
    """Plain-text rendering of sanitised HTML, for search, previews and notifications."""
    text = _BLOCK_RE.sub("\n", markup or "")
    text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
