"""Email attachments as ticket uploads; what the ticket limits refuse is noted, not fatal."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _

from latido.channels.inbound import InboundAttachment
from latido.core.errors import PayloadTooLarge, ValidationError
from latido.tickets.attachments import UploadLike, check_uploads


class AttachmentFile:
    """An inbound attachment in the shape ticket services accept as an upload."""

    def __init__(self, attachment: InboundAttachment) -> None:
        self.name: str | None = attachment.filename
        self.size: int | None = attachment.size
        self._data = io.BytesIO(attachment.content)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


def split_attachments(
    attachments: list[InboundAttachment],
) -> tuple[list[UploadLike], list[str]]:
    """The attachments the ticket accepts, and a line for each one left out with the reason."""
    accepted: list[UploadLike] = []
    dropped: list[str] = []
    limit = settings.LATIDO_MAX_ATTACHMENTS_PER_MESSAGE
    for attachment in attachments:
        if len(accepted) >= limit:
            dropped.append(_("%(name)s: more than %(n)d attachments per message.")
                           % {"name": attachment.filename, "n": limit})
            continue
        try:
            check_uploads([AttachmentFile(attachment)])
        except (ValidationError, PayloadTooLarge) as exc:
            dropped.append(f"{attachment.filename}: {exc}")
            continue
        accepted.append(AttachmentFile(attachment))
    return accepted, dropped
