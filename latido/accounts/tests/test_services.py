from __future__ import annotations

import pytest

from latido.accounts.models import ApiToken, Queue
from latido.accounts.roles import Perm, Role
from latido.accounts.selectors import team_ids_for, user_for_token
from latido.accounts.services import api_token_create, api_token_revoke, team_create, user_create
from latido.core.errors import NotFound, ValidationError

pytestmark = pytest.mark.django_db


def test_team_gets_one_queue_per_tier():
    team = team_create(name="Devices Poland", kind="location")
    assert list(Queue.objects.filter(team=team).values_list("tier", flat=True)) == [1, 2, 3]


def test_user_email_is_unique_case_insensitively():
    user_create(email="Ana@Example.com", password="x" * 12, role=Role.TIER1)
    with pytest.raises(ValidationError) as exc:
        user_create(email="ana@example.COM", password="x" * 12, role=Role.TIER1)
    assert exc.value.code == "duplicate"
    with pytest.raises(ValidationError):
        user_create(email="nobody", password="x", role=Role.TIER1)
    with pytest.raises(ValidationError):
        user_create(email="z@example.com", password="x", role="wizard")


@pytest.mark.parametrize(
    ("role", "perm", "has"),
    [
        (Role.CUSTOMER, Perm.TICKET_NOTE, False),
        (Role.COLLABORATOR, Perm.TICKET_NOTE, True),
        (Role.COLLABORATOR, Perm.TICKET_REPLY, False),
        (Role.TIER1, Perm.TICKET_ESCALATE, True),
        (Role.TIER1, Perm.SEE_ALL, False),
        (Role.LEAD, Perm.SEE_LED_TEAMS, True),
        (Role.ADMIN, Perm.ADMIN, True),
        (Role.COORDINATOR, Perm.ADMIN, False),
    ],
)
def test_roles_are_permission_sets(role, perm, has):
    user = user_create(email=f"{role}@example.com", password=None, role=role)
    assert user.can(perm) is has


def test_inactive_user_has_no_permissions():
    user = user_create(email="gone@example.com", password=None, role=Role.ADMIN)
    user.is_active = False
    assert user.permissions == frozenset()


def test_tokens_are_hashed_and_revocable(world):
    token, raw = api_token_create(user=world.tier1, name="laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.token_hash, stored.prefix)
    assert stored.token_hash == ApiToken.hash(raw)
    assert user_for_token(raw=raw) == world.tier1
    assert user_for_token(raw=raw + "x") is None
    with pytest.raises(NotFound):
        api_token_revoke(user=world.tier2, token_id=token.pk)
    assert user_for_token(raw=raw) == world.tier1
    api_token_revoke(user=world.tier1, token_id=token.pk)
    assert user_for_token(raw=raw) is None


def test_leads_and_managers_see_their_teams(world):
    assert team_ids_for(user=world.lead) == {world.team.pk}
    assert team_ids_for(user=world.manager) == {world.team.pk, world.other_team.pk}
    assert team_ids_for(user=world.tier1) == {world.team.pk}
    assert team_ids_for(user=world.customer_a) == set()
