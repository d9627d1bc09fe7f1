"""Agent pages: the queue page, the ticket page and its actions, attachment downloads."""

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
    "queue_page",
    "ticket_assign_view",
    "ticket_deescalate_view",
    "ticket_escalate_view",
    "ticket_note_view",
    "ticket_page",
    "ticket_reply_view",
    "ticket_update_view",
]
