"""Merging duplicate contacts: tickets, identities, login and authorship follow; who may."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from latido.accounts.models import User
from latido.core.errors import NotFound, PermissionDenied, ValidationError
from latido.core.tests.races import retry_while_locked
from latido.customers.models import Contact, ContactIdentity, ContactMerge
from latido.customers.services import contact_create
from latido.tickets.enums import EventType
from latido.tickets.models import Message, Ticket, TicketEvent
from latido.tickets.services import (
    contact_identity_add,
    contact_identity_remove,
    contact_merge,
    ticket_create,
    ticket_reply,
)


@pytest.fixture
def duplicate(world):
    """Ana wrote once by phone from her home address: a second contact with a ticket."""
    dup = contact_create(name="Ana (home)", emails=["ana@home.test"], phones=["+34 600 111 222"],
                         socials=[("twitter", "ana_acme")])
    dup.notes = "Prefers calls after 5pm."
    dup.language = "es"
    dup.save()
    ticket = ticket_create(actor=world.tier1, requester=dup, subject="Call about invoice",
                           body="Called about invoice 7.", channel="phone", team=world.team)
    ticket_reply(ticket=ticket, actor=None, contact=dup, body="Thanks for calling back.")
    return dup, Ticket.objects.get(pk=ticket.pk)


def test_merge_moves_tickets_identities_authorship_and_writes_events(world, duplicate,
                                                                     django_capture_on_commit_callbacks):
    dup, dup_ticket = duplicate
    version = dup_ticket.version
    authored = Message.objects.filter(author_contact=dup).count()
    assert authored >= 1

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = contact_merge(actor=world.tier1, source=dup, target=world.contact_a)

    assert callbacks  # the REQUESTER events are published after commit
    assert not Contact.objects.filter(pk=dup.pk).exists()
    moved = Ticket.objects.get(pk=dup_ticket.pk)
    assert moved.requester == world.contact_a
    assert moved.version == version + 1
    event = TicketEvent.objects.filter(ticket=moved, type=EventType.REQUESTER).get()
    assert event.actor == world.tier1
    assert event.data["from"] == dup.pk
    assert event.data["to"] == world.contact_a.pk
    assert (event.data["from_name"], event.data["to_name"]) == ("Ana (home)", "Ana Acme")
    values = set(world.contact_a.identities.values_list("kind", "platform", "value"))
    assert values == {("email", "", "ana@acme.test"), ("email", "", "ana@home.test"),
                      ("phone", "", "+34600111222"), ("social", "twitter", "ana_acme")}
    assert Message.objects.filter(ticket=moved, author_contact=world.contact_a).count() == authored
    assert not Message.objects.filter(ticket=moved, author_contact__isnull=True,
                                      author__isnull=True).exists()
    target = Contact.objects.get(pk=world.contact_a.pk)
    assert target.user == world.customer_a
    assert target.organization == world.org_a
    assert target.language == "es"
    assert "Prefers calls after 5pm." in target.notes
    assert record.actor == world.tier1
    assert record.source_id == dup.pk
    assert record.source_name == "Ana (home)"
    assert record.ticket_ids == [dup_ticket.pk]
    assert ["phone", "", "+34600111222"] in record.identities
    # The customer now sees the phone ticket in the portal as well: one person, one history.
    from latido.tickets.selectors import visible_tickets
    assert visible_tickets(actor=world.customer_a).filter(pk=dup_ticket.pk).exists()


def test_a_portal_login_moves_to_a_target_without_one(world):
    guest = contact_create(name="Ana by phone", phones=["600 222 333"])

    contact_merge(actor=world.admin, source=world.contact_a, target=guest)

    guest.refresh_from_db()
    assert guest.user == world.customer_a
    assert world.ticket.__class__.objects.get(pk=world.ticket.pk).requester == guest
    assert guest.organization == world.org_a
    assert set(guest.identities.values_list("value", flat=True)) == {"600222333",
                                                                      "ana@acme.test"}


def test_two_portal_logins_are_never_merged_silently(world):
    before = (Ticket.objects.filter(requester=world.contact_b).count(),
              ContactIdentity.objects.filter(contact=world.contact_b).count())

    with pytest.raises(ValidationError) as exc:
        contact_merge(actor=world.admin, source=world.contact_b, target=world.contact_a)

    assert exc.value.code == "both_have_logins"
    assert "bob@globex.test" in exc.value.message
    assert before == (Ticket.objects.filter(requester=world.contact_b).count(),
                      ContactIdentity.objects.filter(contact=world.contact_b).count())
    assert not TicketEvent.objects.filter(type=EventType.REQUESTER).exists()


def test_self_merge_and_merging_twice_are_refused(world, duplicate):
    dup, _ticket = duplicate
    with pytest.raises(ValidationError) as exc:
        contact_merge(actor=world.admin, source=world.contact_a, target=world.contact_a)
    assert exc.value.code == "bad_merge"

    contact_merge(actor=world.admin, source=dup, target=world.contact_a)
    with pytest.raises(ValidationError) as exc:
        contact_merge(actor=world.admin, source=dup, target=world.contact_a)
    assert exc.value.code == "already_merged"
    assert "Ana Acme" in exc.value.message
    assert ContactMerge.objects.count() == 1


@pytest.mark.parametrize("name", ["collaborator", "customer_a", "outsider_collaborator"])
def test_collaborators_and_customers_cannot_merge(world, duplicate, name):
    dup, ticket = duplicate
    with pytest.raises(PermissionDenied):
        contact_merge(actor=getattr(world, name), source=dup, target=world.contact_a)
    assert Contact.objects.filter(pk=dup.pk).exists()
    assert Ticket.objects.get(pk=ticket.pk).requester == dup


def test_an_agent_who_sees_none_of_a_contacts_tickets_gets_not_found(world, duplicate):
    dup, ticket = duplicate
    with pytest.raises(NotFound):
        contact_merge(actor=world.other_agent, source=dup, target=world.contact_a)
    assert Ticket.objects.get(pk=ticket.pk).requester == dup


def test_an_agent_cannot_merge_a_contact_with_tickets_they_cannot_see(world, duplicate):
    dup, ticket = duplicate
    hidden = ticket_create(actor=world.other_agent, requester=dup, subject="Devices question",
                           body="Hello", channel="email", team=world.other_team)

    with pytest.raises(PermissionDenied) as exc:
        contact_merge(actor=world.tier1, source=dup, target=world.contact_a)

    assert exc.value.code == "hidden_tickets"
    assert Ticket.objects.get(pk=hidden.pk).requester == dup
    assert Ticket.objects.get(pk=ticket.pk).requester == dup
    # A team lead may: the rule is documented in tickets/services/contacts.py.
    contact_merge(actor=world.lead, source=dup, target=world.contact_a)
    assert Ticket.objects.get(pk=hidden.pk).requester == world.contact_a


def test_contacts_without_tickets_are_merged_by_any_agent(world):
    a = contact_create(name="Lead from fair", emails=["fair@x.test"])
    b = contact_create(name="Lead from fair (2)", phones=["+1 555 0100 22"])

    contact_merge(actor=world.other_agent, source=b, target=a)

    assert set(a.identities.values_list("kind", flat=True)) == {"email", "phone"}


def test_merge_locks_both_contacts_in_id_order(world, duplicate):
    dup, _ticket = duplicate
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        contact_merge(actor=world.admin, source=dup, target=world.contact_a)
    locks = [q["sql"] for q in ctx.captured_queries
             if "FOR UPDATE" in q["sql"] and "customers_contact" in q["sql"].split("FROM")[1]]
    if connection.vendor == "postgresql":
        assert locks
        assert "ORDER BY" in locks[0]
    else:  # SQLite ignores FOR UPDATE; the transaction is serialised there anyway
        assert locks == []


def test_agents_add_and_remove_identities_only_on_contacts_they_can_open(world):
    ident = contact_identity_add(actor=world.tier1, contact=world.contact_a, kind="phone",
                                 value="+34 600 999 888")
    assert ident.value == "+34600999888"
    with pytest.raises(NotFound):
        contact_identity_add(actor=world.tier1, contact=world.contact_b, kind="phone",
                             value="+34 600 999 777")
    with pytest.raises(PermissionDenied):
        contact_identity_add(actor=world.collaborator, contact=world.contact_a,
                             kind="phone", value="+34 600 999 777")
    with pytest.raises(NotFound):
        contact_identity_remove(actor=world.other_agent, contact=world.contact_a,
                                identity_id=ident.pk)
    contact_identity_remove(actor=world.tier1, contact=world.contact_a, identity_id=ident.pk)
    assert not ContactIdentity.objects.filter(pk=ident.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_agents_merging_the_same_pair_both_ways_leave_one_consistent_contact(world):
    one = contact_create(name="Twin One", emails=["one@twins.test"])
    two = contact_create(name="Twin Two", emails=["two@twins.test"])
    for contact in (one, two):
        ticket_create(actor=world.tier1, requester=contact, subject=f"{contact.name}'s",
                      body="x", channel="email", team=world.team)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def merge(name: str, source: Contact, target: Contact) -> None:
        barrier.wait()
        try:
            retry_while_locked(lambda: contact_merge(actor=getattr(world, name), source=source,
                                                     target=target))
            outcome[name] = "won"
        except (ValidationError, NotFound) as error:
            outcome[name] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=("admin", one, two)),
               threading.Thread(target=merge, args=("coordinator", two, one))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcome.values())[1] == "won"
    assert sorted(outcome.values())[0] in {"not_found", "already_merged"}
    survivors = list(Contact.objects.filter(pk__in=[one.pk, two.pk]))
    assert len(survivors) == 1
    survivor = survivors[0]
    assert Ticket.objects.filter(subject__startswith="Twin").exclude(
        requester=survivor).count() == 0
    assert set(survivor.identities.values_list("value", flat=True)) == {"one@twins.test",
                                                                        "two@twins.test"}
    assert TicketEvent.objects.filter(type=EventType.REQUESTER).count() == 1
    assert ContactMerge.objects.count() == 1


def test_merges_are_listed_read_only_in_the_admin_site(world, duplicate, client):
    dup, _ticket = duplicate
    contact_merge(actor=world.tier1, source=dup, target=world.contact_a)
    superuser = User.objects.create_superuser(username="root", email="root@latido.test",
                                              password="x-long-password-1")
    client.force_login(superuser)
    admin_client = client

    listing = admin_client.get("/django-admin/customers/contactmerge/")

    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Ana (home)" in html
    assert "Tomás Tier1" in html
    assert admin_client.get("/django-admin/customers/contactmerge/add/").status_code == 403
