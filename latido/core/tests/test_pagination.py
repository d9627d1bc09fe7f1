from __future__ import annotations

import pytest

from latido.core.errors import ValidationError
from latido.core.pagination import keyset_page
from latido.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "W10"])
def test_bad_cursor_is_a_validation_error(cursor):
    with pytest.raises(ValidationError):
        keyset_page(Ticket.objects.all(), sort="-updated_at", cursor=cursor, limit=5)


def test_equal_sort_values_are_paged_by_id(world):
    from django.utils import timezone

    from latido.tickets.services import ticket_create

    now = timezone.now()
    for i in range(5):
        ticket_create(actor=world.tier1, requester=world.contact_a, subject=f"S{i}", body="b",
                      channel="agent", created_at=now)
    qs = Ticket.objects.filter(created_at=now)
    first = keyset_page(qs, sort="-created_at", cursor=None, limit=2)
    second = keyset_page(qs, sort="-created_at", cursor=first.next_cursor, limit=2)
    third = keyset_page(qs, sort="-created_at", cursor=second.next_cursor, limit=2)
    ids = [t.pk for t in first.items + second.items + third.items]
    assert ids == sorted(qs.values_list("pk", flat=True), reverse=True)
    assert third.next_cursor is None
