"""The web form over HTTP: CORS and preflight, spam defences, limits, the hosted page, admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from latido.channels.webform.models import WebForm, WebFormSubmission
from latido.channels.webform.spam import token_issue
from latido.channels.webform.tests.conftest import SHOP, aged_token, post_data, upload
from latido.customers.models import Contact
from latido.tickets.enums import Channel
from latido.tickets.models import Attachment, Ticket

EVIL = "https://evil.example.net"


def config_url(form: WebForm) -> str:
    return reverse("webform:config", args=[form.key])


def submit_url(form: WebForm) -> str:
    return reverse("webform:submit", args=[form.key])


def page_url(form: WebForm) -> str:
    return reverse("webform:page", args=[form.key])


def stored() -> tuple[int, int, int, int]:
    return (Ticket.objects.count(), Contact.objects.count(), Attachment.objects.count(),
            WebFormSubmission.objects.count())


def post(client, form: WebForm, origin: str | None = SHOP, ip: str = "198.51.100.7",
         url: str | None = None, **fields: object):
    extra = {"REMOTE_ADDR": ip}
    if origin:
        extra["HTTP_ORIGIN"] = origin
    return client.post(url or submit_url(form), post_data(form, **fields), **extra)


# --- config and CORS ---------------------------------------------------------------------

def test_config_for_an_allowed_site_has_cors_labels_and_a_token(client, webform):
    response = client.get(config_url(webform), HTTP_ORIGIN=SHOP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["labels"]["email"] == "Email address"
    assert body["submit_url"].endswith(f"{submit_url(webform)}?lang=en")
    assert body["fields"] == {"honeypot": "website", "token": "token"}
    assert body["max_attachments"] == 2
    assert ".pdf" in body["accept"]
    assert body["token"]


@pytest.mark.parametrize(("how", "language", "label"), [
    ({"HTTP_ACCEPT_LANGUAGE": "es-ES,es;q=0.9"}, "es", "Enviar mensaje"),
    ({"QUERY_STRING": "lang=pl-PL"}, "pl", "Wyślij wiadomość"),
])
def test_config_speaks_the_visitors_language(client, webform, how, language, label):
    response = client.get(config_url(webform), HTTP_ORIGIN=SHOP, **how)
    body = response.json()
    assert body["language"] == language
    assert response["Content-Language"] == language
    assert body["labels"]["submit"] == label
    assert body["labels"]["title"] != "Contact us"
    assert body["submit_url"].endswith(f"lang={language}")


def test_another_site_gets_no_config_and_no_cors(client, webform):
    for origin in (EVIL, "null", "https://shop.example.com.evil.net", "http://shop.example.com"):
        response = client.get(config_url(webform), HTTP_ORIGIN=origin)
        assert response.status_code == 403, origin
        assert "Access-Control-Allow-Origin" not in response
        assert response.json()["code"] == "origin_refused"


def test_wildcard_origins_work_end_to_end(client, webform):
    webform.allowed_origins = "https://*.example.org"
    webform.save()
    ok = client.get(config_url(webform), HTTP_ORIGIN="https://de.example.org")
    assert ok["Access-Control-Allow-Origin"] == "https://de.example.org"
    assert client.get(config_url(webform), HTTP_ORIGIN="https://example.org").status_code == 403


def test_preflight_is_answered_for_allowed_sites_only(client, webform):
    asked = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
             "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "accept, content-type"}
    ok = client.options(submit_url(webform), HTTP_ORIGIN=SHOP, **asked)
    assert ok.status_code == 204
    assert ok["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in ok["Access-Control-Allow-Methods"]
    assert "content-type" in ok["Access-Control-Allow-Headers"]
    assert int(ok["Access-Control-Max-Age"]) > 0
    refused = client.options(submit_url(webform), HTTP_ORIGIN=EVIL, **asked)
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused
    odd_header = client.options(submit_url(webform), HTTP_ORIGIN=SHOP,
                                HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key")
    assert odd_header.status_code == 403
    assert "Access-Control-Allow-Origin" not in odd_header


def test_unknown_and_inactive_forms_are_404(client, webform):
    webform.active = False
    webform.save()
    for url in (config_url(webform), page_url(webform), "/forms/nope/config"):
        assert client.get(url, HTTP_ORIGIN=SHOP).status_code == 404
    assert post(client, webform).status_code == 404
    assert not Ticket.objects.filter(channel=Channel.WEB).exists()


# --- submitting --------------------------------------------------------------------------

def test_a_submission_creates_exactly_one_ticket_with_its_attachment(client, webform, world):
    before = Ticket.objects.count()
    response = post(client, webform, attachments=[upload("photo.png", b"\x89PNG fake image")])
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert Ticket.objects.count() == before + 1
    ticket = Ticket.objects.get(channel=Channel.WEB)
    assert body == {"ok": True, "reference": ticket.reference, "message": body["message"]}
    assert ticket.requester.primary_email == "vera@visitor.test"
    attachment = ticket.attachments.get()
    assert attachment.filename == "photo.png"
    with attachment.file.open("rb") as fh:
        assert fh.read() == b"\x89PNG fake image"
    assert WebFormSubmission.objects.get().origin == SHOP


def test_a_custom_success_message_is_returned(client, webform):
    webform.success_message = "Thanks! We answer within one business day."
    webform.save()
    body = post(client, webform).json()
    assert body["message"] == "Thanks! We answer within one business day."


def test_a_submission_from_another_site_stores_nothing(client, webform):
    before = stored()
    response = post(client, webform, origin=EVIL)
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert stored() == before


def test_the_honeypot_looks_accepted_but_stores_nothing(client, webform):
    before = stored()
    response = post(client, webform, website="http://cheap-pills.example",
                    attachments=[upload()])
    assert response.status_code == 201
    assert response.json()["ok"] is True
    assert response.json()["reference"] is None
    assert stored() == before


def test_a_form_sent_too_fast_is_spam_and_stores_nothing(client, webform):
    before = stored()
    response = post(client, webform, token=token_issue(form=webform))
    assert response.status_code == 400
    assert response.json()["code"] == "too_fast"
    assert "too quickly" in response.json()["message"]
    assert stored() == before


@pytest.mark.parametrize("token", ["", "forged:token:value"])
def test_a_missing_or_forged_token_is_refused(client, webform, token):
    before = stored()
    response = post(client, webform, token=token)
    assert response.status_code == 400
    assert response.json()["code"] == "token_invalid"
    assert stored() == before


def test_field_errors_come_per_field(client, webform):
    response = post(client, webform, email="nope", message="   ", name="")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"email", "message", "name"}
    assert all(isinstance(m, list) and m for m in errors.values())
    assert response["Access-Control-Allow-Origin"] == SHOP  # the widget can read why
    assert not Ticket.objects.filter(channel=Channel.WEB).exists()


def test_errors_are_in_the_visitors_language(client, webform):
    url = submit_url(webform) + "?lang=es"
    response = post(client, webform, url=url, token=token_issue(form=webform))
    assert response.status_code == 400
    assert "too quickly" not in response.json()["message"]
    assert response["Content-Language"] == "es"


def test_the_per_ip_limit_answers_429_with_retry_after(client, webform):
    for n in range(3):
        assert post(client, webform, email=f"p{n}@visitor.test").status_code == 201
    before = stored()
    response = post(client, webform, email="p9@visitor.test")
    assert response.status_code == 429
    assert 3500 < int(response["Retry-After"]) <= 3600
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert response.json()["code"] == "rate_limited"
    assert response.json()["message"]
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert stored() == before
    assert post(client, webform, email="p9@visitor.test", ip="203.0.113.5").status_code == 201


def test_the_per_email_limit_answers_429_across_addresses(client, webform):
    assert post(client, webform, ip="203.0.113.1").status_code == 201
    assert post(client, webform, ip="203.0.113.2").status_code == 201
    response = post(client, webform, ip="203.0.113.3", email="Vera@Visitor.TEST")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "email address" in response.json()["message"]
    assert Ticket.objects.filter(channel=Channel.WEB).count() == 2


def test_too_many_attachments_is_a_400_on_the_field(client, webform):
    before = stored()
    response = post(client, webform, attachments=[upload(), upload("b.pdf"), upload("c.pdf")])
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_attachments"
    assert "attachments" in response.json()["errors"]
    assert stored() == before


def test_a_refused_file_type_is_a_400(client, webform):
    before = stored()
    response = post(client, webform, attachments=[upload("setup.exe", b"MZ")])
    assert response.status_code == 400
    assert ".exe" in response.json()["errors"]["attachments"][0]
    assert stored() == before


def test_an_oversized_file_is_a_413(client, webform, settings):
    settings.LATIDO_MAX_ATTACHMENT_BYTES = 2000
    before = stored()
    response = post(client, webform, attachments=[upload("big.pdf", b"x" * 2001)])
    assert response.status_code == 413
    assert response.json()["code"] == "attachment_too_large"
    assert stored() == before


def test_an_oversized_request_is_refused_before_parsing(client, webform, settings):
    settings.LATIDO_MAX_ATTACHMENT_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, webform, attachments=[upload("big.pdf", b"x" * 5000)])
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Ticket.objects.filter(channel=Channel.WEB).exists()


def test_a_replayed_token_is_refused(client, webform):
    token = aged_token(webform)
    assert post(client, webform, token=token).status_code == 201
    again = post(client, webform, token=token, email="other@visitor.test")
    assert again.status_code == 400
    assert again.json()["code"] == "token_used"
    assert Ticket.objects.filter(channel=Channel.WEB).count() == 1


# --- who sees the ticket -----------------------------------------------------------------

def test_a_form_ticket_for_bs_address_is_bs_not_as(client, webform, world):
    response = post(client, webform, email=world.customer_b.email, subject="Form for Bob")
    ticket = Ticket.objects.get(subject="Form for Bob")
    assert response.json()["reference"] == ticket.reference
    assert ticket.requester == world.contact_b
    url = reverse("portal:ticket", args=[ticket.reference])
    client.login(email=world.customer_a.email, password=PASSWORD)
    assert client.get(url).status_code == 404
    assert "Form for Bob" not in client.get(reverse("portal:home")).content.decode()
    client.logout()
    client.login(email=world.customer_b.email, password=PASSWORD)
    assert client.get(url).status_code == 200
    assert "Form for Bob" in client.get(reverse("portal:home")).content.decode()


def test_a_signed_in_session_is_ignored(client, webform, world):
    """The form acts for the address typed in, never for whoever is signed in."""
    client.login(email=world.customer_a.email, password=PASSWORD)
    post(client, webform, email="stranger@visitor.test", subject="Stranger")
    ticket = Ticket.objects.get(subject="Stranger")
    assert ticket.requester != world.contact_a
    assert ticket.created_by is None


# --- the hosted page (iframe variant) ----------------------------------------------------

def test_the_hosted_page_may_be_framed_by_the_allowed_sites_only(client, webform):
    response = client.get(page_url(webform), HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {SHOP}" in policy
    assert "script-src 'self'" in policy
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert 'name="website"' in html
    assert 'name="token"' in html
    assert "Wyślij wiadomość" in html
    other = client.get(reverse("portal:home"))
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]
    assert other["X-Frame-Options"] == "DENY"


def test_the_hosted_page_takes_a_submission(client, webform):
    data = post_data(webform, attachments=[upload()])
    response = client.post(page_url(webform), data, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    ticket = Ticket.objects.get(channel=Channel.WEB)
    assert ticket.reference in response.content.decode()
    assert ticket.attachments.count() == 1
    assert "frame-ancestors 'self' https://shop.example.com" in response[
        "Content-Security-Policy"]


def test_the_hosted_page_shows_errors_and_keeps_the_text(client, webform):
    data = post_data(webform, email="broken", message="Keep <this> text")
    response = client.post(page_url(webform), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Keep &lt;this&gt; text" in html
    assert "<this>" not in html
    assert not Ticket.objects.filter(channel=Channel.WEB).exists()


def test_the_hosted_page_honeypot_and_rate_limit(client, webform):
    before = stored()
    hp = client.post(page_url(webform), post_data(webform, website="x"))
    assert hp.status_code == 200
    assert stored() == before
    webform.per_ip_hourly_limit = 1
    webform.save()
    assert client.post(page_url(webform), post_data(webform)).status_code == 200
    limited = client.post(page_url(webform), post_data(webform, email="x@visitor.test"))
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


def test_the_hosted_page_refuses_posts_from_other_sites(client, webform):
    response = client.post(page_url(webform), post_data(webform), HTTP_ORIGIN=EVIL)
    assert response.status_code == 403
    assert not Ticket.objects.filter(channel=Channel.WEB).exists()


# --- administration ----------------------------------------------------------------------

def test_the_admin_change_page_shows_the_snippets(client, webform, world, settings):
    settings.BASE_URL = "https://help.example.com"
    client.login(email=world.admin.email, password=PASSWORD)
    url = reverse("admin:latido_webform_webform_change", args=[webform.pk])
    html = client.get(url).content.decode()
    assert ('&lt;script src=&quot;https://help.example.com/static/latido/contact-form.js&quot;'
            f' data-latido-form=&quot;{webform.key}&quot; async&gt;&lt;/script&gt;') in html
    assert f"https://help.example.com/forms/{webform.key}/" in html
    client.logout()
    client.login(email=world.tier1.email, password=PASSWORD)
    assert client.get(url).status_code == 302  # not staff: sent to the admin sign-in


def test_the_admin_can_create_a_form(client, world):
    client.login(email=world.admin.email, password=PASSWORD)
    response = client.post(reverse("admin:latido_webform_webform_add"), {
        "name": "Support", "active": "on", "allowed_origins": "https://A.test/\nbad origin",
        "per_ip_hourly_limit": 10, "per_email_hourly_limit": 5, "min_fill_seconds": 3,
        "max_attachments": 3, "success_message": "",
    })
    assert response.status_code == 200
    assert not WebForm.objects.exists()
    response = client.post(reverse("admin:latido_webform_webform_add"), {
        "name": "Support", "active": "on", "allowed_origins": "https://A.test/",
        "per_ip_hourly_limit": 10, "per_email_hourly_limit": 5, "min_fill_seconds": 3,
        "max_attachments": 3, "success_message": "",
    })
    assert response.status_code == 302
    form = WebForm.objects.get()
    assert form.allowed_origins == "https://a.test"
    assert len(form.key) >= 16

