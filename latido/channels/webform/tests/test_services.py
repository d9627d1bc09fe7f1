"""Web form services: origins, the form token, client IPs, rate limits and ticket creation."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import RequestFactory

from latido.channels.webform.models import WebForm, WebFormSubmission
from latido.channels.webform.origins import (
    OriginError,
    csp_for_framing,
    normalize_origin,
    origin_matches,
    parse_origins,
)
from latido.channels.webform.services import (
    RateLimited,
    Submission,
    Visitor,
    webform_submit,
)
from latido.channels.webform.spam import client_ip, identity_hash, token_check, token_issue
from latido.channels.webform.tests.conftest import SHOP, upload
from latido.core.errors import NotFound, PayloadTooLarge, ValidationError
from latido.customers.models import Contact, ContactIdentity
from latido.tickets.enums import Channel
from latido.tickets.models import Attachment, Ticket


def submission(**overrides: object) -> Submission:
    data: dict[str, object] = {"name": "Vera Visitor", "email": "Vera@Visitor.test",
                               "subject": "Where is my order?",
                               "message": "Order 4711 has not arrived yet."}
    data.update(overrides)
    return Submission(**data)  # type: ignore[arg-type]


def submit(form: WebForm, *, ip: str = "198.51.100.7", **overrides: object) -> Ticket:
    token = token_check(form=form, token=token_issue(form=form, at=time.time() - 30))
    return webform_submit(form=form, submission=submission(**overrides), token=token,
                          visitor=Visitor(ip=ip, origin=SHOP, page_url=f"{SHOP}/contact"))


def stored() -> tuple[int, int, int, int]:
    return (Ticket.objects.count(), Contact.objects.count(), Attachment.objects.count(),
            WebFormSubmission.objects.count())


# --- origins -----------------------------------------------------------------------------

def test_origins_are_normalised_and_checked():
    assert normalize_origin(" HTTPS://Shop.Example.com/ ") == "https://shop.example.com"
    assert normalize_origin("https://shop.example.com:443") == "https://shop.example.com"
    assert normalize_origin("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert parse_origins("https://a.test, https://a.test\nhttps://*.b.test") == [
        "https://a.test", "https://*.b.test"]
    for bad in ("shop.example.com", "https://shop.example.com/contact", "ftp://a.test",
                "https://a.test:99999", "https://exa mple.com", "https://*"):
        with pytest.raises(OriginError):
            normalize_origin(bad)


def test_wildcard_origins_match_subdomains_only():
    assert origin_matches("https://*.example.com", "https://shop.example.com")
    assert origin_matches("https://*.example.com", "https://a.b.example.com")
    assert not origin_matches("https://*.example.com", "https://example.com")
    assert not origin_matches("https://*.example.com", "http://shop.example.com")
    assert not origin_matches("https://*.example.com", "https://shop.example.com.evil.test")
    assert not origin_matches("https://shop.example.com", "https://shop.example.co")


def test_frame_ancestors_open_only_to_the_listed_sites():
    policy = csp_for_framing(["https://a.test"])
    assert "frame-ancestors 'self' https://a.test" in policy
    assert "frame-ancestors 'none'" not in policy
    assert "script-src 'self'" in policy  # the rest of the site policy is kept


def test_the_admin_form_rejects_bad_origins_and_too_many_attachments(world):
    form = WebForm(name="x", allowed_origins="https://ok.test\nnot-an-origin")
    with pytest.raises(DjangoValidationError) as err:
        form.full_clean()
    assert "allowed_origins" in err.value.message_dict
    form = WebForm(name="x", allowed_origins="HTTPS://OK.test/", max_attachments=99)
    with pytest.raises(DjangoValidationError) as err:
        form.full_clean()
    assert "max_attachments" in err.value.message_dict
    assert form.allowed_origins == "https://ok.test"


# --- the form token ----------------------------------------------------------------------

def test_a_token_is_refused_when_too_fast_forged_expired_or_for_another_form(webform):
    now = time.time()
    fresh = token_issue(form=webform, at=now - 1)
    with pytest.raises(ValidationError) as err:
        token_check(form=webform, token=fresh, now=now)
    assert err.value.code == "too_fast"
    assert token_check(form=webform, token=fresh, now=now + 5).nonce
    other = WebForm.objects.create(name="Other")
    for token in (token_issue(form=other, at=now - 30), fresh[:-2] + "xx", "", "garbage",
                  token_issue(form=webform, at=now - 2 * 86400)):
        with pytest.raises(ValidationError) as err:
            token_check(form=webform, token=token, now=now)
        assert err.value.code == "token_invalid"


# --- client address ----------------------------------------------------------------------

def test_client_ip_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1",
                                   HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    settings.LATIDO_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # a spoofed header is ignored
    settings.LATIDO_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # not the client-supplied 1.1.1.1
    v6 = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    settings.LATIDO_TRUSTED_PROXY_COUNT = 0
    assert client_ip(v6) == "2001:db8:1:2::/64"


# --- submissions -------------------------------------------------------------------------

def test_a_submission_opens_a_web_ticket_for_a_new_contact(webform, world):
    ticket = submit(webform, attachments=[upload()])
    assert ticket.channel == Channel.WEB
    assert ticket.team == world.other_team
    assert ticket.subject == "Where is my order?"
    assert ticket.requester.name == "Vera Visitor"
    assert ContactIdentity.objects.get(contact=ticket.requester).value == "vera@visitor.test"
    message = ticket.messages.get()
    assert message.body_text.strip() == "Order 4711 has not arrived yet."
    assert message.author_contact == ticket.requester
    assert message.author is None
    assert [a.filename for a in ticket.attachments.all()] == ["receipt.pdf"]
    row = WebFormSubmission.objects.get()
    assert row.ticket == ticket
    assert row.page_url == f"{SHOP}/contact"
    assert "vera" not in row.email_hash
    assert row.email_hash == identity_hash(
        "email", "vera@visitor.test")
    assert "198.51.100.7" not in row.ip_hash


def test_a_known_email_address_reuses_its_contact(webform, world):
    before = Contact.objects.count()
    ticket = submit(webform, email="BOB@globex.test", name="Someone Else")
    assert ticket.requester == world.contact_b
    assert ticket.organization_id == world.org_b.pk
    assert Contact.objects.count() == before
    assert Contact.objects.get(pk=world.contact_b.pk).name == "Bob Globex"


def test_an_empty_subject_is_taken_from_the_message(webform):
    long_line = "My parcel " + "really " * 30 + "never came."
    ticket = submit(webform, subject="  ", message=f"\n\n{long_line}\nSecond line")
    assert ticket.subject.startswith("My parcel really")
    assert len(ticket.subject) <= 80
    assert ticket.subject.endswith("…")


def test_the_message_is_plain_text_never_html(webform):
    ticket = submit(webform, message='<script>alert(1)</script><b onclick="x()">bold</b>')
    html = ticket.messages.get().body_html
    assert "<script>" not in html
    assert "<b" not in html
    assert "&lt;script&gt;" in html


def test_a_token_is_used_once(webform):
    token = token_check(form=webform, token=token_issue(form=webform, at=time.time() - 30))
    visitor = Visitor(ip="198.51.100.7")
    webform_submit(form=webform, submission=submission(), token=token, visitor=visitor)
    with pytest.raises(ValidationError) as err:
        webform_submit(form=webform, submission=submission(), token=token, visitor=visitor)
    assert err.value.code == "token_used"
    assert Ticket.objects.filter(channel=Channel.WEB).count() == 1


def test_an_inactive_form_takes_nothing(webform):
    webform.active = False
    before = stored()
    with pytest.raises(NotFound):
        submit(webform)
    assert stored() == before


def test_a_bad_email_address_is_refused(webform):
    before = stored()
    with pytest.raises(ValidationError) as err:
        submit(webform, email="not an address")
    assert err.value.code == "email_invalid"
    assert stored() == before


@pytest.mark.parametrize(("files", "code", "error"), [
    (3, "too_many_attachments", ValidationError),
    ("virus.exe", "attachment_type", ValidationError),
    ("huge.pdf", "attachment_too_large", PayloadTooLarge),
])
def test_attachment_limits_refuse_everything(webform, settings, files, code, error):
    settings.LATIDO_MAX_ATTACHMENT_BYTES = 1000
    uploads = {3: [upload(), upload(), upload()], "virus.exe": [upload("virus.exe")],
               "huge.pdf": [upload("huge.pdf", b"x" * 1001)]}[files]
    before = stored()
    with pytest.raises(error) as err:
        submit(webform, attachments=uploads)
    assert err.value.code == code
    assert stored() == before


def test_a_form_without_attachments_refuses_them(webform):
    webform.max_attachments = 0
    with pytest.raises(ValidationError) as err:
        submit(webform, attachments=[upload()])
    assert err.value.code == "attachments_off"
    assert not Ticket.objects.filter(channel=Channel.WEB).exists()


# --- rate limits -------------------------------------------------------------------------

def test_the_per_ip_limit_counts_the_last_hour(webform):
    for n in range(3):
        submit(webform, email=f"person{n}@visitor.test")
    before = stored()
    with pytest.raises(RateLimited) as err:
        submit(webform, email="person9@visitor.test")
    assert err.value.http_status == 429
    assert 3500 < err.value.retry_after <= 3600
    assert "network" in err.value.message
    assert stored() == before
    # Another address is not affected; after the hour has passed the first one is free again.
    submit(webform, email="someone@visitor.test", ip="198.51.100.8")
    WebFormSubmission.objects.update(created_at=WebFormSubmission.objects.first().created_at
                                     - timedelta(minutes=61))
    submit(webform, email="person9@visitor.test")


def test_retry_after_is_when_the_oldest_counted_submission_ages_out(webform):
    for n in range(3):
        submit(webform, email=f"person{n}@visitor.test")
    oldest = WebFormSubmission.objects.order_by("created_at").first()
    oldest.created_at -= timedelta(minutes=50)
    oldest.save()
    with pytest.raises(RateLimited) as err:
        submit(webform, email="person9@visitor.test")
    assert 590 <= err.value.retry_after <= 600
    assert "10 minutes" in err.value.message


def test_the_per_email_limit_holds_across_addresses(webform):
    submit(webform, ip="198.51.100.1")
    submit(webform, ip="198.51.100.2", email="VERA@visitor.test")
    with pytest.raises(RateLimited) as err:
        submit(webform, ip="198.51.100.3")
    assert "email address" in err.value.message
    assert Ticket.objects.filter(channel=Channel.WEB).count() == 2


def test_limits_are_per_form(webform, world):
    other = WebForm.objects.create(name="Other", per_email_hourly_limit=1)
    submit(webform)
    submit(webform, ip="198.51.100.2")
    submit(other)  # the first form's limit does not spill over
    with pytest.raises(RateLimited):
        submit(other, ip="198.51.100.9")
