from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max

from latido.accounts.models import Team, User
from latido.customers.models import Contact, Organization
from latido.demo.build import build_demo
from latido.demo.content_devices import DEVICES
from latido.demo.content_payments import PAYMENTS
from latido.demo.people import ORGANIZATIONS
from latido.tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SMALL = {"tickets": 60, "customers": 20, "organizations": 4, "days": 30, "seed": 3, "now": NOW}
AGENT_ROLES = ("tier1", "tier2", "engineer", "lead")


def test_small_demo_builds_the_department():
    result = build_demo(**SMALL)

    assert (result.created, result.tickets, result.customers, result.organizations,
            result.staff) == (True, 60, 20, 4, 22)
    roles = dict(User.objects.values_list("role").annotate(n=Count("id")))
    assert roles == {"tier1": 8, "tier2": 4, "engineer": 3, "lead": 2, "manager": 1,
                     "coordinator": 1, "admin": 1, "collaborator": 2, "customer": 16}
    teams = {t.name: t for t in Team.objects.all()}
    assert sorted(teams) == ["Devices", "Payments"]
    assert teams["Payments"].lead.email == "lucia.romero@latido.example"
    assert teams["Devices"].lead.email == "oliver.grant@latido.example"
    for team in teams.values():
        assert list(team.managers.values_list("email", flat=True)) == [
            "rachel.adler@latido.example"]
        assert team.queues.count() == 3
    assert teams["Payments"].members.count() == 8  # lead, 4 tier 1, 2 tier 2, 1 engineer
    assert teams["Devices"].members.count() == 9
    assert (Contact.objects.count(), Organization.objects.count(), Ticket.objects.count()) == (
        20, 4, 60)
    assert Organization.objects.filter(shares_tickets=True).count() == 1


def test_one_sign_in_per_role_with_the_demo_password():
    result = build_demo(**SMALL)

    assert [label for label, _email in result.sign_ins] == [
        "Customer", "Tier 1 agent", "Tier 2 specialist", "Technical support engineer",
        "Team lead", "Support manager", "Coordinator", "Administrator",
        "Collaborator (other department)"]
    for _label, email in result.sign_ins:
        assert User.objects.get(email=email).check_password("latido-demo"), email
    customer = User.objects.get(email=result.sign_ins[0][1])
    assert customer.contact.organization.shares_tickets is True


def test_history_is_spread_over_the_period_in_a_sane_order():
    build_demo(**SMALL)

    assert TicketEvent.objects.filter(created_at__gt=NOW).count() == 0
    assert Message.objects.filter(created_at__gt=NOW).count() == 0
    assert Ticket.objects.filter(created_at__lt=NOW - timedelta(days=30)).count() == 0
    assert TicketEvent.objects.filter(created_at__lt=F("ticket__created_at")).count() == 0
    assert Ticket.objects.annotate(last=Max("events__created_at")).filter(
        updated_at__lt=F("last")).count() == 0
    assert TicketEvent.objects.filter(type="created").count() == 60
    types = set(TicketEvent.objects.values_list("type", flat=True))
    # Calls, chats and the triage of social tickets are there too (see test_demo_channels).
    assert types == {"created", "assigned", "status", "reply", "note", "escalated", "invited",
                     "priority", "category", "tags", "type", "call", "chat_started",
                     "chat_accepted", "chat_ended"}
    for ticket in Ticket.objects.prefetch_related("events"):
        events = sorted(ticket.events.all(), key=lambda e: e.pk)
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        replied, last_solve = False, None
        for event in events:
            if event.type == "reply" and event.actor_role in AGENT_ROLES:
                replied = True
            if event.type == "status" and event.data["to"] == "solved":
                assert replied, f"{ticket.reference} solved before any agent reply"
                last_solve = event.created_at
        if ticket.status in ("solved", "closed"):
            assert ticket.solved_at == last_solve


def test_escalations_carry_a_handoff_note_and_a_reason():
    build_demo(**SMALL)

    escalations = TicketEvent.objects.filter(type="escalated").select_related("message")
    assert escalations.count() == Ticket.objects.filter(
        events__type="escalated").distinct().count() + escalations.filter(
        data__to_tier=3).count()
    for event in escalations:
        assert event.message.is_public is False
        assert len(event.message.body_text) >= 10
        assert event.data["reason"] != ""
        assert event.actor_role in ("tier1", "tier2")


def _subject_patterns(lang: str) -> list[re.Pattern[str]]:
    templates = [subject for content in [*PAYMENTS, *DEVICES]
                 for subject, _body in content.requests[lang]]
    return [re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(t)) + "$") for t in templates]


def test_customers_write_in_their_organizations_language():
    build_demo(**SMALL)

    org_language = {name: lang for lang, names in ORGANIZATIONS.items() for name in names}
    patterns = {lang: _subject_patterns(lang) for lang in ORGANIZATIONS}
    seen = set()
    for ticket in Ticket.objects.select_related("organization"):
        lang = org_language[ticket.organization.name]
        seen.add(lang)
        assert any(p.match(ticket.subject) for p in patterns[lang]), (lang, ticket.subject)
    assert seen == {org_language[o.name] for o in Organization.objects.all()}


def test_same_seed_same_demo():
    def snapshot() -> list[tuple[str, str, int, int]]:
        return list(Ticket.objects.order_by("id").values_list("subject", "status", "tier",
                                                               "priority"))

    with transaction.atomic():
        build_demo(**SMALL)
        first = snapshot()
        transaction.set_rollback(True)
    build_demo(**SMALL)

    assert snapshot() == first


def test_demo_command_is_idempotent(capsys):
    call_command("demo", tickets=20, customers=10, days=10, verbosity=0)
    first = capsys.readouterr().out
    call_command("demo", tickets=20, customers=10, days=10, verbosity=0)
    second = capsys.readouterr().out

    assert first.startswith("Demo data loaded: 20 tickets, 10 customers in 2 organizations, "
                            "22 staff (")
    assert "  Administrator" in first
    assert "alex.morgan@latido.example" in first
    assert first.endswith("Password: latido-demo\n"
                          "Live chat and the contact form, as a visitor: "
                          "http://127.0.0.1:8000/demo/site/\n")
    assert second.startswith("Demo data is already loaded; nothing was added.\n")
    assert (Ticket.objects.count(), Contact.objects.count(), User.objects.count()) == (
        20, 10, 22 + 8)


def test_demo_refuses_a_database_with_real_data(world):
    with pytest.raises(CommandError, match="already holds teams or tickets"):
        call_command("demo", tickets=5, customers=5, verbosity=0)
    assert Ticket.objects.count() == 2
