"""One customer, one history: every spelling of an identity finds the same contact."""

from __future__ import annotations

import pytest

from latido.core.errors import NotFound, ValidationError
from latido.customers.models import ContactIdentity
from latido.customers.selectors import contact_resolve
from latido.customers.services import (
    IdentityTaken,
    contact_add_identity,
    contact_create,
    contact_remove_identity,
    normalize_identity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zofia():
    return contact_create(name="Zofia", emails=["Zofia@Example.pl"], phones=["+48 600-100-200"],
                          socials=[("Twitter", "@Zofia_K")])


@pytest.mark.parametrize(("kind", "value", "platform"), [
    ("email", "zofia@example.pl", ""),
    ("email", "  ZOFIA@EXAMPLE.PL ", ""),
    ("phone", "+48600100200", ""),
    ("phone", "0048 600 100 200", ""),
    ("phone", "+48 (600) 100-200", ""),
    ("phone", "48600100200", ""),
    ("social", "zofia_k", "twitter"),
    ("social", "@ZOFIA_K", "TWITTER"),
])
def test_every_spelling_of_an_identity_resolves_to_the_same_contact(zofia, kind, value,
                                                                     platform):
    assert contact_resolve(kind, value, platform) == zofia


@pytest.mark.parametrize(("kind", "value", "platform"), [
    ("email", "zofia@example.com", ""),
    ("email", "not an email", ""),
    ("phone", "+48600100201", ""),
    ("phone", "12", ""),
    ("social", "zofia_k", "instagram"),
    ("social", "zofia_k", ""),
    ("fax", "123456", ""),
])
def test_other_values_resolve_to_nobody(zofia, kind, value, platform):
    assert contact_resolve(kind, value, platform) is None


def test_phone_numbers_are_normalised_e164_like():
    assert normalize_identity("phone", "0048 600 100 200") == "+48600100200"
    assert normalize_identity("phone", "(600) 100.200") == "600100200"
    for bad in ("12", "+48 600 abc", "1234567890123456", "+"):
        with pytest.raises(ValidationError):
            normalize_identity("phone", bad)


def test_an_identity_of_another_contact_is_refused_and_names_it_for_agents(zofia):
    other = contact_create(name="Zosia")

    for kind, value, platform in (("email", "ZOFIA@example.pl", ""),
                                  ("phone", "0048600100200", ""),
                                  ("phone", "48600100200", ""),
                                  ("social", "@zofia_k", "Twitter")):
        with pytest.raises(IdentityTaken) as exc:
            contact_add_identity(contact=other, kind=kind, value=value, platform=platform)
        assert exc.value.code == "duplicate"
        assert exc.value.owner == zofia
        # The service's own message is safe for any audience; agents get the named one.
        assert "Zofia" not in exc.value.message
        assert "another contact" in exc.value.message
        named = exc.value.named()
        assert named.code == "duplicate"
        assert "Zofia" in named.message
        assert f"#{zofia.pk}" in named.message
        assert "merge" in named.message
    assert not ContactIdentity.objects.filter(contact=other).exists()


def test_adding_an_identity_the_contact_already_has_is_a_no_op(zofia):
    again = contact_add_identity(contact=zofia, kind="phone", value="0048 600 100 200")

    assert again.contact == zofia
    assert zofia.identities.filter(kind="phone").count() == 1


def test_the_same_handle_on_another_platform_is_another_identity(zofia):
    other = contact_create(name="Other Zofia")

    ident = contact_add_identity(contact=other, kind="social", value="zofia_k",
                                 platform="instagram")

    assert (ident.platform, ident.value) == ("instagram", "zofia_k")
    with pytest.raises(ValidationError) as exc:
        contact_add_identity(contact=other, kind="social", value="someone", platform="")
    assert exc.value.code == "bad_identity"


def test_the_last_email_of_a_portal_user_cannot_be_removed(world):
    contact = world.contact_a
    only = contact.identities.get(kind="email")

    with pytest.raises(ValidationError) as exc:
        contact_remove_identity(contact=contact, identity_id=only.pk)
    assert exc.value.code == "last_email"
    assert contact.identities.filter(pk=only.pk).exists()

    second = contact_add_identity(contact=contact, kind="email", value="ana@home.test")
    contact_remove_identity(contact=contact, identity_id=only.pk)
    assert list(contact.identities.values_list("pk", flat=True)) == [second.pk]


def test_a_contact_without_login_may_lose_its_last_email(zofia):
    email = zofia.identities.get(kind="email")
    contact_remove_identity(contact=zofia, identity_id=email.pk)
    assert not zofia.identities.filter(kind="email").exists()


def test_removing_an_identity_of_another_contact_is_not_found(zofia, world):
    email = zofia.identities.get(kind="email")
    with pytest.raises(NotFound):
        contact_remove_identity(contact=world.contact_b, identity_id=email.pk)
    assert ContactIdentity.objects.filter(pk=email.pk).exists()
