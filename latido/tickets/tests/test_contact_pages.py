"""The agent's contact pages: who may open them, tickets and history across channels,
identity forms, merging, keyset pages of the history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from latido.customers.models import Contact, ContactIdentity
from latido.customers.services import contact_create
from latido.tickets.contact_selectors import contact_history_for
from latido.tickets.enums import EventType
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.services import ticket_create, ticket_reply
from latido.tickets.services.common import add_event
from latido.tickets.tests.pages import assert_csp_clean, client_for


def url(contact) -> str:
    return f"/agent/contacts/{contact.pk}/"


@pytest.fixture
def channels(world):
    """Ana also phoned and chatted: two more tickets with channel events."""
    call = ticket_create(actor=world.tier1, requester=world.contact_a, subject="Phone: refund",
                         body="Caller asked about the refund.", channel="phone", team=world.team)
    add_event(call, EventType.CALL, actor=world.tier1, data={
        "call_id": 7, "direction": "inbound", "number": "+34600111222",
        "duration_seconds": 75, "outcome": "resolved", "outcome_label": "Resolved"})
    add_event(call, EventType.CALL_MISSED, actor=None, data={
        "call_id": 8, "direction": "inbound", "number": "+34600111222"})
    chat = ticket_create(actor=world.customer_a, requester=world.contact_a,
                         subject="Chat: card declined", body="CHAT-FIRST-LINE my card fails",
                         channel="chat", team=world.team)
    add_event(chat, EventType.CHAT_STARTED, actor=world.customer_a, data={"chat_id": 3})
    add_event(chat, EventType.CHAT_ACCEPTED, actor=world.tier1,
              data={"chat_id": 3, "agent": world.tier1.pk, "waited_seconds": 12})
    add_event(chat, EventType.CHAT_ENDED, actor=None,
              data={"chat_id": 3, "duration_seconds": 300})
    return call, chat


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 404), ("customer_b", 404), ("collaborator", 404),
    ("other_agent", 404), ("tier1", 200), ("lead", 200), ("admin", 200),
])
def test_contact_page_matrix(world, name, expected):
    response = client_for(world, name).get(url(world.contact_a))

    assert response.status_code == expected
    html = response.content.decode()
    assert ("ana@acme.test" in html) == (expected == 200)
    assert ("Charged twice" in html) == (expected == 200)


def test_the_contact_page_shows_tickets_identities_and_history_across_channels(world,
                                                                               channels):
    contact_create(name="Unrelated", emails=["x@y.test"])
    ContactIdentity.objects.create(contact=world.contact_a, kind="phone", value="+34600111222")

    response = client_for(world, "tier1").get(url(world.contact_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert_csp_clean(html)
    for text in ("<h1>Ana Acme</h1>", "Acme", "ana@acme.test", "+34600111222",
                 "Charged twice", "Phone: refund", "Chat: card declined", "Live chat",
                 "We are looking into it.", "CHAT-FIRST-LINE",
                 "logged a inbound call (1 min 15 s, Resolved)",
                 "Missed inbound call from +34600111222.",
                 "Tomás Tier1 accepted the chat after 12 s of waiting.",
                 "The chat ended after 5 min 0 s.", 'name="csrfmiddlewaretoken"'):
        assert text in html, text
    assert "SECRET-NOTE" not in html  # the history shows interactions, not internal notes
    assert "Unrelated" not in html
    # Newest first: the chat's end comes before the call, which comes before the first reply.
    assert html.index("The chat ended") < html.index("Missed inbound call") < html.index(
        "We are looking into it.")


def test_another_teams_tickets_are_left_out_for_an_agent(world, channels):
    hidden = ticket_create(actor=world.other_agent, requester=world.contact_a,
                           subject="HIDDEN-DEVICES-TICKET", body="HIDDEN-BODY", channel="email",
                           team=world.other_team)
    add_event(hidden, EventType.CALL, actor=world.other_agent, data={
        "call_id": 9, "direction": "outbound", "number": "+1555000111",
        "duration_seconds": 5, "outcome": "HIDDEN-OUTCOME"})

    tier1 = client_for(world, "tier1").get(url(world.contact_a)).content.decode()
    admin = client_for(world, "admin").get(url(world.contact_a)).content.decode()
    other = client_for(world, "other_agent").get(url(world.contact_a))

    for secret in ("HIDDEN-DEVICES-TICKET", "HIDDEN-BODY", "HIDDEN-OUTCOME"):
        assert secret not in tier1
        assert secret in admin
    # The other team's agent sees that one ticket, and nothing of the Payments team.
    assert other.status_code == 200
    assert "HIDDEN-DEVICES-TICKET" in other.content.decode()
    assert "Charged twice" not in other.content.decode()


def test_a_contact_without_tickets_opens_for_any_agent(world):
    fresh = contact_create(name="Fresh Lead", emails=["fresh@lead.test"])

    assert client_for(world, "other_agent").get(url(fresh)).status_code == 200
    assert client_for(world, "customer_a").get(url(fresh)).status_code == 404
    assert client_for(world, "collaborator").get(url(fresh)).status_code == 404


def test_history_pages_by_keyset_without_gaps_or_repeats(world, django_assert_max_num_queries):
    ticket = world.ticket
    base = timezone.now() - dt.timedelta(days=1)
    for i in range(7):
        add_event(ticket, EventType.CALL_MISSED, actor=None,
                  data={"call_id": i, "direction": "inbound", "number": f"+3460000{i}"})
    # Several entries share one instant: the cursor must still split them exactly.
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket=ticket, type=EventType.CALL, actor_role="system",
                    data={"call_id": 100 + i, "duration_seconds": i},
                    created_at=base + dt.timedelta(minutes=i // 3))
        for i in range(9)
    ])
    everything = contact_history_for(actor=world.tier1, contact=world.contact_a, limit=1000)
    seen, cursor = [], None
    while True:
        page = contact_history_for(actor=world.tier1, contact=world.contact_a, cursor=cursor,
                                   limit=4)
        seen += [(e.kind, e.order) for e in page.entries]
        assert len(page.entries) <= 4
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = [(e.kind, e.order) for e in everything.entries]
    assert seen == expected
    assert len(expected) == len(set(expected)) == 7 + 9 + 3  # + created, first message, reply
    times = [e.at for e in everything.entries]
    assert times == sorted(times, reverse=True)


def test_the_history_more_button_loads_the_next_page_with_htmx(world):
    for i in range(30):
        add_event(world.ticket, EventType.CALL_MISSED, actor=None,
                  data={"call_id": i, "direction": "inbound", "number": f"+4860000{i:02d}"})
    client = client_for(world, "tier1")

    first = client.get(url(world.contact_a)).content.decode()
    cursor = re.search(r'href="\?history=([^"#&]+)', first).group(1)
    more = client.get(f"{url(world.contact_a)}?history={cursor}",
                      headers={"HX-Request": "true", "HX-Target": "history-more"})

    assert first.count('class="history-item"') == 25
    assert more.status_code == 200
    body = more.content.decode()
    assert "<html" not in body
    assert body.count('class="history-item"') == 33 - 25  # 30 calls, created, first message, reply
    assert "+486000000" in body
    assert "+486000029" not in body
    bad = client.get(f"{url(world.contact_a)}?history=garbage")
    assert bad.status_code == 303


def test_the_requester_links_to_the_contact_page_and_the_nav_to_the_list(world):
    html = client_for(world, "tier1").get(
        f"/agent/tickets/{world.ticket.reference}/").content.decode()
    assert f'href="/agent/contacts/{world.contact_a.pk}/"' in html
    assert 'href="/agent/contacts/"' in html
    collaborator = client_for(world, "collaborator").get(
        f"/agent/tickets/{world.ticket.reference}/").content.decode()
    assert "/agent/contacts/" not in collaborator


@pytest.mark.parametrize(("name", "expected"), [
    ("anonymous", 302), ("customer_a", 404), ("collaborator", 404), ("tier1", 200),
])
def test_contacts_list_matrix(world, name, expected):
    assert client_for(world, name).get("/agent/contacts/").status_code == expected


def test_contacts_search_by_name_email_and_phone_spellings(world):
    contact_create(name="Zofia Kowalska", emails=["zofia@example.pl"], phones=["+48 600 100 200"])
    client = client_for(world, "tier1")

    def names(q: str) -> list[str]:
        html = client.get("/agent/contacts/", {"q": q}).content.decode()
        return re.findall(r'<a href="/agent/contacts/\d+/">([^<]+)</a>', html)

    assert names("kowal") == ["Zofia Kowalska"]
    assert names("ZOFIA@example") == ["Zofia Kowalska"]
    assert names("600 100 200") == ["Zofia Kowalska"]
    assert names("600-100") == ["Zofia Kowalska"]
    assert "Bob Globex" not in names("")  # Bob's only ticket is in another team
    assert names("") == ["Alan Acme", "Ana Acme", "Zofia Kowalska"]
    partial = client.get("/agent/contacts/", {"q": "kowal"},
                         headers={"HX-Request": "true", "HX-Target": "contact-list"})
    assert "<html" not in partial.content.decode()
    assert_csp_clean(client.get("/agent/contacts/").content.decode())


def test_agents_add_and_remove_identities_on_the_page(world):
    client = client_for(world, "tier1")
    add = f"{url(world.contact_a)}identities/"

    response = client.post(add, {"kind": "phone", "value": "0034 600 111 222"})
    assert response.status_code == 303
    ident = world.contact_a.identities.get(kind="phone")
    assert ident.value == "+34600111222"

    clash = client.post(add, {"kind": "email", "value": "BOB@globex.test"})
    assert clash.status_code == 400
    html = clash.content.decode()
    assert "Bob Globex" in html
    assert "merge the two contacts" in html
    assert f"?source={world.contact_b.pk}" in html

    last = world.contact_a.identities.get(kind="email")
    refused = client.post(f"{url(world.contact_a)}identities/{last.pk}/remove/", follow=True)
    assert "last email address" in refused.content.decode()
    assert ContactIdentity.objects.filter(pk=last.pk).exists()

    assert client.post(f"{url(world.contact_a)}identities/{ident.pk}/remove/").status_code == 303
    assert not ContactIdentity.objects.filter(pk=ident.pk).exists()
    # Another contact's identity through this contact's URL is a 404.
    bobs = world.contact_b.identities.get()
    admin = client_for(world, "admin")
    assert admin.post(f"{url(world.contact_a)}identities/{bobs.pk}/remove/").status_code == 404
    # Customers and other teams never reach the forms.
    for name in ("customer_a", "other_agent", "collaborator"):
        assert client_for(world, name).post(
            add, {"kind": "phone", "value": "+1 555 123 4567"}).status_code == 404
    assert not ContactIdentity.objects.filter(value="+15551234567").exists()


def test_merge_on_the_page_search_confirm_and_merge(world):
    dup = contact_create(name="Ana at home", emails=["ana@home.test"])
    ticket = ticket_create(actor=world.tier1, requester=dup, subject="Home order",
                           body="Hi", channel="email", team=world.team)
    ticket_reply(ticket=ticket, actor=world.tier1, body="Answered")
    client = client_for(world, "tier1")
    merge = f"{url(world.contact_a)}merge/"

    found = client.get(merge, {"q": "home.test"},
                       headers={"HX-Request": "true", "HX-Target": "merge-results"})
    assert "<html" not in found.content.decode()
    assert f"?source={dup.pk}" in found.content.decode()
    confirm = client.get(merge, {"source": dup.pk})
    html = confirm.content.decode()
    assert_csp_clean(html)
    assert "Home order" in html
    assert "ana@home.test" in html
    assert Contact.objects.filter(pk=dup.pk).exists()  # a GET changes nothing

    done = client.post(merge, {"source": dup.pk}, follow=True)

    assert done.status_code == 200
    assert "Ana at home was merged into Ana Acme; 1 ticket moved." in done.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).requester == world.contact_a
    assert not Contact.objects.filter(pk=dup.pk).exists()
    merged = done.content.decode()
    assert "Merged into this contact" in merged
    assert "Ana at home" in merged
    assert "By Tomás Tier1," in merged
    again = client.post(merge, {"source": dup.pk}, follow=True)
    assert "already merged" in again.content.decode()


def test_merge_refusals_on_the_page(world):
    client = client_for(world, "admin")
    both = client.get(f"{url(world.contact_a)}merge/", {"source": world.contact_b.pk})
    assert "Both contacts sign in to the portal" in both.content.decode()
    assert 'name="source"' not in both.content.decode()

    refused = client.post(f"{url(world.contact_a)}merge/", {"source": world.contact_b.pk},
                          follow=True)
    assert "Both contacts sign in to the portal" in refused.content.decode()
    assert Contact.objects.filter(pk=world.contact_b.pk).exists()
    assert client.post(f"{url(world.contact_a)}merge/",
                       {"source": world.contact_a.pk}, follow=True).status_code == 200
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()
    # tier1 cannot see Bob's tickets: 404, nothing moves.
    assert client_for(world, "tier1").post(
        f"{url(world.contact_a)}merge/", {"source": world.contact_b.pk}).status_code == 404
    assert client_for(world, "customer_a").post(
        f"{url(world.contact_a)}merge/", {"source": world.contact_b.pk}).status_code == 404
    assert Ticket.objects.get(pk=world.ticket_b.pk).requester == world.contact_b
