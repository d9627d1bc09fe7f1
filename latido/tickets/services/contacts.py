"""Contact writes that touch tickets or depend on ticket visibility: merge, identities.

Who may merge (one rule, documented in the README):
- coordinators and administrators (see every ticket), and team leads and managers, may
  merge any two contacts they can open;
- tier 1, tier 2 and engineers may merge only when they can see every ticket of both
  contacts: a merge rewrites those tickets' requester, and nobody changes tickets they
  cannot see;
- collaborators and customers never merge (403).
A contact the actor cannot open (see `contact_selectors`) is a 404 before any 403.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.core import pipeline
from latido.core.errors import PermissionDenied
from latido.customers.merge import check_mergeable, contact_absorb, lock_contacts
from latido.customers.models import Contact, ContactIdentity, ContactMerge
from latido.customers.services import (
    IdentityTaken,
    contact_add_identity,
    contact_remove_identity,
)
from latido.tickets.contact_selectors import contact_get_for_agent
from latido.tickets.enums import EventType
from latido.tickets.models import Ticket
from latido.tickets.selectors import visible_tickets
from latido.tickets.services.common import add_event, save_ticket


def _require_edit(actor: User) -> None:
    if not actor.can(Perm.CONTACT_EDIT):
        raise PermissionDenied(_("You are not allowed to change customer records."))


def may_merge_any(actor: User) -> bool:
    """Coordinators, administrators, team leads and managers."""
    return actor.can(Perm.SEE_ALL) or actor.can(Perm.SEE_LED_TEAMS)


def _require_all_tickets_visible(actor: User, contact: Contact) -> None:
    if may_merge_any(actor):
        return
    hidden = Ticket.objects.filter(requester=contact).exclude(
        pk__in=visible_tickets(actor=actor).filter(requester=contact).values("pk"))
    if hidden.exists():
        raise PermissionDenied(
            _("%(name)s has tickets you cannot see, so you cannot merge this contact. "
              "Ask a team lead or a coordinator.") % {"name": contact.name},
            code="hidden_tickets",
        )


def contact_merge(*, actor: User, source: Contact, target: Contact) -> ContactMerge:
    """Merge `source` into `target`: tickets, identities, login and references follow.

    One transaction; both contact rows are locked in id order, then the source's tickets
    in id order. Each moved ticket gets a REQUESTER event (published after commit) and a
    new version; a ContactMerge row records who merged what. The source is deleted.
    """
    _require_edit(actor)
    contact_get_for_agent(actor=actor, contact_id=target.pk)
    if source.pk != target.pk and Contact.objects.filter(pk=source.pk).exists():
        contact_get_for_agent(actor=actor, contact_id=source.pk)
    with transaction.atomic():
        src, dst = lock_contacts(source_id=source.pk, target_id=target.pk)
        for contact in (src, dst):
            _require_all_tickets_visible(actor, contact)
        check_mergeable(source=src, target=dst)
        tickets = list(Ticket.objects.select_for_update().filter(requester=src).order_by("pk"))
        events = []
        for ticket in tickets:
            ticket.requester = dst
            save_ticket(ticket, ["requester"])
            events.append(add_event(ticket, EventType.REQUESTER, actor=actor, data={
                "from": src.pk, "to": dst.pk, "from_name": src.name, "to_name": dst.name,
                "reason": "contact_merge",
            }))
        record = contact_absorb(source=src, target=dst, actor=actor,
                                ticket_ids=[t.pk for t in tickets])
        pipeline.publish([e.pk for e in events])
    return record


def contact_identity_add(*, actor: User, contact: Contact, kind: str, value: str,
                         platform: str = "") -> ContactIdentity:
    """An agent adds an email, phone or handle to a contact they can open; a clash names
    the contact that holds it, so the agent can merge the two."""
    _require_edit(actor)
    contact_get_for_agent(actor=actor, contact_id=contact.pk)
    try:
        return contact_add_identity(contact=contact, kind=kind, value=value, platform=platform)
    except IdentityTaken as err:
        raise err.named() from err


def contact_identity_remove(*, actor: User, contact: Contact, identity_id: int) -> None:
    """An agent removes one identity; the last email of a portal user stays."""
    _require_edit(actor)
    contact_get_for_agent(actor=actor, contact_id=contact.pk)
    contact_remove_identity(contact=contact, identity_id=identity_id)
