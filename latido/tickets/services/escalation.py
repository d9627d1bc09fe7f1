from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from latido.accounts.models import Queue, User
from latido.accounts.roles import Perm, Tier
from latido.core import pipeline
from latido.core.errors import PermissionDenied, ValidationError
from latido.tickets.access import require_visible
from latido.tickets.enums import Channel, EventType, Status
from latido.tickets.models import Ticket
from latido.tickets.services.common import add_event, add_message, lock_ticket, save_ticket
from latido.tickets.services.update import apply_status

MIN_HANDOFF = 10


def _move_tier(
    *, ticket: Ticket, actor: User | None, to_tier: int, note: str, reason: str,
    expected_version: int | None, upward: bool,
) -> Ticket:
    require_visible(actor, ticket.pk)
    if actor is not None and not actor.can(Perm.TICKET_ESCALATE):
        raise PermissionDenied(_("You are not allowed to escalate tickets."))
    if to_tier not in Tier.values:
        raise ValidationError(_("Unknown tier."), code="bad_tier")
    if len((note or "").strip()) < MIN_HANDOFF:
        raise ValidationError(
            _("A hand-off note of at least %(n)d characters is required: what was tried, "
              "what is known, what the customer expects.") % {"n": MIN_HANDOFF},
            code="handoff_required",
        )
    if upward and not (reason or "").strip():
        raise ValidationError(_("A reason for the escalation is required."),
                              code="reason_required")
    with transaction.atomic():
        t = lock_ticket(actor=actor, ticket_id=ticket.pk, expected_version=expected_version)
        if t.status in (Status.SOLVED, Status.CLOSED):
            raise ValidationError(_("Reopen the ticket before moving it to another tier."),
                                  code="ticket_solved")
        if upward and to_tier <= t.tier:
            raise ValidationError(_("Escalation must go to a higher tier."), code="bad_tier")
        if not upward and to_tier >= t.tier:
            raise ValidationError(_("De-escalation must go to a lower tier."), code="bad_tier")
        from_tier, previous_assignee = t.tier, t.assignee_id
        note_msg = add_message(t, actor=actor, contact=None, body=note, is_html=False,
                               is_public=False, channel=Channel.AGENT, uploads=[])
        etype = EventType.ESCALATED if upward else EventType.DEESCALATED
        events = [add_event(t, etype, actor=actor, message=note_msg, data={
            "from_tier": from_tier, "to_tier": to_tier, "reason": (reason or "").strip(),
            "previous_assignee": previous_assignee,
        })]
        t.tier = to_tier
        t.queue = (
            Queue.objects.filter(team_id=t.team_id, tier=to_tier).first() if t.team_id else None
        )
        changed = ["tier", "queue", "assignee"]
        if previous_assignee is not None:
            events.append(add_event(t, EventType.ASSIGNED, actor=actor, data={
                "from": previous_assignee, "to": None, "reassignment": False}))
        t.assignee = None
        if t.status == Status.NEW:
            events.append(apply_status(t, actor=actor, status=Status.OPEN))
            changed += ["status", "solved_at"]
        save_ticket(t, changed)
        # The agent who handed over keeps following the case they started.
        if actor is not None and upward:
            t.followers.add(actor)
        pipeline.publish([e.pk for e in events])
    return t


def ticket_escalate(
    *, ticket: Ticket, actor: User | None, to_tier: int, handoff_note: str, reason: str,
    expected_version: int | None = None,
) -> Ticket:
    """Pass the ticket to a higher tier's queue with a required hand-off note and reason."""
    return _move_tier(ticket=ticket, actor=actor, to_tier=to_tier, note=handoff_note,
                      reason=reason, expected_version=expected_version, upward=True)


def ticket_deescalate(
    *, ticket: Ticket, actor: User | None, to_tier: int, note: str, reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Send the ticket back to a lower tier with a note on what is left to do."""
    return _move_tier(ticket=ticket, actor=actor, to_tier=to_tier, note=note, reason=reason,
                      expected_version=expected_version, upward=False)
