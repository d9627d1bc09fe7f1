"""Recognise auto-replies, bounces and list mail from headers (RFC 3834, RFC 3464, RFC 2369).

Rules, in order; the first that matches gives the reason:
- bounce: a ``multipart/report; report-type=delivery-status`` (or any ``message/delivery-status``
  part), a MAILER-DAEMON/postmaster sender, an ``X-Failed-Recipients`` header, or a typical
  bounce subject from a null Return-Path. Bounces are auto-replies too.
- auto-reply: ``Auto-Submitted`` other than "no"; ``X-Autoreply``/``X-Autorespond``/
  ``X-Autoresponder``; ``X-Auto-Response-Suppress`` containing All, OOF or AutoReply;
  ``Precedence`` bulk, junk, list or auto_reply; a read receipt (disposition-notification);
  an empty ``Return-Path: <>``; an "Automatic reply:"-style subject prefix.
- list mail: ``List-Id``, ``List-Unsubscribe``, ``List-Post`` or ``Precedence: list``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery status notification|delivery failure|failure notice"
    r"|returned mail|mail delivery failed|non remis|unzustellbar|niedostarczon"
    r"|no se puede entregar|no entregado)",
    re.IGNORECASE,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(?:matic)?[- ]?reply|auto[- ]?response|out of (?:the )?office"
    r"|respuesta autom[áa]tica|fuera de la oficina|odpowied[źz] automatyczna"
    r"|automatyczna odpowied[źz]|abwesenheitsnotiz|automatische antwort"
    r"|r[ée]ponse automatique)\b[^:]{0,40}:",
    re.IGNORECASE,
)


@dataclass
class Classification:
    is_auto_reply: bool = False
    reason: str = ""
    is_bounce: bool = False
    is_list_mail: bool = False


def classify(
    headers: dict[str, str], content_types: list[str], report_type: str, sender: str,
    subject: str,
) -> Classification:
    """``headers`` maps lower-case names to decoded first values."""
    result = Classification()

    def auto(reason: str) -> None:
        if not result.is_auto_reply:
            result.is_auto_reply, result.reason = True, reason

    return_path = headers.get("return-path")
    null_sender = return_path is not None and return_path.strip() in {"<>", ""}
    if (
        report_type == "delivery-status"
        or "message/delivery-status" in content_types
        or "message/global-delivery-status" in content_types
        or _BOUNCE_SENDER.match(sender)
        or "x-failed-recipients" in headers
        or (null_sender and _BOUNCE_SUBJECT.search(subject))
    ):
        result.is_bounce = True
        auto("bounce")
    auto_submitted = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        auto(f"Auto-Submitted: {auto_submitted}")
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if name in headers:
            auto(name)
    suppress = headers.get("x-auto-response-suppress", "").lower()
    if re.search(r"\b(all|oof|autoreply)\b", suppress):
        auto("X-Auto-Response-Suppress")
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        auto(f"Precedence: {precedence}")
    if report_type == "disposition-notification":
        auto("read receipt")
    if null_sender:
        auto("empty Return-Path")
    if _AUTO_SUBJECT.match(subject):
        auto("subject")
    result.is_list_mail = precedence == "list" or any(
        name in headers for name in ("list-id", "list-unsubscribe", "list-post")
    )
    return result
