"""Reads of the live chat: the agent's waiting queue, their chats, transcripts."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.accounts.selectors import team_ids_for
from latido.channels.chat.models import ChatSession, ChatStatus
from latido.tickets.models import Message


def chat_visible_q(agent: User) -> Q | None:
    """Chats an agent may see and take: those of widgets of their teams (all for SEE_ALL)."""
    if not agent.is_active or not agent.is_agent or not agent.can(Perm.TICKET_WORK):
        return None
    if agent.can(Perm.SEE_ALL):
        return Q()
    return Q(widget__team_id__in=team_ids_for(user=agent)) | Q(agent=agent)


def waiting_chats_for(*, agent: User) -> QuerySet[ChatSession]:
    """The waiting queue the agent sees, longest waiting first."""
    q = chat_visible_q(agent)
    if q is None:
        return ChatSession.objects.none()
    return (ChatSession.objects.filter(q, status=ChatStatus.WAITING)
            .select_related("contact", "widget", "ticket")
            .prefetch_related("contact__identities").order_by("started_at", "id"))


def active_chats_for(*, agent: User) -> QuerySet[ChatSession]:
    return (ChatSession.objects.filter(agent=agent, status=ChatStatus.ACTIVE)
            .select_related("contact", "widget", "ticket")
            .prefetch_related("contact__identities").order_by("accepted_at", "id"))


def chat_for_agent(*, agent: User, chat_id: int) -> ChatSession | None:
    q = chat_visible_q(agent)
    if q is None:
        return None
    return (ChatSession.objects.select_related("ticket", "contact", "agent", "widget")
            .filter(q, pk=chat_id).first())


def line_of(message: Message) -> dict[str, Any]:
    """One transcript line as the widget and the console show it (plain text only)."""
    from_visitor = message.author_id is None and message.author_contact_id is not None
    return {
        "id": message.pk,
        "who": "visitor" if from_visitor else "agent",
        "name": message.author_name,
        "text": message.body_text,
        "at": message.created_at.isoformat(),
    }


def transcript(*, session: ChatSession, skip: set[int] | None = None) -> list[dict[str, Any]]:
    """The public conversation of the chat's ticket, oldest first (notes never included).

    `skip`: ids of lines the caller already has; only the others are loaded.
    """
    public = Message.objects.filter(ticket_id=session.ticket_id, is_public=True)
    if skip:
        new_ids = set(public.values_list("pk", flat=True)) - skip
        if not new_ids:
            return []
        public = public.filter(pk__in=new_ids)
    messages = public.select_related("author", "author_contact").order_by("created_at", "id")
    return [line_of(m) for m in messages]


def summary_of(session: ChatSession) -> dict[str, Any]:
    now = timezone.now()
    return {
        "id": session.pk,
        "name": session.contact.name,
        "email": session.contact.primary_email or "",
        "ticket_id": session.ticket_id,
        "ticket_ref": session.ticket.reference,
        "ticket_url": reverse("tickets:ticket", args=[session.ticket.reference]),
        "subject": session.ticket.subject,
        "widget": session.widget.name,
        "waited_seconds": max(0, int((now - session.started_at).total_seconds())),
    }


def console_snapshot(*, agent: User) -> dict[str, Any]:
    """What the agent console shows: the waiting queue and the agent's own chats."""
    active = list(active_chats_for(agent=agent))
    return {
        "type": "snapshot",
        "capacity": agent.chat_capacity,
        "waiting": [summary_of(s) for s in waiting_chats_for(agent=agent)[:100]],
        "active": [{**summary_of(s), "lines": transcript(session=s)} for s in active],
    }
