"""The words of automatic mail: per-mailbox, per-language templates with translated defaults.

A template is plain text with placeholders ``{reference}``, ``{subject}``, ``{name}`` and,
for the reply wrapper, ``{body}``. Only these names are replaced (a regular expression, not
``str.format``, so a template can never reach attributes or fail on a stray brace). A
template left empty by the administrator falls back to the translated default of the
requester's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from latido.channels.models import Mailbox, MailTemplate
from latido.core.sanitize import text_to_html
from latido.customers.models import Contact
from latido.tickets.models import Ticket

PLACEHOLDERS = ("reference", "subject", "name", "body")
ALLOWED: dict[str, tuple[str, ...]] = {
    MailTemplate.Kind.ACKNOWLEDGEMENT: ("reference", "subject", "name"),
    MailTemplate.Kind.REPLY: PLACEHOLDERS,
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Defaults; translated when a mail is rendered, in the requester's language.
ACK_SUBJECT = gettext_noop("[{reference}] We received your request: {subject}")
ACK_BODY = gettext_noop(
    "Hello {name},\n\n"
    "thank you for writing to us. We opened ticket {reference} for your request "
    "\"{subject}\" and will answer as soon as we can.\n\n"
    "To add something, reply to this email and keep {reference} in the subject.\n\n"
    "This message was sent automatically."
)
REPLY_BODY = gettext_noop(
    "Hello {name},\n\n"
    "{body}\n\n"
    "--\n"
    "Ticket {reference}: {subject}\n"
    "Reply to this email to answer; please keep {reference} in the subject."
)
_DEFAULTS = {
    MailTemplate.Kind.ACKNOWLEDGEMENT: (ACK_SUBJECT, ACK_BODY),
    MailTemplate.Kind.REPLY: ("", REPLY_BODY),
}


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    text: str
    html: str


def unknown_placeholders(text: str, kind: str) -> list[str]:
    """Placeholders in an administrator's template that would not be replaced."""
    allowed = ALLOWED.get(kind, PLACEHOLDERS)
    return sorted({name for name in _PLACEHOLDER.findall(text or "") if name not in allowed})


def fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def language_for(contact: Contact | None, mailbox: Mailbox | None) -> str:
    """The contact's language when Latido speaks it, else the mailbox's, else the site's."""
    supported = {code for code, _label in settings.LANGUAGES}
    for candidate in ((contact.language if contact else ""),
                      (mailbox.default_language if mailbox else "")):
        code = (candidate or "").strip().lower().replace("_", "-").split("-")[0]
        if code in supported:
            return code
    return str(settings.LANGUAGE_CODE)


def _template(mailbox: Mailbox | None, kind: str, language: str) -> tuple[str, str]:
    default_subject, default_body = _DEFAULTS[MailTemplate.Kind(kind)]
    custom = (MailTemplate.objects.filter(mailbox=mailbox, kind=kind, language=language).first()
              if mailbox is not None else None)
    subject = (custom.subject.strip() if custom else "") or (
        _(default_subject) if default_subject else "")
    body = (custom.body if custom and custom.body.strip() else "") or _(default_body)
    return subject, body


def _values(ticket: Ticket, contact: Contact | None) -> dict[str, str]:
    name = " ".join(((contact.name if contact else "") or "").split())
    return {"reference": ticket.reference, "subject": " ".join(ticket.subject.split()),
            "name": name or _("there")}


def with_reference(subject: str, reference: str) -> str:
    """The subject with the ticket reference in it, so the customer's answer threads."""
    subject = " ".join(subject.split())
    if reference.lower() not in subject.lower():
        subject = f"{subject} [{reference}]"
    return subject[:300]


def render_acknowledgement(*, ticket: Ticket, mailbox: Mailbox | None) -> Rendered:
    language = language_for(ticket.requester, mailbox)
    with translation.override(language):
        subject, body = _template(mailbox, MailTemplate.Kind.ACKNOWLEDGEMENT, language)
        values = _values(ticket, ticket.requester)
        text = fill(body, values).strip()
        return Rendered(language=language,
                        subject=with_reference(fill(subject, values), ticket.reference),
                        text=text, html=text_to_html(text))


def render_reply(*, ticket: Ticket, mailbox: Mailbox | None, body_text: str,
                 body_html: str) -> Rendered:
    """The agent's reply inside the greeting and footer of the requester's language."""
    language = language_for(ticket.requester, mailbox)
    with translation.override(language):
        _subject, template = _template(mailbox, MailTemplate.Kind.REPLY, language)
        values = {**_values(ticket, ticket.requester), "body": ""}
        if "{body}" not in template:
            template = template.rstrip() + "\n\n{body}"
        before, _sep, after = template.partition("{body}")
        text = (fill(before, values) + body_text.strip() + fill(after, values)).strip()
        html = (text_to_html(fill(before, values)) + body_html
                + text_to_html(fill(after, values)))
        return Rendered(language=language, subject="", text=text, html=html)
