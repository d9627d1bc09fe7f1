"""A deterministic batch of realistic customer emails for the reliability tests and the bench.

Several dozen customers (names in several scripts, three languages), plain text and HTML
alternatives, replies that thread onto an earlier message of the same customer with
In-Reply-To/References and quoted history, and a share with small attachments (PDF, PNG,
CSV). Every message has its own Message-ID; bytes use CRLF line ends as they travel over SMTP.
"""

from __future__ import annotations

import imaplib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

MAILBOX_ADDRESS = "help@latido.test"
DOMAINS = ("customer.test", "example.es", "firma.pl", "mail.test")
FIRST = ("Ana", "José", "Łukasz", "Zofia", "Mary", "Ömer", "Chloé", "Piotr", "Lucía", "Ken",
         "Agnieszka", "Søren")
LAST = ("García", "Kowalski", "Smith", "Núñez", "Wiśniewska", "O'Brien", "Müller", "Nowak")
SUBJECTS = (
    "My card was charged twice", "Cannot sign in since yesterday", "Invoice {n} is wrong",
    "Pedido {n} no ha llegado", "¿Puedo cambiar la dirección de envío?",
    "Zamówienie {n} — brak paczki", "Prośba o fakturę korygującą", "Refund for order {n}",
    "App crashes when I upload a photo", "Pregunta sobre la garantía",
)
BODIES = (
    "Hello,\n\nI was charged twice for order {n}. Could you refund one of the payments?\n\n"
    "Thanks,\n{name}",
    "Hola:\n\nEl pedido {n} sigue sin llegar y el seguimiento no se actualiza desde hace "
    "una semana. ¿Me pueden ayudar?\n\nSaludos,\n{name}",
    "Dzień dobry,\n\nproszę o wystawienie faktury korygującej do zamówienia {n}. "
    "Dane firmy w załączniku.\n\nPozdrawiam\n{name}",
    "Hi team,\n\nsince the last update the app closes as soon as I pick a photo. "
    "Phone: Pixel 7, Android 14.\n\n-- \n{name}\nSent from my phone",
)
REPLIES = (
    "Thanks, that worked. One more question: can I get the invoice as PDF?",
    "Sigue sin funcionar, he probado lo que me dijeron.",
    "Dziękuję, ale paczka nadal nie dotarła.",
    "I attached the screenshot you asked for.",
)
ATTACHMENTS = (
    ("factura.pdf", "application/pdf"),
    ("screenshot.png", "image/png"),
    ("pedidos.csv", "text/csv"),
)
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@dataclass(frozen=True)
class GeneratedMail:
    index: int
    message_id: str  # without angle brackets
    sender: str
    raw: bytes
    parent: int | None  # index of the message this one replies to
    attachments: int


def _people(rng: random.Random, count: int, prefix: str) -> list[tuple[str, str]]:
    people: list[tuple[str, str]] = []
    for i in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        domain = DOMAINS[i % len(DOMAINS)]
        people.append((name, f"{prefix}{i:03d}@{domain}"))
    return people


def _attachment(rng: random.Random, index: int) -> tuple[str, bytes, str]:
    filename, mime = ATTACHMENTS[index % len(ATTACHMENTS)]
    size = rng.randint(2_000, 12_000)
    if mime == "image/png":
        content = PNG_HEADER + rng.randbytes(size)
    elif mime == "application/pdf":
        content = b"%PDF-1.4\n" + rng.randbytes(size) + b"\n%%EOF\n"
    else:
        content = "\r\n".join(f"{n};pedido {n};{n * 3} €" for n in range(size // 30)).encode()
    return filename, content, mime


def generate(count: int, *, seed: int = 7, customers: int = 120, tag: str = "batch",
             mailbox: str = MAILBOX_ADDRESS, sender_prefix: str = "customer",
             ) -> list[GeneratedMail]:
    """``count`` distinct messages; about a third are replies, about one in eight attach.

    Each customer writes at most ``count / customers`` + a few messages, so the intake's
    per-sender loop limit is not what the tests measure. ``tag`` makes the Message-IDs (and
    so the bytes) of different batches distinct; ``sender_prefix`` their senders (batches
    sent within minutes of each other to one database would otherwise add up in the limit).
    """
    rng = random.Random(seed)
    people = _people(rng, customers, sender_prefix)
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    out: list[GeneratedMail] = []
    by_sender: dict[str, list[int]] = {}
    texts: list[tuple[str, str]] = []  # (subject without "Re: ", text) of each message
    for i in range(count):
        name, address = people[i % customers]
        earlier = by_sender.get(address, [])
        parent = rng.choice(earlier) if earlier and rng.random() < 0.4 else None
        msg = EmailMessage()
        msg["From"] = Address(name, addr_spec=address)
        msg["To"] = Address("Help", addr_spec=mailbox)
        message_id = f"{tag}.{i}.{seed}@{address.split('@')[1]}"
        msg["Message-ID"] = f"<{message_id}>"
        msg["Date"] = format_datetime(start + timedelta(minutes=7 * i))
        n = 10_000 + i
        if parent is None:
            subject = rng.choice(SUBJECTS).format(n=n)
            msg["Subject"] = subject
            text = rng.choice(BODIES).format(n=n, name=name)
        else:
            original = out[parent]
            subject = texts[parent][0]
            msg["Subject"] = "Re: " + subject
            msg["In-Reply-To"] = f"<{original.message_id}>"
            msg["References"] = f"<{original.message_id}>"
            quoted = "\n".join("> " + line for line in texts[parent][1].splitlines())
            text = f"{rng.choice(REPLIES)}\n\n{name}\n\nOn Mon, {address} wrote:\n{quoted}\n"
        msg.set_content(text)
        if rng.random() < 0.3:
            html = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
            msg.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
        attachments = 0
        if rng.random() < 0.12:
            for k in range(rng.choice((1, 1, 2))):
                filename, content, mime = _attachment(rng, i + k)
                maintype, subtype = mime.split("/")
                msg.add_attachment(content, maintype=maintype, subtype=subtype,
                                   filename=filename)
                attachments += 1
        raw = msg.as_bytes(policy=SMTP)
        out.append(GeneratedMail(index=i, message_id=message_id, sender=address, raw=raw,
                                 parent=parent, attachments=attachments))
        by_sender.setdefault(address, []).append(i)
        texts.append((subject, text))
    return out


def imap_append(port: int, raws: Iterable[bytes], *, user: str, password: str) -> None:
    """Append messages to the INBOX of an IMAP server on loopback (new UIDs, unseen)."""
    client = imaplib.IMAP4("127.0.0.1", port, timeout=60)
    try:
        client.login(user, password)
        for raw in raws:
            status, data = client.append("INBOX", None, None, raw)
            if status != "OK":
                raise RuntimeError(f"IMAP APPEND failed: {data!r}")
    finally:
        client.logout()
