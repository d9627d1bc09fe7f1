"""The one shape every channel produces for an inbound message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise


@dataclass(frozen=True)
class Address:
    """One mailbox: a lower-cased address and the decoded display name ("" when none)."""

    address: str
    name: str = ""


@dataclass
class InboundAttachment:
    """A file that came with a message. ``filename`` is already made safe for storage."""

    filename: str
    content_type: str
    content: bytes
    content_id: str = ""  # without angle brackets; "" when the part has none
    is_inline: bool = False  # an image referenced from the HTML body (cid:)

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class InboundMessage:
    """A parsed inbound message.

    ``text``/``html`` are the full bodies (``html`` sanitised); ``visible_text``/``visible_html``
    have quoted history and the signature removed, for display only. Message ids are stored
    without angle brackets. ``defects`` are human-readable (lazily translated) notes about
    whatever had to be repaired or guessed; a message with no sender address is unusable
    (``is_usable`` is False) and belongs in the quarantine.
    """

    channel: str
    sender_address: str = ""
    sender_name: str = ""
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    reply_to: list[Address] = field(default_factory=list)
    subject: str = ""
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""
    visible_text: str = ""
    visible_html: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    auto_reply_reason: str = ""
    is_bounce: bool = False
    is_list_mail: bool = False
    defects: list[str | Promise] = field(default_factory=list)

    @property
    def is_usable(self) -> bool:
        """False when the message cannot become a ticket (no sender): quarantine it."""
        return bool(self.sender_address)

    @property
    def should_not_answer(self) -> bool:
        """Auto-replies, bounces and list mail never get an automatic answer."""
        return self.is_auto_reply or self.is_bounce or self.is_list_mail

    def add_defect(self, defect: str | Promise) -> None:
        if defect not in self.defects:
            self.defects.append(defect)
