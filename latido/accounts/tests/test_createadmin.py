from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from latido.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createadmin_creates_a_superuser_administrator(capsys):
    call_command("createadmin", email="Root@Example.org", password="a-long-pass-phrase")

    user = User.objects.get()
    assert (user.email, user.role, user.is_superuser, user.is_staff) == (
        "root@example.org", "admin", True, True)
    assert user.check_password("a-long-pass-phrase")
    assert capsys.readouterr().out == "Administrator root@example.org created.\n"


def test_createadmin_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("LATIDO_ADMIN_PASSWORD", "from-the-environment")
    call_command("createadmin", email="env@example.org")

    assert User.objects.get().check_password("from-the-environment")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("a@example.org", None, "Give a password with --password or LATIDO_ADMIN_PASSWORD."),
        ("a@example.org", "short", "This password is too short. It must contain at least 8 "
                                   "characters."),
        ("not-an-email", "a-long-pass-phrase", "A valid email address is required."),
    ],
)
def test_createadmin_refuses_bad_input(monkeypatch, email, password, message):
    monkeypatch.delenv("LATIDO_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError) as exc:
        call_command("createadmin", email=email, password=password)
    assert str(exc.value) == message
    assert User.objects.count() == 0


def test_createadmin_refuses_an_existing_email():
    call_command("createadmin", email="root@example.org", password="a-long-pass-phrase")
    with pytest.raises(CommandError, match="^A user with this email already exists.$"):
        call_command("createadmin", email="ROOT@example.org", password="another-long-one")
    assert User.objects.count() == 1
