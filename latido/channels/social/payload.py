"""The inbound webhook's JSON payload, validated strictly before anything is stored.

Every refusal is a 400 whose message names the field, except files too large (413); an
attachment's type and size follow the same limits as files uploaded to a ticket.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from latido.channels.email.attachments import AttachmentFile
from latido.channels.email.webhook import Malformed, UnsupportedMediaType
from latido.channels.inbound import InboundAttachment
from latido.core.errors import DomainError, PayloadTooLarge, ValidationError
from latido.customers.models import ContactIdentity
from latido.customers.services import normalize_identity
from latido.tickets.attachments import check_uploads, safe_filename
from latido.tickets.services.create import MAX_BODY

MAX_ID = 200
MAX_HANDLE = 254
MAX_NAME = 200
MAX_CONTENT_TYPE = 100
JSON_TYPES = frozenset({"application/json"})


@dataclass
class SocialPayload:
    """One inbound message as the connector sent it, cleaned."""

    platform: str
    account: str
    handle: str
    message_id: str
    thread_id: str
    text: str
    display_name: str = ""
    sent_at: datetime | None = None
    attachments: list[InboundAttachment] = field(default_factory=list)

    def stored(self) -> dict[str, Any]:
        """What the message row keeps: the payload without the files' bytes."""
        return {
            "platform": self.platform, "account": self.account, "handle": self.handle,
            "display_name": self.display_name, "message_id": self.message_id,
            "thread_id": self.thread_id, "text": self.text,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "attachments": [{"filename": a.filename, "content_type": a.content_type,
                             "size": a.size} for a in self.attachments],
        }


def _bad(name: str, problem: str) -> Malformed:
    return Malformed(_("%(field)s: %(problem)s") % {"field": name, "problem": problem})


def _string(data: dict[str, Any], name: str, *, limit: int, required: bool) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise _bad(name, _("this field is required."))
        return ""
    if not isinstance(value, str):
        raise _bad(name, _("must be a string."))
    value = value.strip()
    if "\x00" in value:
        raise _bad(name, _("must not contain NUL characters."))
    if required and not value:
        raise _bad(name, _("must not be empty."))
    if len(value) > limit:
        raise _bad(name, _("must be at most %(n)d characters.") % {"n": limit})
    return value


def _sent_at(data: dict[str, Any]) -> datetime | None:
    value = _string(data, "sent_at", limit=64, required=False)
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise _bad("sent_at", _("must be an ISO 8601 date and time with a time zone."))
    return parsed


def _attachment(item: object, index: int) -> InboundAttachment:
    where = f"attachments[{index}]"
    if not isinstance(item, dict):
        raise _bad(where, _("must be an object."))
    name = _string(item, "filename", limit=255, required=True)
    content_type = _string(item, "content_type", limit=MAX_CONTENT_TYPE, required=False)
    encoded = item.get("content_base64")
    if not isinstance(encoded, str) or not encoded.strip():
        raise _bad(f"{where}.content_base64", _("this field is required."))
    limit = settings.LATIDO_MAX_ATTACHMENT_BYTES
    if len(encoded) > (limit + 2) // 3 * 4 + 4:  # checked before decoding anything
        raise PayloadTooLarge(
            _("%(name)s is larger than the %(mb)d MB limit.")
            % {"name": name, "mb": limit // (1024 * 1024)}, code="attachment_too_large")
    try:
        content = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise _bad(f"{where}.content_base64", _("is not valid base64.")) from None
    attachment = InboundAttachment(
        filename=safe_filename(name), content=content,
        content_type=(content_type or "application/octet-stream").lower(),
    )
    try:  # the ticket's own rules (type, size), before anything is stored
        check_uploads([AttachmentFile(attachment)])
    except ValidationError as exc:
        raise _bad(where, exc.message) from None
    return attachment


def _attachments(data: dict[str, Any]) -> list[InboundAttachment]:
    items = data.get("attachments")
    if items is None:
        return []
    if not isinstance(items, list):
        raise _bad("attachments", _("must be a list."))
    limit = settings.LATIDO_MAX_ATTACHMENTS_PER_MESSAGE
    if len(items) > limit:
        raise _bad("attachments", _("at most %(n)d attachments per message.") % {"n": limit})
    return [_attachment(item, i) for i, item in enumerate(items)]


def _handle(data: dict[str, Any]) -> str:
    handle = _string(data, "handle", limit=MAX_HANDLE, required=True)
    try:
        return normalize_identity(ContactIdentity.Kind.SOCIAL, handle)
    except DomainError as exc:
        raise _bad("handle", exc.message) from None


def _text(data: dict[str, Any]) -> str:
    text = data.get("text")
    if text is None:
        return ""
    if not isinstance(text, str):
        raise _bad("text", _("must be a string."))
    if "\x00" in text:
        raise _bad("text", _("must not contain NUL characters."))
    if len(text) > MAX_BODY:
        raise _bad("text", _("must be at most %(n)d characters.") % {"n": MAX_BODY})
    return text.strip()


def parse_payload(body: bytes, content_type: str) -> SocialPayload:
    """The cleaned payload, or ``Malformed`` naming the first field that is wrong."""
    if content_type.split(";")[0].strip().lower() not in JSON_TYPES:
        raise UnsupportedMediaType(_("Send the message as application/json."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Malformed(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Malformed(_("The request body must be one message as a JSON object."))
    payload = SocialPayload(
        platform=_string(data, "platform", limit=40, required=True).lower(),
        account=_string(data, "account", limit=MAX_ID, required=True),
        handle=_handle(data),
        display_name=_string(data, "display_name", limit=MAX_NAME, required=False),
        message_id=_string(data, "message_id", limit=MAX_ID, required=True),
        thread_id=_string(data, "thread_id", limit=MAX_ID, required=False),
        text=_text(data), sent_at=_sent_at(data), attachments=_attachments(data),
    )
    if not payload.thread_id:
        payload.thread_id = payload.handle  # a direct conversation: one thread per person
    if not payload.text and not payload.attachments:
        raise _bad("text", _("send a text or at least one attachment."))
    return payload
