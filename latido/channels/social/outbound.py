"""Social out: an agent's public reply on a social ticket is POSTed to the account's connector.

Which tickets: those with an inbound social message; the reply goes to the account, thread
and handle of the latest one. Only public replies by agents are sent: internal notes,
customers' own messages and system messages never leave.

Each reply becomes one outbound ``SocialMessage`` whose ``external_id`` (the idempotency
key) is the Latido message id, unique per account, so the pipeline may run twice. Sending
claims the row with a conditional UPDATE (at most one POST per attempt, never by two
workers); success is any 2xx answer, anything else is retried with exponential backoff and
the same idempotency key, so a connector that got an earlier attempt can drop the repeat.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import httpx
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.channels.email.outbound import (
    MAX_ATTEMPTS,
    NOT_AGENT_ROLES,
    QUEUED_STALE_AFTER,
    backoff,
)
from latido.channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, secret_from_env, sign
from latido.channels.social.models import SocialMessage
from latido.core.task_backends import uses_database_backend
from latido.tickets.enums import EventType
from latido.tickets.models import Message, TicketEvent
from latido.tickets.services import ticket_note

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15.0
MAX_ERROR = 2000
OUT = SocialMessage.Direction.OUTBOUND
State = SocialMessage.State


def _last_inbound(ticket_id: int) -> SocialMessage | None:
    return (SocialMessage.objects.filter(ticket_id=ticket_id,
                                         direction=SocialMessage.Direction.INBOUND)
            .select_related("account").order_by("-created_at", "-id").first())


def _outbound_row(account_id: int, message_id: int) -> SocialMessage | None:
    return SocialMessage.objects.filter(account_id=account_id, direction=OUT,
                                        external_id=str(message_id)).first()


def social_reply_create(*, event: TicketEvent) -> SocialMessage | None:
    """The outgoing social reply for this reply event, created once; None when none is sent."""
    message: Message | None = event.message
    ticket = event.ticket
    if (event.type != EventType.REPLY or event.actor_role in NOT_AGENT_ROLES
            or message is None or not message.is_public or ticket.merged_into_id):
        return None
    inbound = _last_inbound(ticket.pk)
    if inbound is None:
        return None
    existing = _outbound_row(inbound.account_id, message.pk)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = SocialMessage.objects.create(
                account=inbound.account, direction=OUT, external_id=str(message.pk),
                thread_id=inbound.thread_id, handle=inbound.handle, ticket=ticket,
                ticket_message=message, state=State.PENDING,
                payload={"ticket": ticket.reference, "event": event.pk},
            )
            enqueue_sending(row.pk)
    except IntegrityError:  # the same event handled concurrently
        return _outbound_row(inbound.account_id, message.pk)
    return row


def enqueue_sending(outbound_id: int) -> None:
    """Schedule the send once the row is committed (in the same transaction with a DB queue)."""
    from latido.channels.social.tasks import send_social_reply

    if uses_database_backend():
        send_social_reply.enqueue(outbound_id)
    else:
        transaction.on_commit(lambda: send_social_reply.enqueue(outbound_id))


def reply_payload(row: SocialMessage) -> dict[str, Any]:
    """The JSON body sent to the connector (the README documents it)."""
    message = row.ticket_message
    assert message is not None
    attachments = []
    for att in message.attachments.order_by("id"):
        with att.file.open("rb") as fh:
            attachments.append({"filename": att.filename, "content_type": att.content_type,
                                "content_base64": base64.b64encode(fh.read()).decode("ascii")})
    return {
        "platform": row.account.platform, "account": row.account.account_id,
        "thread_id": row.thread_id, "handle": row.handle, "text": message.body_text,
        "attachments": attachments, "idempotency_key": row.external_id,
        "ticket": row.ticket.reference, "author": message.author_name,
        "created_at": message.created_at.isoformat(),
    }


def _post(row: SocialMessage) -> str:
    """POST the reply; "" on a 2xx answer, else what went wrong."""
    account = row.account
    if not account.active:
        return _("The social account %(name)s is inactive.") % {"name": account.name}
    if not account.outbound_url:
        return _("The social account %(name)s has no outbound webhook URL.") % {
            "name": account.name}
    secret = secret_from_env(account.outbound_secret_env)
    if not secret:
        return _("The outbound secret variable %(var)s is not set.") % {
            "var": account.outbound_secret_env or "-"}
    body = json.dumps(reply_payload(row), ensure_ascii=False).encode("utf-8")
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": "Latido",
               "Idempotency-Key": row.external_id, TIMESTAMP_HEADER: stamp,
               SIGNATURE_HEADER: sign(secret, stamp, body)}
    try:
        response = httpx.post(account.outbound_url, content=body, headers=headers,
                              timeout=TIMEOUT_SECONDS, follow_redirects=False)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return ""
    return _("The connector answered HTTP %(status)d: %(body)s") % {
        "status": response.status_code, "body": " ".join(response.text[:300].split())}


def _claimable(now: object) -> Q:
    return Q(state=State.PENDING) | Q(
        state=State.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS)


def social_reply_send(*, outbound_id: int) -> SocialMessage | None:
    """Send one pending (or failed and due) reply; a row claimed elsewhere is left alone."""
    claimed = SocialMessage.objects.filter(
        _claimable(timezone.now()), pk=outbound_id, direction=OUT
    ).update(state=State.SENDING)
    if not claimed:
        return SocialMessage.objects.filter(pk=outbound_id).first()
    row = SocialMessage.objects.select_related("account", "ticket", "ticket_message").get(
        pk=outbound_id)
    try:
        error = _post(row)
    except Exception as exc:  # noqa: BLE001 - e.g. an attachment file gone missing
        error = f"{type(exc).__name__}: {exc}"
    if error:
        _failed(row, error.replace("\x00", "")[:MAX_ERROR])
    else:
        SocialMessage.objects.filter(pk=row.pk).update(
            state=State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1,
            next_attempt_at=None, last_error="")
    row.refresh_from_db()
    return row


def _failed(row: SocialMessage, error: str) -> None:
    attempts = row.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    logger.warning("social reply %s failed (attempt %d): %s", row.pk, attempts, error)
    SocialMessage.objects.filter(pk=row.pk).update(
        state=State.FAILED, attempts=attempts, last_error=error,
        next_attempt_at=None if final else timezone.now() + backoff(attempts))
    if final:
        ticket_note(ticket=row.ticket, actor=None, body=_(
            "The %(platform)s reply to %(handle)s could not be delivered after %(n)d attempts: "
            "%(error)s") % {"platform": row.account.platform, "handle": row.handle,
                            "n": attempts, "error": error})


def due_for_retry() -> QuerySet[SocialMessage]:
    """Failed replies whose backoff has passed, and pending ones whose send job was lost."""
    now = timezone.now()
    return SocialMessage.objects.filter(
        Q(state=State.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS)
        | Q(state=State.PENDING, created_at__lt=now - QUEUED_STALE_AFTER),
        direction=OUT,
    ).order_by("next_attempt_at", "id")
