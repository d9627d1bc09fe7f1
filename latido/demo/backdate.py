"""DEMO ONLY: spread the demo's history over the past by rewriting timestamps afterwards.

The demo writes every ticket through the ticket services, which stamp messages and events
with the current time. To give reports 90 days of history, each story step is "marked" with
the moment it is meant to have happened; `History.apply` then rewrites the created_at of the
messages and events that step wrote, and the tickets' updated_at / solved_at, in bulk.

This bypasses TicketEvent's append-only guard on purpose (plain SQL). Nothing but the demo
loader may do this: real events are never edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from latido.tickets.models import Message, Ticket, TicketEvent


@dataclass
class TicketTimes:
    updated_at: datetime
    solved_at: datetime | None


def _max_ids() -> tuple[int, int]:
    events = TicketEvent._meta.db_table
    messages = Message._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {events}), (SELECT MAX(id) FROM {messages})"  # noqa: S608
        )
        row = cursor.fetchone()
    return int(row[0] or 0), int(row[1] or 0)


class History:
    """Maps the rows each story step wrote to the time the step is meant to have happened."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.start_event, self.start_message = _max_ids()
        self.event_bounds: list[int] = []
        self.message_bounds: list[int] = []
        self.times: list[datetime] = []
        self.tickets: dict[int, TicketTimes] = {}

    def mark(self, when: datetime) -> None:
        """Everything written since the previous mark happened at `when`."""
        event_max, message_max = _max_ids()
        self.event_bounds.append(event_max)
        self.message_bounds.append(message_max)
        self.times.append(when)

    def ticket(self, ticket_id: int, *, updated_at: datetime, solved_at: datetime | None) -> None:
        self.tickets[ticket_id] = TicketTimes(updated_at=updated_at, solved_at=solved_at)

    def apply(self) -> None:
        """Rewrite the marked rows' timestamps (a few bulk statements), then start anew."""
        ops = connection.ops
        event_ranges = self._ranges(self.start_event, self.event_bounds)
        message_ranges = self._ranges(self.start_message, self.message_bounds)
        tickets = [(ops.adapt_datetimefield_value(times.updated_at),
                    ops.adapt_datetimefield_value(times.solved_at), pk)
                   for pk, times in self.tickets.items()]
        q = ops.quote_name
        with connection.cursor() as cursor:
            for model, ranges in ((TicketEvent, event_ranges), (Message, message_ranges)):
                if ranges:
                    cursor.executemany(
                        f"UPDATE {q(model._meta.db_table)} SET created_at = %s "  # noqa: S608
                        "WHERE id > %s AND id <= %s", ranges)
            if tickets:
                cursor.executemany(
                    f"UPDATE {q(Ticket._meta.db_table)} SET updated_at = %s, "  # noqa: S608
                    "solved_at = %s WHERE id = %s", tickets)
        self._reset()

    def _ranges(self, start: int, bounds: list[int]) -> list[tuple[str | None, int, int]]:
        """(time, after id, up to id) for every mark that wrote rows."""
        ranges: list[tuple[str | None, int, int]] = []
        low = start
        for high, when in zip(bounds, self.times, strict=True):
            if high > low:
                ranges.append((connection.ops.adapt_datetimefield_value(when), low, high))
            low = max(low, high)
        return ranges
