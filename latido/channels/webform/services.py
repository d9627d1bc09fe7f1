"""A web form submission becomes a ticket: limits checked, requester resolved, all or nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from latido.channels.webform.models import WebForm, WebFormSubmission
from latido.channels.webform.spam import FormToken, identity_hash
from latido.core.errors import DomainError, NotFound, ValidationError
from latido.customers.models import ContactIdentity
from latido.customers.services import contact_get_or_create_by_email, normalize_identity
from latido.tickets.attachments import UploadLike
from latido.tickets.enums import Channel
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_create

RATE_WINDOW = timedelta(hours=1)
SUBJECT_FROM_MESSAGE = 80


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Submission:
    name: str
    email: str
    subject: str
    message: str
    attachments: list[UploadLike] = field(default_factory=list)


@dataclass(frozen=True)
class Visitor:
    ip: str
    origin: str = ""
    page_url: str = ""


def _plain(value: str) -> str:
    """One line of text: control characters and runs of whitespace collapsed."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value or "").split())


def _subject(submission: Submission) -> str:
    subject = _plain(submission.subject)
    if subject:
        return subject
    first = _plain(next((ln for ln in submission.message.splitlines() if ln.strip()), ""))
    if len(first) > SUBJECT_FROM_MESSAGE:
        first = first[: SUBJECT_FROM_MESSAGE - 1].rstrip() + "…"
    return first


def _retry_after(form: WebForm, lookup: dict[str, str], limit: int, now: datetime) -> int | None:
    """Seconds until one more submission fits the sliding one-hour window, or None if it fits."""
    recent = WebFormSubmission.objects.filter(form=form, created_at__gt=now - RATE_WINDOW,
                                              **lookup)
    count = recent.count()
    if count < limit:
        return None
    # The window frees a slot when the (count - limit + 1)-th oldest submission ages out.
    oldest = recent.order_by("created_at").values_list("created_at", flat=True)[count - limit]
    return max(1, math.ceil((oldest + RATE_WINDOW - now).total_seconds()))


def _rate_limited(message: str, seconds: int) -> RateLimited:
    minutes = max(1, math.ceil(seconds / 60))
    wait = ngettext("Please try again in %(n)d minute.", "Please try again in %(n)d minutes.",
                    minutes) % {"n": minutes}
    return RateLimited(f"{message} {wait}", retry_after=seconds)


def _check_rate_limits(form: WebForm, *, ip_hash: str, email_hash: str, now: datetime) -> None:
    seconds = _retry_after(form, {"ip_hash": ip_hash}, form.per_ip_hourly_limit, now)
    if seconds is not None:
        raise _rate_limited(_("Too many messages were sent from your network."), seconds)
    seconds = _retry_after(form, {"email_hash": email_hash}, form.per_email_hourly_limit, now)
    if seconds is not None:
        raise _rate_limited(_("Too many messages were sent for this email address."), seconds)


def _check_attachments(form: WebForm, files: list[UploadLike]) -> None:
    if files and form.attachment_limit == 0:
        raise ValidationError(_("This form does not accept attachments."),
                              code="attachments_off")
    if len(files) > form.attachment_limit:
        raise ValidationError(ngettext(
            "At most %(n)d attachment per message.", "At most %(n)d attachments per message.",
            form.attachment_limit) % {"n": form.attachment_limit},
            code="too_many_attachments")


def webform_submit(
    *, form: WebForm, submission: Submission, token: FormToken, visitor: Visitor,
) -> Ticket:
    """Open a ticket (channel web) for the submission's sender; nothing is stored on refusal.

    The form's row is locked while the limits are counted, so two web nodes cannot both let
    the last allowed submission of the hour through.
    """
    if not form.active:
        raise NotFound(_("This contact form does not exist or is switched off."))
    files = list(submission.attachments)
    _check_attachments(form, files)
    try:
        email = normalize_identity(ContactIdentity.Kind.EMAIL, submission.email)
    except ValidationError as err:
        raise ValidationError(_("Enter a valid email address."), code="email_invalid") from err
    subject = _subject(submission)
    ip_hash, email_hash = identity_hash("ip", visitor.ip), identity_hash("email", email)
    now = timezone.now()
    with transaction.atomic():
        WebForm.objects.select_for_update().only("pk").get(pk=form.pk)
        if WebFormSubmission.objects.filter(form=form, nonce=token.nonce).exists():
            raise ValidationError(
                _("This form was already sent. Reload the page to send another message."),
                code="token_used",
            )
        _check_rate_limits(form, ip_hash=ip_hash, email_hash=email_hash, now=now)
        requester = contact_get_or_create_by_email(email=email, name=_plain(submission.name))
        ticket = ticket_create(
            actor=None, requester=requester, subject=subject, body=submission.message,
            channel=Channel.WEB, category=form.category, team=form.team, attachments=files,
        )
        WebFormSubmission.objects.create(
            form=form, ticket=ticket, ip_hash=ip_hash, email_hash=email_hash,
            nonce=token.nonce, origin=visitor.origin[:200], page_url=visitor.page_url[:500],
            created_at=now,
        )
    return ticket
