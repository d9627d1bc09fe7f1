"""Writes of the live chat: start, accept, post, end, abandon, leave a message.

Every chat line is a public message of the chat's ticket (through the ticket services), so
the transcript is the ticket's timeline; the chat's milestones are ticket events
(CHAT_STARTED, CHAT_ACCEPTED, CHAT_ENDED, CHAT_ABANDONED) that reports count.
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from latido.accounts.models import User
from latido.accounts.roles import Perm
from latido.channels.chat.models import (
    ChatSession,
    ChatStatus,
    ChatWidget,
    hash_ip,
    hash_token,
)
from latido.channels.chat.selectors import chat_visible_q
from latido.channels.models import EmailThreadRef
from latido.core import pipeline
from latido.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from latido.customers.services import contact_get_or_create_by_email
from latido.tickets.enums import Channel, EventType
from latido.tickets.models import Message
from latido.tickets.services import ticket_assign, ticket_create, ticket_reply
from latido.tickets.services.common import add_event

MAX_LINE = 4000
MAX_NAME = 120
SUBJECT_EXCERPT = 60
# At most this many chats started from one address in the window (bots, loops).
CHATS_PER_IP = 10
CHATS_PER_IP_WINDOW = timedelta(minutes=10)
# A waiting visitor unseen this long is gone (the page refreshes last_seen_at every 20 s).
VISITOR_GONE_AFTER = timedelta(seconds=90)
# An accepted chat whose visitor has been gone this long is ended.
ACTIVE_GONE_AFTER = timedelta(minutes=30)


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429


def _clean_line(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The message is empty."), code="body_required")
    if len(body) > MAX_LINE:
        raise ValidationError(_("The message is longer than %(n)d characters.") % {
            "n": MAX_LINE}, code="body_too_long")
    return body


def _require_chat_agent(agent: User) -> None:
    if not agent.is_active or not agent.is_agent or not agent.can(Perm.TICKET_WORK):
        raise PermissionDenied(_("Only agents can take chats."))


def _event(session: ChatSession, type_: EventType, *, actor: User | None, **data: object) -> None:
    event = add_event(session.ticket, type_, actor=actor, data={"chat_id": session.pk, **data})
    pipeline.publish([event.pk])


def chat_start(*, widget: ChatWidget, origin: str | None, name: str, email: str,
               message: str, ip: str | None = None) -> tuple[ChatSession, str]:
    """Open a chat from the pre-chat form: contact, ticket (channel chat) and a waiting chat.

    Returns the chat and the visitor's secret token (only its hash is stored).
    """
    if not widget.active:
        raise NotFound(_("This chat is not available."))
    if not widget.allows_origin(origin):
        raise PermissionDenied(_("This site may not use this chat."), code="bad_origin")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Please tell us your name."), code="name_required")
    if len(name) > MAX_NAME:
        raise ValidationError(_("The name is too long."), code="name_too_long")
    if not (email or "").strip():
        raise ValidationError(_("Please tell us your email address."), code="email_required")
    body = _clean_line(message)
    excerpt = " ".join(body.split())
    if len(excerpt) > SUBJECT_EXCERPT:
        excerpt = excerpt[:SUBJECT_EXCERPT - 1].rstrip() + "…"
    ip_hash = hash_ip(ip)
    if ip_hash and ChatSession.objects.filter(
            visitor_ip_hash=ip_hash, started_at__gte=timezone.now() - CHATS_PER_IP_WINDOW,
    ).count() >= CHATS_PER_IP:
        raise RateLimited(_("Too many chats from your network. Please try again later."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        contact = contact_get_or_create_by_email(email=email, name=name)
        ticket = ticket_create(
            actor=None, requester=contact, subject=_("Chat: %(excerpt)s") % {"excerpt": excerpt},
            body=body, channel=Channel.CHAT, team=widget.team,
        )
        session = ChatSession.objects.create(
            widget=widget, token_hash=hash_token(token), contact=contact, ticket=ticket,
            status=ChatStatus.WAITING, started_at=ticket.created_at, visitor_ip_hash=ip_hash,
        )
        _event(session, EventType.CHAT_STARTED, actor=None)
    return session, token


def chat_for_visitor(*, widget: ChatWidget, token: str) -> ChatSession:
    """The visitor's own chat on this widget; any other token is a NotFound."""
    session = (ChatSession.objects.select_related("widget", "ticket", "contact", "agent")
               .filter(widget=widget, token_hash=hash_token(token or "")).first())
    if session is None:
        raise NotFound(_("This chat does not exist."))
    return session


def _locked(session_id: int) -> ChatSession:
    session = (ChatSession.objects.select_for_update().select_related("ticket", "widget")
               .filter(pk=session_id).first())
    if session is None:
        raise NotFound(_("This chat does not exist."))
    return session


def chat_accept(*, chat_id: int, agent: User) -> ChatSession:
    """The agent takes a waiting chat, within their chat capacity; the first one wins."""
    _require_chat_agent(agent)
    with transaction.atomic():
        # One agent's accepts queue up behind this lock, so two tabs cannot both pass the
        # capacity check; the conditional UPDATE below settles races between agents.
        me = User.objects.select_for_update().get(pk=agent.pk)
        q = chat_visible_q(agent)
        session = (ChatSession.objects.select_related("ticket", "widget")
                   .filter(q, pk=chat_id).first() if q is not None else None)
        if session is None:
            raise NotFound(_("This chat does not exist."))
        if session.status != ChatStatus.WAITING:
            raise Conflict(_("This chat was already taken or has ended."), code="chat_taken")
        active = ChatSession.objects.filter(agent=me, status=ChatStatus.ACTIVE).count()
        if active >= me.chat_capacity:
            raise Conflict(_("You already have %(n)d chats, your chat capacity.") % {
                "n": active}, code="chat_capacity")
        now = timezone.now()
        taken = ChatSession.objects.filter(pk=chat_id, status=ChatStatus.WAITING).update(
            status=ChatStatus.ACTIVE, agent=me, accepted_at=now)
        if not taken:
            raise Conflict(_("This chat was already taken or has ended."), code="chat_taken")
        session.status, session.agent, session.accepted_at = ChatStatus.ACTIVE, me, now
        _event(session, EventType.CHAT_ACCEPTED, actor=me, agent=me.pk,
               waited_seconds=session.waited_seconds)
        # The agent owns the ticket too (an agent who may not be assigned here still chats).
        with contextlib.suppress(DomainError):
            ticket_assign(ticket=session.ticket, actor=me, assignee=me)
    return session


def chat_post(*, session: ChatSession, body: str, agent: User | None = None) -> Message:
    """One chat line: the visitor's (agent None) or the accepting agent's public message."""
    body = _clean_line(body)
    if agent is None:
        if session.status not in (ChatStatus.WAITING, ChatStatus.ACTIVE):
            raise ValidationError(_("This chat has ended."), code="chat_ended")
        return ticket_reply(ticket=session.ticket, actor=None, body=body, channel=Channel.CHAT,
                            contact=session.contact)
    if session.agent_id != agent.pk:
        raise PermissionDenied(_("This chat belongs to another agent."))
    if session.status != ChatStatus.ACTIVE:
        raise ValidationError(_("This chat has ended."), code="chat_ended")
    return ticket_reply(ticket=session.ticket, actor=agent, body=body, channel=Channel.CHAT)


def _follow_up_by_email(session: ChatSession) -> None:
    """Once the chat is over, agents' later replies on the ticket go to the visitor by email.

    The email channel mails replies of tickets that have an email thread; the chat's
    transcript becomes the root of that thread (a Message-ID of ours, never received).
    """
    first = session.ticket.messages.order_by("id").first()
    domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2].strip(">") or "latido.localhost"
    EmailThreadRef.objects.get_or_create(
        ticket=session.ticket, message_id=f"<latido.chat.{session.pk}@{domain}>",
        defaults={"ticket_message": first, "direction": EmailThreadRef.Direction.OUTBOUND})


def chat_end(*, session: ChatSession, agent: User | None = None) -> ChatSession:
    """End an active chat (the agent's or the visitor's click); a waiting one is abandoned."""
    if agent is not None and session.agent_id != agent.pk:
        raise PermissionDenied(_("This chat belongs to another agent."))
    with transaction.atomic():
        locked = _locked(session.pk)
        if locked.status == ChatStatus.WAITING and agent is None:
            return chat_abandon(session=locked)
        if locked.status != ChatStatus.ACTIVE:
            return locked
        now = timezone.now()
        locked.status, locked.ended_at = ChatStatus.ENDED, now
        locked.save(update_fields=["status", "ended_at"])
        _follow_up_by_email(locked)
        started = locked.accepted_at or locked.started_at
        _event(locked, EventType.CHAT_ENDED, actor=agent,
               duration_seconds=max(0, int((now - started).total_seconds())))
    return locked


def chat_abandon(*, session: ChatSession, left_message: bool = False) -> ChatSession:
    """A visitor gave up waiting (closed the page, or left a message instead)."""
    with transaction.atomic():
        locked = _locked(session.pk)
        if locked.status != ChatStatus.WAITING:
            return locked
        locked.status, locked.ended_at = ChatStatus.ABANDONED, timezone.now()
        locked.left_message = left_message
        locked.save(update_fields=["status", "ended_at", "left_message"])
        _event(locked, EventType.CHAT_ABANDONED, actor=None,
               waited_seconds=locked.waited_seconds, left_message=left_message)
    return locked


def chat_leave_message(*, session: ChatSession, body: str) -> ChatSession:
    """No agent came: the visitor's message stays on the (open) ticket for agents to answer."""
    body = _clean_line(body)
    with transaction.atomic():
        locked = _locked(session.pk)
        if locked.status != ChatStatus.WAITING:
            raise ValidationError(_("This chat is no longer waiting."), code="chat_not_waiting")
        ticket_reply(ticket=locked.ticket, actor=None, body=body, channel=Channel.CHAT,
                     contact=session.contact)
        _follow_up_by_email(locked)
        return chat_abandon(session=locked, left_message=True)


def chat_seen(*, session: ChatSession) -> None:
    """The visitor's page is still connected."""
    ChatSession.objects.filter(
        pk=session.pk, status__in=(ChatStatus.WAITING, ChatStatus.ACTIVE),
    ).update(last_seen_at=timezone.now())


def chat_sweep_stale(*, now: datetime | None = None) -> list[ChatSession]:
    """Close chats whose visitor is gone without the socket saying goodbye.

    A waiting one is abandoned after VISITOR_GONE_AFTER; an accepted one ends after
    ACTIVE_GONE_AFTER (it would otherwise hold a place of the agent's chat capacity).
    """
    now = now or timezone.now()
    waiting = ChatSession.objects.filter(status=ChatStatus.WAITING,
                                         last_seen_at__lt=now - VISITOR_GONE_AFTER)
    active = ChatSession.objects.filter(status=ChatStatus.ACTIVE,
                                        last_seen_at__lt=now - ACTIVE_GONE_AFTER)
    return ([chat_abandon(session=s) for s in waiting.order_by("id")[:100]]
            + [chat_end(session=s) for s in active.order_by("id")[:100]])
