"""A ticket's CC list: kept from the customer's mail, copied on replies, edited by agents."""

from __future__ import annotations

import pytest
from django.test import Client

from latido.channels.email.cc import ticket_cc_addresses
from latido.channels.models import EmailTicketCc, Mailbox, OutboundEmail
from latido.channels.tests.helpers import deliver, make_mail
from latido.tickets.enums import EventType
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.services import ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailbox(world) -> Mailbox:
    return Mailbox.objects.create(name="Help", address="help@latido.test", team=world.team)


@pytest.fixture
def cc_ticket(mailbox) -> Ticket:
    raw = deliver(mailbox, make_mail(
        subject="Invoice wrong", to="help@latido.test, Dave <Dave@Partner.test>",
        headers={"Cc": "Bob <bob@customer.test>, carol@customer.test, Help <help@latido.test>, "
                       "ana@customer.test"}))
    assert raw.ticket is not None
    return Ticket.objects.get(pk=raw.ticket.pk)


def test_cc_and_extra_to_addresses_of_the_customers_mail_are_kept_on_the_ticket(cc_ticket):
    # Our own mailbox and the sender herself are not copied.
    assert ticket_cc_addresses(cc_ticket) == [
        "bob@customer.test", "carol@customer.test", "dave@partner.test"]
    assert EmailTicketCc.objects.get(address="bob@customer.test").name == "Bob"


def test_an_agent_reply_is_copied_to_the_cc_list_in_the_envelope_and_the_header(
    world, smtp, cc_ticket
):
    ticket_reply(ticket=cc_ticket, actor=world.tier1, body="Corrected invoice attached.")

    row = OutboundEmail.objects.get()
    assert row.cc == ["bob@customer.test", "carol@customer.test", "dave@partner.test"]
    assert smtp.collector.rcpt == [["ana@customer.test", "bob@customer.test",
                                    "carol@customer.test", "dave@partner.test"]]
    mail = smtp.collector.messages[0]
    assert mail["To"] == "ana@customer.test"
    assert mail["Cc"] == "bob@customer.test, carol@customer.test, dave@partner.test"


def test_a_ccd_person_adds_to_the_ticket_by_its_reference_but_a_stranger_cannot(
    mailbox, cc_ticket
):
    subject = f"Re: Invoice wrong [{cc_ticket.reference}]"
    from_cc = deliver(mailbox, make_mail(sender="Bob <bob@customer.test>", subject=subject,
                                         body="Please also fix the VAT number."))
    stranger = deliver(mailbox, make_mail(sender="mallory@evil.test", subject=subject,
                                          body="Send me the invoice."))

    assert from_cc.ticket_id == cc_ticket.pk
    assert from_cc.ticket_message is not None
    author = from_cc.ticket_message.author_contact
    assert author is not None
    assert author.primary_email == "bob@customer.test"
    assert stranger.ticket is not None
    assert stranger.ticket.pk != cc_ticket.pk
    assert stranger.ticket.requester.primary_email == "mallory@evil.test"
    assert cc_ticket.messages.count() == 2


def test_a_participant_copying_someone_new_adds_them_and_a_stranger_does_not(
    mailbox, cc_ticket
):
    subject = f"Re: Invoice wrong [{cc_ticket.reference}]"
    deliver(mailbox, make_mail(sender="ana@customer.test", subject=subject,
                               headers={"Cc": "erin@customer.test"}))
    deliver(mailbox, make_mail(sender="mallory@evil.test", subject=subject,
                               headers={"Cc": "eve@evil.test"}))

    assert ticket_cc_addresses(cc_ticket)[-1] == "erin@customer.test"
    assert not EmailTicketCc.objects.filter(ticket=cc_ticket, address="eve@evil.test").exists()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(ticket: Ticket) -> str:
    return f"/email/tickets/{ticket.reference}/cc/"


def test_an_agent_edits_the_cc_list_on_the_ticket_page(world, smtp, cc_ticket):
    client = _client(world.tier1)
    page = client.get(f"/agent/tickets/{cc_ticket.reference}/").content.decode()
    assert "Copied on email replies (CC)" in page
    assert "carol@customer.test" in page
    assert f'action="{_url(cc_ticket)}"' in page

    response = client.post(_url(cc_ticket), {
        "cc": "carol@customer.test; Frank <FRANK@partner.test>\nbob@customer.test"})
    assert response.status_code == 303
    assert response["Location"] == f"/agent/tickets/{cc_ticket.reference}/#email-cc"
    assert sorted(ticket_cc_addresses(cc_ticket)) == [
        "bob@customer.test", "carol@customer.test", "frank@partner.test"]
    event = TicketEvent.objects.filter(ticket=cc_ticket, type=EventType.FIELD).get()
    assert event.actor == world.tier1
    assert event.data["field"] == "CC"
    assert event.data["from"] == "bob@customer.test, carol@customer.test, dave@partner.test"

    ticket_reply(ticket=cc_ticket, actor=world.tier1, body="Done.")
    assert sorted(smtp.collector.rcpt[0]) == [
        "ana@customer.test", "bob@customer.test", "carol@customer.test", "frank@partner.test"]


@pytest.mark.parametrize(("typed", "error"), [
    ("bob@customer.test, not-an-address", "not-an-address is not a valid email address."),
    ("help@latido.test", "help@latido.test is one of our own mailboxes."),
    ("ana@customer.test", "ana@customer.test is the requester, who gets every reply anyway."),
    (", ".join(f"p{i}@x.test" for i in range(21)), "A ticket can copy at most 20 addresses."),
])
def test_bad_cc_input_is_refused_with_a_message_and_nothing_changes(
    world, cc_ticket, typed, error
):
    client = _client(world.tier1)
    before = ticket_cc_addresses(cc_ticket)
    response = client.post(_url(cc_ticket), {"cc": typed}, follow=True)
    assert error in response.content.decode()
    assert ticket_cc_addresses(cc_ticket) == before
    assert not TicketEvent.objects.filter(ticket=cc_ticket, type=EventType.FIELD).exists()


@pytest.mark.parametrize("who", ["other_agent", "customer_a"])
def test_an_agent_of_another_team_or_a_customer_gets_404_and_nothing_changes(
    world, cc_ticket, who
):
    before = ticket_cc_addresses(cc_ticket)
    response = _client(getattr(world, who)).post(_url(cc_ticket), {"cc": "x@evil.test"})
    assert response.status_code == 404
    assert ticket_cc_addresses(cc_ticket) == before


def test_anonymous_visitors_are_sent_to_sign_in(cc_ticket):
    response = Client().post(_url(cc_ticket), {"cc": "x@evil.test"})
    assert response.status_code == 302
    assert ticket_cc_addresses(cc_ticket) == [
        "bob@customer.test", "carol@customer.test", "dave@partner.test"]


def test_a_collaborator_without_reply_permission_sees_no_form_and_cannot_change_it(
    world, cc_ticket
):
    from latido.tickets.services import ticket_invite

    ticket_invite(ticket=cc_ticket, actor=world.tier1, collaborator=world.collaborator)
    client = _client(world.collaborator)
    page = client.get(f"/agent/tickets/{cc_ticket.reference}/").content.decode()
    assert "carol@customer.test" in page
    assert f'action="{_url(cc_ticket)}"' not in page
    response = client.post(_url(cc_ticket), {"cc": ""}, follow=True)
    assert "You are not allowed to change who is copied on replies." in (
        response.content.decode())
    assert len(ticket_cc_addresses(cc_ticket)) == 3


def test_a_portal_ticket_page_has_no_cc_panel(world):
    page = _client(world.tier1).get(f"/agent/tickets/{world.ticket.reference}/")
    assert "Copied on email replies (CC)" not in page.content.decode()


def test_typed_cc_input_is_parsed_strictly():
    from latido.channels.email.cc import parse_cc_input
    from latido.core.errors import ValidationError

    assert parse_cc_input(' "Bob B" <Bob@X.test>; c@y.test\n\nc@y.test, ') == [
        ("Bob B", "bob@x.test"), ("", "c@y.test")]
    for typed in ("a@b.test d@e.test", "not an address", "Bob <bob@x.test", "<>"):
        with pytest.raises(ValidationError) as caught:
            parse_cc_input(typed)
        assert caught.value.message == f"{typed} is not a valid email address."
