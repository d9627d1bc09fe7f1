"""Agent pages: the queue, the ticket page and its actions, attachments, contacts."""

from latido.tickets.views.contacts import (
    contact_identity_add_view,
    contact_identity_remove_view,
    contact_merge_view,
    contact_page,
    contacts_page,
)
from latido.tickets.views.queue import queue_page
from latido.tickets.views.ticket import (
    attachment_download,
    ticket_assign_view,
    ticket_deescalate_view,
    ticket_escalate_view,
    ticket_note_view,
    ticket_page,
    ticket_reply_view,
    ticket_update_view,
)

__all__ = [
    "attachment_download",
    "contact_identity_add_view",
    "contact_identity_remove_view",
    "contact_merge_view",
    "contact_page",
    "contacts_page",
    "queue_page",
    "ticket_assign_view",
    "ticket_deescalate_view",
    "ticket_escalate_view",
    "ticket_note_view",
    "ticket_page",
    "ticket_reply_view",
    "ticket_update_view",
]
