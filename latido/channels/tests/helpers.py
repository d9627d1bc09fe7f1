"""Small builders for email intake tests."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

from latido.channels.email.ingest import email_process, email_receive
from latido.channels.models import Mailbox, RawEmail


def make_mail(
    *, sender: str = "ana@customer.test", to: str = "help@latido.test", subject: str = "Hello",
    body: str = "My card was charged twice.", message_id: str | None = None,
    in_reply_to: str | None = None, headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="customer.test")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, content, mime in attachments or []:
        maintype, subtype = mime.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(policy=SMTP)  # CRLF, exactly as it travels over SMTP


def deliver(mailbox: Mailbox, raw: bytes) -> RawEmail:
    """Receive and process (tests inside a transaction never see on-commit tasks run)."""
    row = email_receive(mailbox=mailbox, raw=raw)
    return email_process(raw_email_id=row.pk)
