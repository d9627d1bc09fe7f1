from __future__ import annotations

import pytest

from latido.core.errors import NotFound, ValidationError
from latido.customers.models import Contact, ContactIdentity
from latido.customers.selectors import contact_get_for, contacts_visible_for
from latido.customers.services import (
    contact_add_identity,
    contact_create,
    contact_get_or_create_by_email,
)

pytestmark = pytest.mark.django_db


def test_one_contact_holds_emails_phones_and_handles():
    contact = contact_create(name="Zofia", emails=["Zofia@Example.pl", "z@work.pl"],
                             phones=["+48 600-100-200"], socials=[("twitter", "@Zofia")])
    values = sorted(contact.identities.values_list("kind", "value"))
    assert values == [("email", "z@work.pl"), ("email", "zofia@example.pl"),
                      ("phone", "+48600100200"), ("social", "zofia")]


def test_an_identity_belongs_to_one_contact_only():
    contact_create(name="A", emails=["same@example.com"])
    other = contact_create(name="B")
    with pytest.raises(ValidationError) as exc:
        contact_add_identity(contact=other, kind="email", value="SAME@example.com")
    assert exc.value.code == "duplicate"
    assert ContactIdentity.objects.filter(contact=other).count() == 0


def test_email_resolves_to_the_same_contact_and_matches_organization_domain(world):
    first = contact_get_or_create_by_email(email="new@acme.test", name="New Person")
    again = contact_get_or_create_by_email(email="NEW@acme.test")
    assert first == again
    assert first.organization == world.org_a
    with pytest.raises(ValidationError):
        contact_get_or_create_by_email(email="not-an-email")


def test_customers_see_only_their_own_contact(world):
    assert list(contacts_visible_for(actor=world.customer_a)) == [world.contact_a]
    with pytest.raises(NotFound):
        contact_get_for(actor=world.customer_a, contact_id=world.contact_b.pk)
    assert contact_get_for(actor=world.tier1, contact_id=world.contact_b.pk) == world.contact_b
    assert contacts_visible_for(actor=world.collaborator).count() == 0
    assert contacts_visible_for(actor=world.admin).count() == Contact.objects.count()
