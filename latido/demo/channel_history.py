"""DEMO ONLY: the channel records behind the demo's phone, chat and social tickets.

A phone ticket's opening call is logged with the phone channel's own service (`call_log`:
the Call row, its CALL event and the caller's number as a phone identity); a chat ticket
gets its ChatSession and the chat milestones (started, accepted, ended or abandoned) with
the waited and duration seconds the live chat records; a social ticket arrives through the
social channel's inbound delivery (what the signed webhook calls once it has verified a
message), and the customer's later messages join it by thread id.

The services stamp their rows with the current time. Events and messages are moved to the
story's times by `History` (each call here happens before the story's next mark); the
channel rows' own timestamps (Call.created_at / counted_at, SocialMessage.created_at, a
social ticket's created_at) are set to the same moments here, right after they are written.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction

from latido.accounts.models import Team, User
from latido.channels.chat.models import ChatSession, ChatStatus, ChatWidget, hash_token
from latido.channels.chat.services import _event as chat_event
from latido.channels.chat.services import _follow_up_by_email
from latido.channels.models import EmailThreadRef
from latido.channels.phone.models import Call
from latido.channels.phone.services import CallDetails, call_log
from latido.channels.social.inbound import _deliver as social_deliver
from latido.channels.social.models import SocialAccount, SocialMessage
from latido.channels.social.payload import SocialPayload
from latido.customers.models import Contact, ContactIdentity
from latido.customers.services import contact_add_identity
from latido.demo.people import slug
from latido.tickets.enums import Channel, EventType
from latido.tickets.models import Message, Ticket
from latido.tickets.services import ticket_update

if TYPE_CHECKING:
    from latido.demo.stories import TicketPlan

# Mobile numbers by the customer's language: country code, leading digit, digits in all.
MOBILES = {"es": ("+34", "6", 9), "pl": ("+48", "5", 9), "en": ("+44", "7", 10)}
# (platform, account id, name) of the demo's social accounts, one per team.
SOCIAL_ACCOUNTS = {
    "payments": ("facebook", "latido.payments", "Latido Payments"),
    "devices": ("instagram", "latido.devices", "Latido Devices"),
}


@dataclass
class SocialThread:
    account: SocialAccount
    handle: str
    thread_id: str


@dataclass
class DemoChannels:
    """The demo's chat widget and social accounts, and what the build remembered so far."""

    widget: ChatWidget
    social: dict[str, SocialAccount]
    mobiles: dict[int, str] = field(default_factory=dict)  # contact id → their mobile
    handles: dict[tuple[int, str], str] = field(default_factory=dict)  # (contact, platform)
    threads: dict[int, SocialThread] = field(default_factory=dict)  # ticket id → its thread
    sessions: dict[int, ChatSession] = field(default_factory=dict)  # ticket id → live chat
    sent: int = 0  # social message ids handed out


def demo_channels(*, widget: ChatWidget, teams: dict[str, Team]) -> DemoChannels:
    """The social accounts (secrets are environment variable names, never values)."""
    social = {}
    for slug_, (platform, account_id, name) in SOCIAL_ACCOUNTS.items():
        account = SocialAccount(
            platform=platform, account_id=account_id, name=name, team=teams[slug_],
            inbound_secret_env=f"LATIDO_DEMO_{platform.upper()}_INBOUND_SECRET",
            outbound_secret_env=f"LATIDO_DEMO_{platform.upper()}_OUTBOUND_SECRET")
        account.full_clean()
        account.save()
        social[slug_] = account
    return DemoChannels(widget=widget, social=social)


def on_open(channels: DemoChannels, rng: random.Random, *, ticket: Ticket,
            agent: User | None, lang: str) -> None:
    """A new ticket's channel record: the call it was opened from, or the waiting chat."""
    if ticket.channel == Channel.PHONE and agent is not None:
        log_opening_call(channels, rng, ticket=ticket, agent=agent, lang=lang)
    elif ticket.channel == Channel.CHAT:
        chat_open(channels, ticket=ticket)


def reply_channel(channels: DemoChannels, ticket: Ticket) -> str:
    """Agents answer where the customer wrote; forms, calls and ended chats by email."""
    if ticket.channel in (Channel.PORTAL, Channel.SOCIAL) or chatting(channels, ticket):
        return str(ticket.channel)
    return Channel.EMAIL


# --- phone ------------------------------------------------------------------------------
def _mobile(rng: random.Random, n: int, lang: str) -> str:
    """A mobile number of the customer's country; the n-th caller's, so no two are equal."""
    code, lead, length = MOBILES.get(lang, MOBILES["en"])
    digits = f"{lead}{rng.randint(10, 99)}{n:0{length - 3}d}"
    return f"{code} {digits[:3]} {digits[3:6]} {digits[6:]}"


def _caller_number(channels: DemoChannels, rng: random.Random, contact: Contact,
                   lang: str) -> str:
    """Most callers ring from their mobile (remembered as an identity on the first call);
    the others from the number the contact already has."""
    mobile = channels.mobiles.get(contact.pk)
    if mobile is None:
        mobile = _mobile(rng, len(channels.mobiles) + 1, lang)
        channels.mobiles[contact.pk] = mobile
    if rng.random() < 0.7:
        return mobile
    known = (ContactIdentity.objects.filter(contact=contact, kind=ContactIdentity.Kind.PHONE)
             .order_by("id").values_list("value", flat=True).first())
    return known or mobile


def _log_call(ticket: Ticket, agent: User, details: CallDetails, *, when: datetime) -> Call:
    """`call_log`, with the row stamped `when` (the time its CALL event is marked at)."""
    call = call_log(actor=agent, ticket=ticket, details=details)
    Call.objects.filter(pk=call.pk).update(created_at=when, counted_at=when)
    call.created_at = call.counted_at = when
    return call


def log_opening_call(channels: DemoChannels, rng: random.Random, *, ticket: Ticket,
                     agent: User, lang: str) -> Call:
    """The inbound call the agent opened the ticket from; it starts when the ticket is made.

    Its CALL event is written now and moved to the ticket's creation by the story's mark.
    """
    number = _caller_number(channels, rng, ticket.requester, lang)
    outcome = rng.choices([Call.Outcome.CALLBACK, Call.Outcome.RESOLVED], weights=[7, 3])[0]
    details = CallDetails(direction=Call.Direction.INBOUND, number=number,
                          started_at=ticket.created_at, duration_seconds=rng.randint(60, 900),
                          outcome=outcome, caller_name=ticket.requester.name)
    # Logged with the ticket, so both carry the creation time.
    return _log_call(ticket, agent, details, when=ticket.created_at)


def maybe_call_back(channels: DemoChannels, rng: random.Random, *, ticket: Ticket,
                    agent: User, lang: str, at: datetime) -> Call | None:
    """One phone ticket in ten: the agent rings the customer back, the call ending at `at`
    (the story's next mark, the solve, moves its CALL event there)."""
    if ticket.channel != Channel.PHONE or rng.random() >= 0.1:
        return None
    number = _caller_number(channels, rng, ticket.requester, lang)
    outcome = rng.choices([Call.Outcome.RESOLVED, Call.Outcome.NO_ANSWER,
                           Call.Outcome.VOICEMAIL], weights=[6, 2, 2])[0]
    duration = rng.randint(60, 900) if outcome == Call.Outcome.RESOLVED else rng.randint(0, 45)
    started = at - timedelta(seconds=duration)
    return _log_call(ticket, agent, CallDetails(
        direction=Call.Direction.OUTBOUND, number=number, started_at=started,
        duration_seconds=duration, outcome=outcome), when=at)


# --- chat -------------------------------------------------------------------------------
def chatting(channels: DemoChannels, ticket: Ticket) -> bool:
    """The ticket's chat is on: an agent has accepted it and nobody has ended it yet."""
    session = channels.sessions.get(ticket.pk)
    return session is not None and session.status == ChatStatus.ACTIVE


def chat_open(channels: DemoChannels, *, ticket: Ticket) -> ChatSession:
    """A waiting chat for a ticket the visitor just opened (CHAT_STARTED at its creation)."""
    session = ChatSession.objects.create(
        widget=channels.widget, token_hash=hash_token(secrets.token_urlsafe(32)),
        contact=ticket.requester, ticket=ticket, status=ChatStatus.WAITING,
        started_at=ticket.created_at, last_seen_at=ticket.created_at)
    chat_event(session, EventType.CHAT_STARTED, actor=None)
    channels.sessions[ticket.pk] = session
    return session


def chat_accept(channels: DemoChannels, *, ticket: Ticket, agent: User,
                at: datetime) -> None:
    """The agent takes the chat at `at` (the caller assigns the ticket, as the chat does)."""
    session = channels.sessions[ticket.pk]
    session.status, session.agent, session.accepted_at = ChatStatus.ACTIVE, agent, at
    session.last_seen_at = at
    session.save(update_fields=["status", "agent", "accepted_at", "last_seen_at"])
    chat_event(session, EventType.CHAT_ACCEPTED, actor=agent, agent=agent.pk,
               waited_seconds=session.waited_seconds)


def _follow_up(session: ChatSession, at: datetime) -> None:
    """Later replies go to the visitor by email, threaded under the chat (from `at` on)."""
    _follow_up_by_email(session)
    EmailThreadRef.objects.filter(ticket_id=session.ticket_id).update(created_at=at)


def chat_end(channels: DemoChannels, *, ticket: Ticket, at: datetime) -> None:
    """The agent ends the chat at `at`; later replies go to the visitor by email."""
    session = channels.sessions.pop(ticket.pk)
    session.status, session.ended_at, session.last_seen_at = ChatStatus.ENDED, at, at
    session.save(update_fields=["status", "ended_at", "last_seen_at"])
    _follow_up(session, at)
    started = session.accepted_at or session.started_at
    chat_event(session, EventType.CHAT_ENDED, actor=session.agent,
               duration_seconds=max(0, int((at - started).total_seconds())))


def chat_abandon(channels: DemoChannels, *, ticket: Ticket, at: datetime) -> None:
    """Nobody came in time: the visitor's message stays on the ticket (left_message)."""
    session = channels.sessions.pop(ticket.pk)
    session.status, session.ended_at, session.last_seen_at = ChatStatus.ABANDONED, at, at
    session.left_message = True
    session.save(update_fields=["status", "ended_at", "last_seen_at", "left_message"])
    _follow_up(session, at)
    chat_event(session, EventType.CHAT_ABANDONED, actor=None,
               waited_seconds=session.waited_seconds, left_message=True)


# --- social -----------------------------------------------------------------------------
def _handle(channels: DemoChannels, contact: Contact, platform: str) -> str:
    """The customer's handle on the platform, added to the contact on first use."""
    key = (contact.pk, platform)
    handle = channels.handles.get(key)
    if handle is None:
        handle = f"{slug(contact.name, '_')}_{len(channels.handles) + 1}"  # unique
        contact_add_identity(contact=contact, kind=ContactIdentity.Kind.SOCIAL,
                             platform=platform, value=handle)
        channels.handles[key] = handle
    return handle


def _receive(channels: DemoChannels, thread: SocialThread, *, text: str, name: str,
             at: datetime) -> SocialMessage:
    """One inbound message through the social channel's delivery, stamped at `at`."""
    channels.sent += 1
    account = thread.account
    payload = SocialPayload(
        platform=account.platform, account=account.account_id, handle=thread.handle,
        message_id=f"demo-{account.platform}-{channels.sent}", thread_id=thread.thread_id,
        text=text, display_name=name, sent_at=at)
    with transaction.atomic():
        row = social_deliver(account, payload)
    SocialMessage.objects.filter(pk=row.pk).update(created_at=at)
    row.created_at = at
    return row


def social_open(channels: DemoChannels, plan: TicketPlan, *, subject: str, body: str,
                priority: int, type: str, tags: list[str]) -> Ticket:
    """A new conversation on the team's account becomes a ticket, which routing then sorts
    (category, priority, type, tags) as it does for the other channels' tickets."""
    contact, created_at = plan.customer.contact, plan.created_at
    account = channels.social[plan.team]
    thread = SocialThread(account=account, handle=_handle(channels, contact, account.platform),
                          thread_id=f"demo-thread-{channels.sent + 1}")
    row = _receive(channels, thread, text=f"{subject}\n{body}", name=contact.name,
                   at=created_at)
    ticket = row.ticket
    # DEMO ONLY: the delivery stamps the ticket now; it arrived at the plan's time.
    Ticket.objects.filter(pk=ticket.pk).update(created_at=created_at, updated_at=created_at)
    ticket.created_at = ticket.updated_at = created_at
    channels.threads[ticket.pk] = thread
    ticket_update(ticket=ticket, actor=None, expected_version=None, priority=priority,
                  type=type, category=plan.category, tags=tags)
    return ticket


def social_follow_up(channels: DemoChannels, *, ticket: Ticket, body: str,
                     at: datetime) -> Ticket:
    """The customer writes again in the same thread: it joins the ticket (returned fresh)."""
    row = _receive(channels, channels.threads[ticket.pk], text=body,
                   name=ticket.requester.name, at=at)
    return row.ticket


def agent_replied(channels: DemoChannels, *, ticket: Ticket, message: Message,
                  at: datetime) -> None:
    """DEMO ONLY: an agent's reply on a social ticket reached the customer when it was
    written. Its outgoing record is stored as sent, so the event pipeline that runs after the
    demo loads finds it and sends nothing (the demo accounts have no connector)."""
    thread = channels.threads.get(ticket.pk)
    if thread is None or ticket.channel != Channel.SOCIAL:
        return
    SocialMessage.objects.create(
        account=thread.account, direction=SocialMessage.Direction.OUTBOUND,
        external_id=str(message.pk), thread_id=thread.thread_id, handle=thread.handle,
        ticket=ticket, ticket_message=message, state=SocialMessage.State.SENT, attempts=1,
        sent_at=at, created_at=at, payload={"ticket": ticket.reference})
