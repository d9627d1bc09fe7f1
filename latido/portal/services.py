"""Writes the customer portal needs, composed from the other apps' services."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core.errors import PermissionDenied
from latido.customers.services import contact_for_user
from latido.tickets.attachments import UploadLike
from latido.tickets.enums import Channel
from latido.tickets.models import Ticket
from latido.tickets.services import ticket_create


def portal_request_create(
    *, actor: User, subject: str, description: str, attachments: list[UploadLike] | None = None,
) -> Ticket:
    """A customer's own request; their contact record is made on first use, all or nothing."""
    if not actor.can(Perm.PORTAL):
        raise PermissionDenied(_("Only customers can open requests in the portal."))
    with transaction.atomic():
        contact = contact_for_user(user=actor)
        return ticket_create(
            actor=actor, requester=contact, subject=subject, body=description,
            channel=Channel.PORTAL, attachments=attachments,
        )
