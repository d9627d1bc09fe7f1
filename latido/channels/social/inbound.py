"""The signed inbound webhook: a connector POSTs one social or messaging message as JSON.

The handle is a contact identity (kind social, the account's platform): the same handle
always reaches the same contact. The thread id keeps a conversation on one ticket; a thread
whose ticket is closed starts a new ticket linked to the old one. A redelivered message id is
answered as a duplicate and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from latido.channels.email.attachments import AttachmentFile
from latido.channels.signing import secret_from_env, verify
from latido.channels.social.models import SocialAccount, SocialMessage
from latido.channels.social.payload import Malformed, SocialPayload, parse_payload
from latido.core.errors import NotFound, ValidationError
from latido.customers.models import Contact, ContactIdentity
from latido.customers.selectors import contact_resolve
from latido.customers.services import contact_create
from latido.tickets.attachments import UploadLike
from latido.tickets.enums import Channel, LinkKind, Status
from latido.tickets.models import Message, Ticket
from latido.tickets.services import ticket_create, ticket_link, ticket_reply
from latido.tickets.services.create import MAX_SUBJECT

SUBJECT_CHARS = 80  # characters of the first line used as the subject of a new ticket
MAX_MERGE_HOPS = 10


@dataclass(frozen=True)
class InboundResult:
    message: SocialMessage
    duplicate: bool


def _account(account_id: int) -> tuple[SocialAccount, str]:
    account = SocialAccount.objects.filter(pk=account_id, active=True).first()
    secret = secret_from_env(account.inbound_secret_env) if account is not None else ""
    if account is None or not secret:
        raise NotFound(_("No such social account."))
    return account, secret


def _check_account(account: SocialAccount, payload: SocialPayload) -> None:
    if payload.platform != account.platform:
        raise Malformed(_("platform: this account is on %(platform)s.")
                        % {"platform": account.platform})
    if payload.account != account.account_id:
        raise Malformed(_("account: this webhook belongs to account %(account)s.")
                        % {"account": account.account_id})


def _existing(account: SocialAccount, message_id: str) -> SocialMessage | None:
    return SocialMessage.objects.filter(
        account=account, direction=SocialMessage.Direction.INBOUND, external_id=message_id
    ).first()


def social_receive(
    *, account_id: int, body: bytes, content_type: str, timestamp: str | None,
    signature: str | None,
) -> InboundResult:
    """Verify one delivery and turn it into a ticket or a reply; a redelivery is a duplicate."""
    account, secret = _account(account_id)
    verify(secret, timestamp, signature, body)
    payload = parse_payload(body, content_type)
    _check_account(account, payload)
    existing = _existing(account, payload.message_id)
    if existing is not None:
        return InboundResult(message=existing, duplicate=True)
    try:
        with transaction.atomic():
            row = _deliver(account, payload)
    except IntegrityError:  # the same message delivered concurrently
        existing = _existing(account, payload.message_id)
        if existing is None:
            raise
        return InboundResult(message=existing, duplicate=True)
    return InboundResult(message=row, duplicate=False)


def contact_for_handle(*, platform: str, handle: str, name: str = "") -> Contact:
    """The contact owning this handle on this platform, created on first contact."""
    kind = ContactIdentity.Kind.SOCIAL
    contact = contact_resolve(kind, handle, platform)
    if contact is not None:
        return contact
    try:
        return contact_create(name=name or handle, socials=[(platform, handle)])
    except ValidationError:  # created concurrently by another delivery
        contact = contact_resolve(kind, handle, platform)
        if contact is None:
            raise
        return contact


def thread_ticket(account: SocialAccount, thread_id: str) -> Ticket | None:
    """The ticket the thread was last on, following merges to the surviving ticket."""
    row = (SocialMessage.objects.filter(account=account, thread_id=thread_id)
           .select_related("ticket").order_by("-created_at", "-id").first())
    ticket = row.ticket if row is not None else None
    hops = 0
    while ticket is not None and ticket.merged_into_id and hops < MAX_MERGE_HOPS:
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
        hops += 1
    return ticket


def _subject(account: SocialAccount, payload: SocialPayload) -> str:
    first = next((line for line in payload.text.splitlines() if line.strip()), "")
    first = " ".join(first.split())
    if len(first) > SUBJECT_CHARS:
        first = first[:SUBJECT_CHARS - 1].rstrip() + "…"
    subject = first or _("Message from %(handle)s on %(platform)s") % {
        "handle": payload.handle, "platform": account.platform}
    return subject[:MAX_SUBJECT]


def _deliver(account: SocialAccount, payload: SocialPayload) -> SocialMessage:
    contact = contact_for_handle(platform=account.platform, handle=payload.handle,
                                 name=payload.display_name)
    files: list[UploadLike] = [AttachmentFile(a) for a in payload.attachments]
    body = payload.text or _("(attachments only)")
    previous = thread_ticket(account, payload.thread_id)
    message: Message | None
    if previous is not None and previous.status != Status.CLOSED:
        ticket = previous
        message = ticket_reply(ticket=ticket, actor=None, contact=contact, body=body,
                               channel=Channel.SOCIAL, attachments=files)
    else:
        ticket = ticket_create(
            actor=None, requester=contact, channel=Channel.SOCIAL, body=body,
            subject=_subject(account, payload), team=account.team, attachments=files,
        )
        message = ticket.messages.order_by("id").first()
        if previous is not None:
            ticket_link(ticket=ticket, actor=None, other=previous, kind=LinkKind.RELATED)
    return SocialMessage.objects.create(
        account=account, direction=SocialMessage.Direction.INBOUND,
        external_id=payload.message_id, thread_id=payload.thread_id, handle=payload.handle,
        ticket=ticket, ticket_message=message, payload=payload.stored(),
        state=SocialMessage.State.RECEIVED,
    )
