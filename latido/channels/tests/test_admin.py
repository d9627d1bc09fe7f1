"""The quarantine in the admin site: administrators see held mail and replay it."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.helpers import deliver, make_mail

pytestmark = pytest.mark.django_db

QUARANTINE = "/django-admin/latido_channels/quarantinedemail/"


@pytest.fixture
def held(world, settings, tmp_path):
    mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    deliver(mailbox, make_mail(subject="Fine message"))
    broken = tmp_path / "storage-down"
    broken.write_bytes(b"")
    settings.MEDIA_ROOT = str(broken)  # attachment storage is unusable
    row = deliver(mailbox, make_mail(subject="Held message",
                                     attachments=[("log.txt", b"trace", "text/plain")]))
    assert row.state == RawEmail.State.QUARANTINED
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the fix
    return row


def test_the_quarantine_lists_only_held_mail_for_administrators(client, world, held):
    assert client.login(username=world.admin.email, password=PASSWORD)
    page = client.get(QUARANTINE).content.decode()
    assert "Held message" in page
    assert "Processing failed: " in page
    assert "Fine message" not in page
    assert client.get(f"{QUARANTINE}{held.pk}/change/").status_code == 200
    assert client.get("/django-admin/latido_channels/mailbox/").status_code == 200


def test_agents_cannot_open_the_quarantine(client, world, held):
    assert client.login(username=world.lead.email, password=PASSWORD)
    response = client.get(QUARANTINE)
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]


def test_replay_action_processes_the_held_mail(client, world, held):
    assert client.login(username=world.admin.email, password=PASSWORD)
    response = client.post(QUARANTINE, {"action": "replay", "_selected_action": [held.pk]})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.state == RawEmail.State.PROCESSED
    assert held.ticket.subject == "Held message"
    assert held.attempts == 2
    assert "Held message" not in client.get(QUARANTINE).content.decode()
