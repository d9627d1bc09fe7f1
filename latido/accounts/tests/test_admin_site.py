from __future__ import annotations

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/django-admin/", "/django-admin/tickets/ticketevent/",
               "/django-admin/accounts/team/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("who", ["anonymous", "customer_a", "tier1", "lead", "collaborator"])
def test_admin_site_is_for_administrators_only(client, world, path, who):
    actor = world.actors().get(who) if who != "tier1" else world.tier1
    if actor is not None:
        assert client.login(username=actor.email, password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_administrator_opens_admin_pages(client, world, path):
    assert client.login(username=world.admin.email, password=PASSWORD)
    assert client.get(path).status_code == 200


def test_event_log_cannot_be_edited_in_admin(client, world):
    assert client.login(username=world.admin.email, password=PASSWORD)
    event = world.ticket.events.first()
    response = client.post(f"/django-admin/tickets/ticketevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert world.ticket.events.filter(pk=event.pk).exists()
