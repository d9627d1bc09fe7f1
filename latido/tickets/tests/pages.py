"""Helpers for the page tests: a signed-in client per cast member, a ticket's state."""

from __future__ import annotations

import re

from django.test import Client

from latido.tickets.models import Attachment, Message, Ticket, TicketEvent

# The permission-matrix cast, as named by the `world` fixture.
ACTORS = ["anonymous", "customer_a", "customer_b", "other_agent", "tier1", "lead",
          "collaborator", "admin"]
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def client_for(world, name: str, **kwargs) -> Client:
    client = Client(**kwargs)
    actor = None if name == "anonymous" else getattr(world, name)
    if actor is not None:
        client.force_login(actor)
    return client


def state(ticket: Ticket) -> tuple:
    """Everything a denied request must leave untouched."""
    t = Ticket.objects.get(pk=ticket.pk)
    return (
        t.version, t.status, t.priority, t.type, t.tier, t.queue_id, t.assignee_id,
        t.category_id, sorted(t.tags.values_list("name", flat=True)),
        Message.objects.filter(ticket=t).count(), TicketEvent.objects.filter(ticket=t).count(),
        Attachment.objects.count(), Ticket.objects.count(),
    )


def assert_csp_clean(html: str) -> None:
    """No inline scripts, styles or event handlers: the CSP would block them."""
    assert _INLINE_SCRIPT.findall(html) == []
    assert _INLINE_STYLE.findall(html) == []
