from __future__ import annotations

import pytest
from django.test import override_settings

from latido.accounts.models import Queue
from latido.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_pipeline_runs_configured_handlers_after_commit(
    world, django_capture_on_commit_callbacks
):
    Queue.objects.filter(team=world.team, tier=1).update(auto_assign=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = ticket_create(actor=world.customer_a, requester=world.contact_a,
                               subject="Before commit", body="b", channel="portal")
    ticket.refresh_from_db()
    assert ticket.assignee is None  # nothing runs before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    ticket.refresh_from_db()
    assert ticket.assignee == world.tier1
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=world.customer_a, requester=world.contact_a,
                               subject="Auto", body="assign me", channel="portal")
    ticket.refresh_from_db()
    assert ticket.assignee == world.tier1  # the only Tier 1 agent of the team
    assert ticket.events.filter(type="assigned", actor__isnull=True).count() == 1


@override_settings(LATIDO_EVENT_PIPELINE=[])
def test_without_handlers_nothing_is_assigned(world):
    Queue.objects.filter(team=world.team, tier=1).update(auto_assign=True)
    ticket = ticket_create(actor=world.customer_a, requester=world.contact_a, subject="Manual",
                           body="leave me", channel="portal")
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_auto_assign_prefers_the_least_loaded_agent_with_capacity(
    world, django_capture_on_commit_callbacks
):
    from conftest import make_user
    from latido.accounts.services import team_add_member

    second = make_user("second@latido.test", "tier1")
    team_add_member(team=world.team, user=second)
    Queue.objects.filter(team=world.team, tier=1).update(auto_assign=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = ticket_create(actor=world.customer_a, requester=world.contact_a, subject="One",
                              body="b", channel="portal")
    with django_capture_on_commit_callbacks(execute=True):
        other = ticket_create(actor=world.customer_a, requester=world.contact_a, subject="Two",
                              body="b", channel="portal")
    first.refresh_from_db()
    other.refresh_from_db()
    assert {first.assignee, other.assignee} == {world.tier1, second}
    world.tier1.ticket_capacity = 0
    world.tier1.save()
    second.ticket_capacity = 0
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        third = ticket_create(actor=world.customer_a, requester=world.contact_a,
                              subject="Three", body="b", channel="portal")
    third.refresh_from_db()
    assert third.assignee is None
