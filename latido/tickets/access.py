"""Who may see which ticket: one rule, used by every selector and service."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm, Role
from latido.accounts.selectors import team_ids_for
from latido.core.errors import NotFound, PermissionDenied
from latido.customers.models import Contact
from latido.tickets.models import Ticket


def ticket_visibility_q(actor: User | AnonymousUser | None) -> Q | None:
    """A filter for the tickets the actor may see; None means none at all."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    assert isinstance(actor, User)
    if actor.can(Perm.SEE_ALL):
        return Q()
    if actor.role == Role.CUSTOMER:
        contact = Contact.objects.select_related("organization").filter(user=actor).first()
        if contact is None:
            return None
        q = Q(requester_id=contact.pk)
        if contact.organization is not None and contact.organization.shares_tickets:
            q |= Q(organization_id=contact.organization_id)
        return q
    if actor.role == Role.COLLABORATOR:
        return Q(collaborators=actor)
    if actor.is_agent:
        teams = team_ids_for(user=actor)
        return Q(team_id__in=teams) | Q(assignee=actor)
    return None


def can_see_internal(actor: User | AnonymousUser | None) -> bool:
    """Customers never see internal notes or internal events."""
    return bool(actor and actor.is_authenticated and not getattr(actor, "is_customer", True))


def require_visible(actor: User | None, ticket_id: int) -> None:
    """Raise NotFound unless the actor may see the ticket (system actor None sees all)."""
    if actor is None:
        return
    q = ticket_visibility_q(actor)
    if q is None or not Ticket.objects.filter(q, pk=ticket_id).exists():
        raise NotFound(_("Ticket not found."))


def require_perm(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.can(perm):
        raise PermissionDenied(_("You are not allowed to do this."))
