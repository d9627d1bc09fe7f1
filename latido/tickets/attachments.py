"""Validation and storage of uploaded attachments: size, type and safe file names."""

from __future__ import annotations

import mimetypes
import os
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from latido.core.errors import PayloadTooLarge, ValidationError

ALLOWED_EXTENSIONS = {
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "pdf", "txt", "log", "csv", "json", "xml",
    "md", "rtf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "zip",
    "gz", "7z", "eml", "msg", "ics", "mp3", "wav", "ogg", "mp4", "webm", "mov", "heic",
}


class UploadLike(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    content: bytes
    token: str


def safe_filename(name: str) -> str:
    """A file name with no path, no control characters and a bounded length."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = unicodedata.normalize("NFKC", base)
    base = "".join(ch for ch in base if ch.isprintable())
    try:
        cleaned = get_valid_filename(base) if base.strip(". ") else ""
    except SuspiciousFileOperation:  # nothing usable left, e.g. a name of only quotes
        cleaned = ""
    if not cleaned or cleaned.startswith("."):
        cleaned = "attachment" + (cleaned if cleaned.startswith(".") else "")
    stem, ext = os.path.splitext(cleaned)
    return stem[: 150 - len(ext)] + ext.lower()


def check_uploads(files: list[UploadLike] | None) -> list[CheckedUpload]:
    """Validate every upload before anything is stored; one bad file refuses them all."""
    files = list(files or [])
    if len(files) > settings.LATIDO_MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationError(
            _("At most %(n)d attachments per message.")
            % {"n": settings.LATIDO_MAX_ATTACHMENTS_PER_MESSAGE},
            code="too_many_attachments",
        )
    checked = []
    for upload in files:
        name = safe_filename(upload.name or "")
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in ALLOWED_EXTENSIONS:
            raise ValidationError(
                _("Files of type .%(ext)s are not accepted.") % {"ext": ext or "?"},
                code="attachment_type",
            )
        content = upload.read(settings.LATIDO_MAX_ATTACHMENT_BYTES + 1)
        if len(content) > settings.LATIDO_MAX_ATTACHMENT_BYTES:
            raise PayloadTooLarge(
                _("%(name)s is larger than the %(mb)d MB limit.")
                % {"name": name, "mb": settings.LATIDO_MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                code="attachment_too_large",
            )
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        checked.append(CheckedUpload(name, content_type, content, secrets.token_hex(16)))
    return checked
