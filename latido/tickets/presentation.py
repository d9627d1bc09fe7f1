"""Turns timeline entries into what a page shows: messages, and events as readable sentences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from latido.accounts.roles import Tier
from latido.tickets.enums import Channel, EventType, LinkKind, Priority, Status, TicketType
from latido.tickets.models import REFERENCE_PREFIX, Message, TicketEvent
from latido.tickets.page_selectors import TimelineNames, timeline_names
from latido.tickets.selectors import TimelineEntry


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # "message" or "event"
    at: datetime
    message: Message | None = None
    text: str = ""
    css: str = ""
    is_handoff: bool = False


def _label(choices: type[models.Choices], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value) if value not in (None, "") else _("none")


def _ref(pk: Any) -> str:
    return f"{REFERENCE_PREFIX}-{pk}"


def _duration(seconds: Any) -> str:
    """`75` → "1 min 15 s"; anything that is not a number of seconds → "unknown duration"."""
    if not isinstance(seconds, int | float) or seconds < 0:
        return _("unknown duration")
    minutes, secs = divmod(int(seconds), 60)
    if minutes == 0:
        return _("%(s)d s") % {"s": secs}
    return _("%(m)d min %(s)d s") % {"m": minutes, "s": secs}


def _direction(value: Any) -> str:
    return {"inbound": _("inbound"), "outbound": _("outbound")}.get(value, _("unknown"))


def _describe(event: TicketEvent, names: TimelineNames, actor: str) -> str:
    data: dict[str, Any] = event.data or {}

    def user(key: str) -> str:
        value = data.get(key)
        return names.users.get(value, _("someone")) if isinstance(value, int) else _("nobody")

    def category(key: str) -> str:
        value = data.get(key)
        return names.categories.get(value, _("none")) if isinstance(value, int) else _("none")

    def pair(choices: type[models.Choices]) -> dict[str, str]:
        return {"actor": actor, "from": _label(choices, data.get("from")),
                "to": _label(choices, data.get("to"))}

    describers: dict[str, Callable[[], str]] = {
        EventType.CREATED: lambda: _("%(actor)s opened the ticket via %(channel)s.") % {
            "actor": actor, "channel": _label(Channel, data.get("channel"))},
        EventType.STATUS: lambda: _("%(actor)s changed the status from %(from)s to %(to)s.")
        % pair(Status),
        EventType.PRIORITY: lambda: _(
            "%(actor)s changed the priority from %(from)s to %(to)s.") % pair(Priority),
        EventType.TYPE: lambda: _("%(actor)s changed the type from %(from)s to %(to)s.")
        % pair(TicketType),
        EventType.CATEGORY: lambda: _(
            "%(actor)s changed the category from %(from)s to %(to)s.") % {
            "actor": actor, "from": category("from"), "to": category("to")},
        EventType.SUBJECT: lambda: _("%(actor)s renamed the ticket to “%(to)s”.") % {
            "actor": actor, "to": data.get("to", "")},
        EventType.TAGS: lambda: _("%(actor)s set the tags to: %(tags)s.") % {
            "actor": actor, "tags": ", ".join(data.get("to") or []) or _("none")},
        EventType.FIELD: lambda: _("%(actor)s changed %(field)s from %(from)s to %(to)s.") % {
            "actor": actor, "field": data.get("field", "?"),
            "from": data.get("from") if data.get("from") is not None else _("empty"),
            "to": data.get("to") if data.get("to") is not None else _("empty")},
        EventType.ASSIGNED: lambda: (
            _("%(actor)s assigned the ticket to %(to)s.") % {"actor": actor, "to": user("to")}
            if data.get("to") else
            _("%(actor)s unassigned %(from)s.") % {"actor": actor, "from": user("from")}),
        EventType.TEAM: lambda: _("%(actor)s moved the ticket to another team.") % {
            "actor": actor},
        EventType.ESCALATED: lambda: _(
            "%(actor)s escalated from %(from)s to %(to)s. Reason: %(reason)s") % {
            "actor": actor, "from": _label(Tier, data.get("from_tier")),
            "to": _label(Tier, data.get("to_tier")), "reason": data.get("reason") or "—"},
        EventType.DEESCALATED: lambda: _(
            "%(actor)s sent the ticket back from %(from)s to %(to)s.") % {
            "actor": actor, "from": _label(Tier, data.get("from_tier")),
            "to": _label(Tier, data.get("to_tier"))},
        EventType.MERGED: lambda: _("%(actor)s merged this ticket into %(ref)s.") % {
            "actor": actor, "ref": _ref(data.get("into"))},
        EventType.MERGED_FROM: lambda: _("%(actor)s merged %(ref)s into this ticket.") % {
            "actor": actor, "ref": _ref(data.get("from"))},
        EventType.LINKED: lambda: _("%(actor)s linked %(ref)s (%(kind)s).") % {
            "actor": actor, "ref": _ref(data.get("to")),
            "kind": _label(LinkKind, data.get("kind"))},
        EventType.FOLLOWER: lambda: _("%(actor)s added %(user)s as a follower.") % {
            "actor": actor, "user": user("user")},
        EventType.INVITED: lambda: _("%(actor)s invited %(user)s to collaborate.") % {
            "actor": actor, "user": user("user")},
        EventType.REQUESTER: lambda: _(
            "%(actor)s changed the requester from %(from)s to %(to)s.") % {
            "actor": actor, "from": data.get("from_name") or _("someone"),
            "to": data.get("to_name") or _("someone")},
        EventType.CALL: lambda: _(
            "%(actor)s logged a %(direction)s call (%(duration)s, %(outcome)s).") % {
            "actor": actor, "direction": _direction(data.get("direction")),
            "duration": _duration(data.get("duration_seconds")),
            # The label is stored in English; shown in the reader's language.
            "outcome": _(data["outcome_label"]) if data.get("outcome_label")
            else data.get("outcome") or _("no outcome")},
        EventType.CALL_MISSED: lambda: _("Missed %(direction)s call from %(number)s.") % {
            "direction": _direction(data.get("direction")),
            "number": data.get("number") or _("an unknown number")},
        EventType.CHAT_STARTED: lambda: (
            _("%(actor)s started a chat.") % {"actor": actor} if event.actor_id
            else _("The visitor started a chat.")),
        EventType.CHAT_ACCEPTED: lambda: _(
            "%(user)s accepted the chat after %(waited)s of waiting.") % {
            "user": user("agent"), "waited": _duration(data.get("waited_seconds"))},
        EventType.CHAT_ENDED: lambda: _("The chat ended after %(duration)s.") % {
            "duration": _duration(data.get("duration_seconds"))},
        EventType.CHAT_ABANDONED: lambda: _(
            "The visitor left the chat after waiting %(waited)s.") % {
            "waited": _duration(data.get("waited_seconds"))},
    }
    describer = describers.get(event.type)
    if describer is None:
        return _("%(actor)s changed the ticket (%(type)s).") % {"actor": actor, "type": event.type}
    return describer()


def present_timeline(entries: list[TimelineEntry]) -> list[TimelineItem]:
    """Readable items for the timeline; hand-off notes of escalations are marked."""
    events = [e.event for e in entries if e.event is not None]
    names = timeline_names(events)
    handoff_ids = {
        e.message_id for e in events
        if e.type in (EventType.ESCALATED, EventType.DEESCALATED) and e.message_id
    }
    items: list[TimelineItem] = []
    for entry in entries:
        if entry.message is not None:
            items.append(TimelineItem(
                kind="message", at=entry.at, message=entry.message,
                is_handoff=entry.message.pk in handoff_ids,
            ))
        elif entry.event is not None:
            event = entry.event
            actor = event.actor.name if event.actor is not None else _("Latido")
            items.append(TimelineItem(
                kind="event", at=entry.at, text=_describe(event, names, actor),
                css=str(event.type),
            ))
    return items
