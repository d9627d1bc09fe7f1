"""API routes of this channel (mounted under /api/v1/channels/social)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from latido.channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from latido.channels.social.inbound import social_receive

router = Router(tags=["social"], auth=None)


class SocialAttachmentIn(Schema):
    filename: str
    content_type: str = "application/octet-stream"
    content_base64: str


class SocialMessageIn(Schema):
    platform: str
    account: str
    handle: str
    display_name: str = ""
    message_id: str
    thread_id: str = ""
    text: str = ""
    sent_at: str | None = None
    attachments: list[SocialAttachmentIn] = []


def _inline_schema() -> dict[str, Any]:
    """The request body schema with the attachment schema inlined (no document-local $defs)."""
    schema = SocialMessageIn.model_json_schema()
    schema.pop("$defs", None)
    schema["properties"]["attachments"]["items"] = SocialAttachmentIn.model_json_schema()
    return schema


class SocialAccepted(Schema):
    id: int
    ticket_id: int
    ticket_reference: str
    duplicate: bool


@router.post(
    "/inbound/{account_id}", response={202: SocialAccepted}, auth=None,
    summary="Receive a social or messaging message (signed webhook)",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": _inline_schema()}}}},
    description="Body: one message as JSON (platform, account, handle, display_name, "
    "message_id, thread_id, text, sent_at, attachments[{filename, content_type, "
    "content_base64}]). Headers: X-Latido-Timestamp (Unix seconds, within 5 minutes) and "
    "X-Latido-Signature (sha256=<hex HMAC-SHA256 of timestamp + '.' + body with the "
    "account's inbound secret>). A message id already received answers duplicate=true.",
)
def social_inbound(request: HttpRequest, account_id: int) -> Status[SocialAccepted]:
    result = social_receive(
        account_id=account_id, body=request.body, content_type=request.content_type or "",
        timestamp=request.headers.get(TIMESTAMP_HEADER),
        signature=request.headers.get(SIGNATURE_HEADER),
    )
    row = result.message
    return Status(202, SocialAccepted(
        id=row.pk, ticket_id=row.ticket_id, ticket_reference=row.ticket.reference,
        duplicate=result.duplicate))
