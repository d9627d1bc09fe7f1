"""Sign in and out, password reset, preferences, the start page and security headers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD
from latido.accounts.models import User
from latido.core.middleware import CSP

_INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def client_for(world, name: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if name != "anonymous":
        client.force_login(getattr(world, name))
    return client


def assert_csp_clean(html: str) -> None:
    """No inline scripts, styles or event handlers: the CSP would block them."""
    assert _INLINE.findall(html) == []


@pytest.mark.parametrize(("name", "location"), [
    ("anonymous", "/signin/"), ("customer_a", "/portal/"), ("customer_b", "/portal/"),
    ("other_agent", "/agent/"), ("tier1", "/agent/"), ("lead", "/agent/"),
    ("collaborator", "/agent/"), ("admin", "/agent/"),
])
def test_home_sends_each_person_to_their_workspace(world, name, location):
    response = client_for(world, name).get("/")
    assert (response.status_code, response["Location"]) == (302, location)


def test_sign_in_with_email_any_case(world):
    client = Client()
    page = client.get("/signin/")
    assert page.status_code == 200
    assert_csp_clean(page.content.decode())
    response = client.post("/signin/", {"username": "TIER1@latido.test", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/agent/").status_code == 200


def test_sign_in_follows_next(world):
    response = Client().post("/signin/?next=/portal/", {
        "username": world.customer_a.email, "password": PASSWORD, "next": "/portal/"})
    assert response["Location"] == "/portal/"


def test_wrong_password_is_a_400_with_a_message(world):
    client = Client()
    response = client.post("/signin/", {"username": world.tier1.email, "password": "nope"})
    assert response.status_code == 400
    assert "That email address and password do not match an account." in (
        response.content.decode())
    assert client.get("/agent/").status_code == 302


def test_sign_out_is_post_only(world):
    client = client_for(world, "tier1")
    assert client.get("/signout/").status_code == 405
    assert client.get("/agent/").status_code == 200
    response = client.post("/signout/")
    assert (response.status_code, response["Location"]) == (302, "/signin/")
    assert client.get("/agent/").status_code == 302


def test_sign_in_enforces_csrf(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/signin/", {"username": world.tier1.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    assert client.get("/agent/").status_code == 302


def test_password_reset_by_email(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    response = client.post("/password-reset/", {"email": "Ana@Acme.test"})
    assert (response.status_code, response["Location"]) == (302, "/password-reset/sent/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@acme.test"]
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"})
    assert response["Location"] == "/password-reset/complete/"
    assert Client().login(username="ana@acme.test", password="a-brand-new-secret-9")


def test_password_reset_for_an_unknown_address_sends_nothing(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = Client().post("/password-reset/", {"email": "ghost@nowhere.test"})
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []


def test_profile_requires_sign_in(db):
    response = Client().get("/profile/")
    assert response["Location"] == "/signin/?next=/profile/"


def test_profile_saves_language_and_time_zone(world):
    client = client_for(world, "customer_a")
    assert client.get("/profile/").status_code == 200
    response = client.post("/profile/", {"language": "es", "time_zone": "Europe/Madrid"})
    assert (response.status_code, response["Location"]) == (303, "/profile/")
    user = User.objects.get(pk=world.customer_a.pk)
    assert (user.language, user.time_zone) == ("es", "Europe/Madrid")
    assert client.get("/portal/")["Content-Language"] == "es"


def test_profile_rejects_an_unknown_time_zone_and_keeps_the_old_one(world):
    client = client_for(world, "tier1")
    response = client.post("/profile/", {"language": "xx", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Select a valid choice.") == 2
    user = User.objects.get(pk=world.tier1.pk)
    assert (user.language, user.time_zone) == ("", "UTC")


def test_anonymous_language_switcher_sets_the_language(db):
    client = Client()
    page = client.get("/signin/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/signin/"})
    assert response["Location"] == "/signin/"
    assert client.get("/signin/")["Content-Language"] == "pl"


@pytest.mark.parametrize(("name", "path"), [
    ("anonymous", "/signin/"), ("anonymous", "/password-reset/"), ("tier1", "/agent/"),
    ("tier1", "/agent/tickets/{ticket}/"), ("customer_a", "/portal/"), ("customer_a", "/profile/"),
])
def test_security_headers_on_pages(world, name, path):
    response = client_for(world, name).get(path.format(ticket=world.ticket.reference))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert "script-src 'self';" in CSP
    assert "frame-ancestors 'none'" in CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert_csp_clean(response.content.decode())
