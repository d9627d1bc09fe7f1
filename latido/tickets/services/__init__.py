"""Every write to a ticket goes through these services; each appends its TicketEvents."""

from latido.tickets.services.contacts import (
    contact_identity_add,
    contact_identity_remove,
    contact_merge,
)
from latido.tickets.services.create import ticket_create
from latido.tickets.services.escalation import ticket_deescalate, ticket_escalate
from latido.tickets.services.links import ticket_invite, ticket_link, ticket_merge
from latido.tickets.services.messages import ticket_note, ticket_reply
from latido.tickets.services.update import ticket_assign, ticket_update

__all__ = [
    "contact_identity_add",
    "contact_identity_remove",
    "contact_merge",
    "ticket_assign",
    "ticket_create",
    "ticket_deescalate",
    "ticket_escalate",
    "ticket_invite",
    "ticket_link",
    "ticket_merge",
    "ticket_note",
    "ticket_reply",
    "ticket_update",
]
