"""The signed inbound email webhook, over real HTTP through Django's test client."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from latido.channels.email.webhook import sign
from latido.channels.models import Mailbox, RawEmail
from latido.channels.tests.helpers import make_mail
from latido.tickets.models import Ticket

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"
ENV = "LATIDO_TEST_WEBHOOK_SECRET"


@pytest.fixture
def mailbox(world, monkeypatch):
    monkeypatch.setenv(ENV, SECRET)
    return Mailbox.objects.create(
        name="Hook", address="hook@latido.test", kind=Mailbox.Kind.WEBHOOK, team=world.team,
        settings={"webhook_secret_env": ENV},
    )


def post(mailbox_id, body, *, secret=SECRET, timestamp=None, signature=None, headers=True,
         content_type="message/rfc822"):
    stamp = str(int(time.time())) if timestamp is None else timestamp
    extra = {}
    if headers:
        extra = {"HTTP_X_LATIDO_TIMESTAMP": stamp,
                 "HTTP_X_LATIDO_SIGNATURE": signature or sign(secret=secret, timestamp=stamp,
                                                              body=body)}
    return Client().post(f"/api/v1/channels/email/inbound/{mailbox_id}", data=body,
                         content_type=content_type, **extra)


def test_signed_mail_is_stored_once_and_becomes_a_ticket(
    mailbox, django_capture_on_commit_callbacks
):
    raw = make_mail(subject="Webhook hello", message_id="<wh1@customer.test>")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(mailbox.pk, raw)
    assert response.status_code == 202
    row = RawEmail.objects.get()
    assert response.json() == {"id": row.pk, "duplicate": False}
    assert bytes(row.raw) == raw
    assert row.mailbox == mailbox
    row.refresh_from_db()
    assert row.state == RawEmail.State.PROCESSED
    assert Ticket.objects.get(pk=row.ticket_id).subject == "Webhook hello"


def test_the_same_body_again_is_a_duplicate(mailbox):
    raw = make_mail(message_id="<wh2@customer.test>")
    first = post(mailbox.pk, raw)
    second = post(mailbox.pk, raw, content_type="application/octet-stream")
    assert first.status_code == second.status_code == 202
    assert second.json() == {"id": first.json()["id"], "duplicate": True}
    assert RawEmail.objects.count() == 1


@pytest.mark.parametrize("case", ["bad_signature", "missing_headers", "wrong_secret",
                                  "stale", "future", "not_a_number"])
def test_bad_signatures_are_refused_and_nothing_is_stored(mailbox, case):
    raw = make_mail()
    now = int(time.time())
    kwargs = {
        "bad_signature": {"signature": "sha256=" + "0" * 64},
        "missing_headers": {"headers": False},
        "wrong_secret": {"secret": "not-the-secret"},
        "stale": {"timestamp": str(now - 301)},
        "future": {"timestamp": str(now + 301)},
        "not_a_number": {"timestamp": "yesterday"},
    }[case]
    response = post(mailbox.pk, raw, **kwargs)
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert response.json()["message"]
    assert RawEmail.objects.count() == 0


def test_a_signature_over_another_body_is_refused(mailbox):
    stamp = str(int(time.time()))
    signature = sign(secret=SECRET, timestamp=stamp, body=make_mail(subject="A"))
    response = post(mailbox.pk, make_mail(subject="B"), timestamp=stamp, signature=signature)
    assert response.status_code == 401
    assert RawEmail.objects.count() == 0


@pytest.mark.parametrize("body", [b"", b"\r\n  \r\n", bytes(range(256)) * 4,
                                  b"just some text without any headers at all"])
def test_malformed_bodies_are_refused_with_a_message(mailbox, body):
    response = post(mailbox.pk, body)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert response.json()["message"]
    assert RawEmail.objects.count() == 0


def test_other_content_types_are_refused(mailbox):
    response = post(mailbox.pk, make_mail(), content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert RawEmail.objects.count() == 0


def test_a_body_over_the_size_limit_is_refused(mailbox, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = post(mailbox.pk, make_mail(body="x" * 2_000))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert RawEmail.objects.count() == 0


def test_unknown_mailbox_is_not_found(mailbox):
    response = post(mailbox.pk + 1000, make_mail())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_inactive_mailbox_is_not_found(mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(active=False)
    response = post(mailbox.pk, make_mail())
    assert response.status_code == 404
    assert RawEmail.objects.count() == 0


def test_mailbox_whose_secret_is_unset_is_not_found(mailbox, monkeypatch):
    monkeypatch.delenv(ENV)
    response = post(mailbox.pk, make_mail())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert RawEmail.objects.count() == 0


def test_mailbox_without_webhook_settings_is_not_found(mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(settings={})
    response = post(mailbox.pk, make_mail())
    assert response.status_code == 404
    assert RawEmail.objects.count() == 0


def test_a_signed_in_session_without_csrf_token_is_not_needed(mailbox, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    raw = make_mail(message_id="<wh3@customer.test>")
    stamp = str(int(time.time()))
    response = client.post(
        f"/api/v1/channels/email/inbound/{mailbox.pk}", data=raw, content_type="message/rfc822",
        HTTP_X_LATIDO_TIMESTAMP=stamp,
        HTTP_X_LATIDO_SIGNATURE=sign(secret=SECRET, timestamp=stamp, body=raw),
    )
    assert response.status_code == 202
    assert RawEmail.objects.count() == 1
