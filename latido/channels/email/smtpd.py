"""The SMTP endpoint (aiosmtpd): accept mail for active mailboxes, 250 only once it is stored.

The handler answers 550 for an unknown recipient and 250 after ``email_receive`` has committed
the raw bytes; any failure before that answers 451, so the sending server retries and nothing
is lost. Messages larger than the size limit are refused by aiosmtpd with 552.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.db import close_old_connections

from latido.channels.email.ingest import email_receive, mailbox_for_address
from latido.channels.models import Mailbox

logger = logging.getLogger(__name__)

DEFAULT_SIZE_LIMIT = 40 * 1024 * 1024


def _mailbox_id(address: str, only: str | None) -> int | None:
    close_old_connections()
    try:
        if only and address.strip().lower() != only.strip().lower():
            return None
        mailbox = mailbox_for_address(address)
        return mailbox.pk if mailbox else None
    finally:
        close_old_connections()  # honours CONN_MAX_AGE: kept open or closed at once


def _store(mailbox_ids: list[int], raw: bytes) -> list[int]:
    close_old_connections()
    try:
        return [
            email_receive(mailbox=mailbox, raw=raw).pk
            for mailbox in Mailbox.objects.filter(pk__in=sorted(set(mailbox_ids)))
        ]
    finally:
        close_old_connections()


class IntakeHandler:
    """aiosmtpd handler: RCPT checks the mailbox, DATA stores the bytes."""

    def __init__(self, only_address: str | None = None) -> None:
        self.only_address = only_address

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            mailbox_id = await sync_to_async(_mailbox_id)(address, self.only_address)
        except Exception:
            logger.exception("mailbox lookup failed for %s", address)
            return "451 4.3.0 Temporary failure, please try again later"
        if mailbox_id is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        envelope.mailbox_ids = [*getattr(envelope, "mailbox_ids", []), mailbox_id]
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            await sync_to_async(_store)(list(getattr(envelope, "mailbox_ids", [])), raw)
        except Exception:
            logger.exception("storing an inbound message failed")
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 Message accepted"


def make_controller(
    *, host: str = "127.0.0.1", port: int = 2525, only_address: str | None = None,
    size_limit: int = DEFAULT_SIZE_LIMIT,
) -> Controller:
    """An aiosmtpd controller (``start()`` runs it in a thread, ``stop()`` ends it)."""
    return Controller(
        IntakeHandler(only_address), hostname=host, port=port, data_size_limit=size_limit,
    )
