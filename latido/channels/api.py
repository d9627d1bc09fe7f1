"""Channel webhooks: unauthenticated by session or token, verified by their signature."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from latido.channels.email.webhook import webhook_receive

router = Router(tags=["channels"], auth=None)

_RAW_BODY = {"schema": {"type": "string", "format": "binary"}}


class InboundAccepted(Schema):
    id: int
    duplicate: bool


@router.post(
    "/email/inbound/{mailbox_id}", response={202: InboundAccepted}, auth=None,
    summary="Receive a raw email (signed webhook)",
    openapi_extra={"requestBody": {"required": True, "content": {
        "message/rfc822": _RAW_BODY, "application/octet-stream": _RAW_BODY}}},
    description="Body: the raw RFC 822 message (message/rfc822 or application/octet-stream). "
    "Headers: X-Latido-Timestamp (Unix seconds, within 5 minutes) and X-Latido-Signature "
    "(sha256=<hex HMAC-SHA256 of timestamp + '.' + body with the mailbox's secret>).",
)
def email_inbound(request: HttpRequest, mailbox_id: int) -> Status[InboundAccepted]:
    result = webhook_receive(
        mailbox_id=mailbox_id, body=request.body, content_type=request.content_type or "",
        timestamp=request.headers.get("X-Latido-Timestamp"),
        signature=request.headers.get("X-Latido-Signature"),
    )
    return Status(202, InboundAccepted(id=result.raw_email.pk, duplicate=result.duplicate))
