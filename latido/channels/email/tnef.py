"""Attachments inside Outlook's winmail.dat (TNEF), through tnefparse."""

from __future__ import annotations

import logging

from tnefparse import TNEF

# tnefparse logs malformed input with broken format arguments (a traceback on stderr per
# message); the outcome is reported to us through its return value instead.
logging.getLogger("tnefparse").setLevel(logging.CRITICAL)

TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}


def is_tnef(content_type: str, filename: str) -> bool:
    return content_type in TNEF_TYPES or filename.lower() == "winmail.dat"


def _name(attachment: object) -> str:
    try:
        name = attachment.long_filename()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - tnefparse decodes names without error handling
        name = ""
    if isinstance(name, bytes):
        name = name.decode("utf-8", errors="replace")
    return str(name or "").strip("\x00")


def extract_tnef(data: bytes) -> tuple[list[tuple[str, bytes]], str] | None:
    """The (name, bytes) files and plain body inside a TNEF blob; None when it is unreadable."""
    try:
        parsed = TNEF(data, do_checksum=False)
        files = [
            (_name(att), bytes(att.data or b""))
            for att in parsed.attachments
            if att.data
        ]
        body = parsed.body or b""
    except Exception:  # noqa: BLE001 - any malformed blob must only be reported, never raise
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    return files, str(body).replace("\x00", "").strip()
