"""Contacts found or created for many senders at once, and the lookups behind them."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.db.models.functions import Lower

from latido.core.errors import ValidationError
from latido.customers import selectors, services
from latido.customers.models import Contact, ContactIdentity
from latido.customers.selectors import contacts_by_email
from latido.customers.services import (
    contact_create,
    contact_get_or_create_by_email,
    contacts_get_or_create_by_email,
    identity_owner,
)

pytestmark = pytest.mark.django_db


def _rows() -> tuple[int, int]:
    return Contact.objects.count(), ContactIdentity.objects.count()


def _no_duplicate_identities() -> bool:
    return not (ContactIdentity.objects.annotate(v=Lower("value")).values("kind", "platform", "v")
                .annotate(n=Count("id")).filter(n__gt=1).exists())


def test_known_addresses_in_any_case_return_their_contacts_without_writing(world):
    before = _rows()
    found = contacts_get_or_create_by_email([("ANA@Acme.Test", "Someone Else"),
                                             ("bob@globex.test", ""),
                                             (" Bob@GLOBEX.test ", "Bob again")])
    assert found == {"ana@acme.test": world.contact_a, "bob@globex.test": world.contact_b}
    assert _rows() == before
    assert Contact.objects.get(pk=world.contact_a.pk).name == "Ana Acme"


def test_new_addresses_get_one_contact_each_with_name_and_organization(world):
    before = _rows()
    found = contacts_get_or_create_by_email([
        ("Zoe@Acme.test", "  Zoë Zaragoza "),
        ("max@globex.test", ""),
        ("solo@nowhere.test", "   "),
        ("ana@acme.test", "known"),
    ])
    assert set(found) == {"zoe@acme.test", "max@globex.test", "solo@nowhere.test",
                          "ana@acme.test"}
    assert found["ana@acme.test"] == world.contact_a
    assert _rows() == (before[0] + 3, before[1] + 3)
    got = {value: (c.name, c.organization_id, list(c.identities.values_list("kind", "value")))
           for value, c in found.items() if value != "ana@acme.test"}
    assert got == {
        "zoe@acme.test": ("Zoë Zaragoza", world.org_a.pk, [("email", "zoe@acme.test")]),
        "max@globex.test": ("max", world.org_b.pk, [("email", "max@globex.test")]),
        "solo@nowhere.test": ("solo", None, [("email", "solo@nowhere.test")]),
    }
    for value, contact in found.items():  # they are saved rows, found again by address
        assert Contact.objects.get(identities__value=value).pk == contact.pk


def test_the_same_as_one_by_one_for_a_new_address(world):
    one = contact_get_or_create_by_email(email="Kim@Acme.test", name="Kim K")
    many = contacts_get_or_create_by_email([("Lee@Acme.test", "Lee L")])["lee@acme.test"]
    assert (many.name, many.organization_id, many.user_id) == ("Lee L", one.organization_id,
                                                                one.user_id)
    assert list(many.identities.values_list("kind", "platform")) == list(
        one.identities.values_list("kind", "platform"))


def test_the_same_new_address_twice_makes_one_contact_and_the_first_name_wins(world):
    before = _rows()
    found = contacts_get_or_create_by_email([("new@globex.test", "First"),
                                             ("NEW@globex.test", "Second")])
    assert list(found) == ["new@globex.test"]
    assert found["new@globex.test"].name == "First"
    assert _rows() == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize("bad", ["not-an-address", "two@@x.test", "", "a b@x.test"])
def test_an_invalid_address_refuses_the_call_and_writes_nothing(world, bad):
    before = _rows()
    with pytest.raises(ValidationError) as exc:
        contacts_get_or_create_by_email([("fresh@acme.test", "Fresh"), (bad, "Bad")])
    assert exc.value.code == "bad_identity"
    assert _rows() == before
    assert not ContactIdentity.objects.filter(value="fresh@acme.test").exists()


def test_no_senders_no_queries(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert contacts_get_or_create_by_email([]) == {}


def test_an_address_created_meanwhile_still_maps_to_its_one_contact(world, monkeypatch):
    real = selectors.contacts_by_email
    calls: list[set[str]] = []

    def stale_once(values: set[str]) -> dict[str, Contact]:
        calls.append(set(values))
        return {} if len(calls) == 1 else real(values)  # as if the lookup ran before a commit

    monkeypatch.setattr(selectors, "contacts_by_email", stale_once)
    before = _rows()

    found = contacts_get_or_create_by_email([("Ana@ACME.test", "Ana Again"),
                                             ("brand.new@globex.test", "Brand New"),
                                             ("bob@globex.test", "Bob")])

    assert calls
    assert calls[0] == {"ana@acme.test", "brand.new@globex.test", "bob@globex.test"}
    assert found["ana@acme.test"] == world.contact_a
    assert found["bob@globex.test"] == world.contact_b
    new = found["brand.new@globex.test"]
    assert (new.name, new.organization_id) == ("Brand New", world.org_b.pk)
    assert _rows() == (before[0] + 1, before[1] + 1)  # the failed INSERT left nothing behind
    assert ContactIdentity.objects.filter(value__iexact="ana@acme.test").count() == 1
    assert _no_duplicate_identities()


def test_one_by_one_returns_the_owner_when_a_concurrent_creation_wins(world, monkeypatch):
    real = services.identity_owner
    calls: list[str] = []

    def missed_first(**kwargs: str) -> ContactIdentity | None:
        calls.append(kwargs["value"])
        return None if len(calls) == 1 else real(**kwargs)  # the other insert not yet seen

    monkeypatch.setattr(services, "identity_owner", missed_first)
    before = _rows()

    contact = contact_get_or_create_by_email(email="BOB@globex.test", name="Bob Twice")

    assert len(calls) >= 2  # the creation ran into the address and looked again
    assert contact == world.contact_b
    assert _rows() == before  # the contact it started to create was rolled back
    assert _no_duplicate_identities()


def test_identity_owner_finds_an_address_stored_with_upper_case_letters(world):
    contact = contact_create(name="Legacy")
    ContactIdentity.objects.create(contact=contact, kind="email", value="Legacy.User@Example.COM")

    owner = identity_owner(kind="email", value="legacy.user@example.com")
    assert owner is not None
    assert owner.contact_id == contact.pk
    assert contacts_by_email({"legacy.user@example.com"}) == {
        "legacy.user@example.com": contact}
    before = _rows()
    assert contact_get_or_create_by_email(email="LEGACY.user@example.com") == contact
    assert contacts_get_or_create_by_email([("legacy.user@example.com", "x")]) == {
        "legacy.user@example.com": contact}
    assert _rows() == before


def test_contacts_by_email_leaves_out_unknown_and_non_email_identities(world):
    contact_create(name="Phone only", phones=["+48 600 100 200"])
    contact_create(name="Handle", socials=[("twitter", "@same@acme.test")])
    assert contacts_by_email(set()) == {}
    assert contacts_by_email({"ana@acme.test", "nobody@acme.test", "+48600100200",
                              "same@acme.test"}) == {"ana@acme.test": world.contact_a}


def test_a_blank_display_name_becomes_the_local_part_one_by_one_too(world):
    contact = contact_get_or_create_by_email(email="Quiet.One@example.com", name="   ")
    assert contact.name == "quiet.one"
