"""The phone pages: "Log a call" on the ticket page, a ticket from a call, the call banner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from latido.channels.phone.models import Call
from latido.channels.phone.services import CallDetails, call_log
from latido.channels.phone.tests.conftest import deliver, stored
from latido.customers.models import ContactIdentity
from latido.customers.services import contact_add_identity
from latido.tickets.enums import Channel, EventType
from latido.tickets.models import Ticket, TicketEvent
from latido.tickets.tests.pages import assert_csp_clean, client_for

LOG = "/phone/tickets/{ref}/call/"


def form(**fields) -> dict:
    values = {"direction": "inbound", "number": "+34 600 111 222",
              # The cast's time zone is UTC (the agent's zone is used for input).
              "started_at": (datetime.now(UTC) - timedelta(minutes=20)).strftime(
                  "%Y-%m-%dT%H:%M"),
              "duration_minutes": "4", "duration_seconds": "30", "outcome": "resolved",
              "notes": "Refund confirmed by phone."}
    values.update(fields)
    return values


def test_ticket_page_has_log_a_call_form_with_the_requesters_number(world):
    contact_add_identity(contact=world.contact_a, kind="phone", value="+34 600 111 222")
    response = client_for(world, "tier1").get(f"/agent/tickets/{world.ticket.reference}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="log-call"' in html
    assert 'value="+34600111222"' in html
    assert LOG.format(ref=world.ticket.reference) in html
    assert_csp_clean(html)


def test_logging_a_call_from_the_page(world):
    client = client_for(world, "tier1")
    response = client.post(LOG.format(ref=world.ticket.reference),
                           form(caller_name="Rita Caller"))
    assert response.status_code == 303
    assert response["Location"] == f"/agent/tickets/{world.ticket.reference}/#calls"
    call = Call.objects.get()
    assert (call.ticket_id, call.agent_id, call.duration_seconds, call.outcome) == (
        world.ticket.pk, world.tier1.pk, 270, "resolved")
    assert TicketEvent.objects.filter(type=EventType.CALL, ticket=world.ticket).count() == 1
    page = client.get(f"/agent/tickets/{world.ticket.reference}/").content.decode()
    assert "Refund confirmed by phone." in page
    assert "4 min 30 s" in page
    assert "Rita Caller" in page


def test_logging_a_call_with_the_callers_name(world):
    client_for(world, "tier1").post(LOG.format(ref=world.ticket.reference),
                                    form(caller_name="  Rita   Caller "))
    assert Call.objects.get().caller_name == "Rita Caller"


def test_agent_time_zone_is_used_for_the_start(world):
    world.tier1.time_zone = "Europe/Warsaw"
    world.tier1.save(update_fields=["time_zone"])
    warsaw = timezone.now().astimezone(ZoneInfo("Europe/Warsaw")) - timedelta(hours=1)
    client_for(world, "tier1").post(LOG.format(ref=world.ticket.reference),
                                    form(started_at=warsaw.strftime("%Y-%m-%dT%H:%M")))
    call = Call.objects.get()
    assert abs((call.started_at - warsaw).total_seconds()) < 60


@pytest.mark.parametrize(("fields", "error"), [
    ({"number": "12"}, "Not a valid phone number."),
    ({"started_at": ""}, "This field is required."),
    ({"duration_minutes": "-1"}, "greater than or equal to 0"),
    ({"direction": "sideways"}, "Select a valid choice."),
    ({"started_at": (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
     "cannot start in the future"),
])
def test_bad_form_shows_errors_and_stores_nothing(world, fields, error):
    before = stored()
    response = client_for(world, "tier1").post(LOG.format(ref=world.ticket.reference),
                                               form(**fields))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize(("who", "status"), [
    ("other_agent", 404), ("collaborator", 404), ("customer_a", 404), ("customer_b", 404),
    ("outsider_collaborator", 404),
])
def test_only_agents_who_see_the_ticket_may_log(world, who, status):
    client = client_for(world, who)
    before = stored()
    assert client.get(LOG.format(ref=world.ticket.reference)).status_code == status
    assert client.post(LOG.format(ref=world.ticket.reference), form()).status_code == status
    assert stored() == before


def test_anonymous_goes_to_sign_in(world):
    response = client_for(world, "anonymous").get(LOG.format(ref=world.ticket.reference))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "next=" in response["Location"]


def test_collaborator_sees_calls_but_no_form(world):
    call_log(actor=world.tier1, ticket=world.ticket, details=CallDetails(
        direction="inbound", number="", started_at=timezone.now() - timedelta(minutes=5),
        duration_seconds=42, outcome="voicemail"))
    html = client_for(world, "collaborator").get(
        f"/agent/tickets/{world.ticket.reference}/").content.decode()
    assert 'id="calls"' in html
    assert "42 s" in html
    assert 'id="log-call"' not in html
    assert "/phone/pop/" not in html  # no call banner for collaborators


def test_customer_portal_shows_no_call_and_no_call_notes(world):
    call_log(actor=world.tier1, ticket=world.ticket, details=CallDetails(
        direction="inbound", number="", started_at=timezone.now() - timedelta(minutes=5),
        duration_seconds=42, notes="CALL-NOTE-SECRET"))
    response = client_for(world, "customer_a").get(
        f"/portal/requests/{world.ticket.reference}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "CALL-NOTE-SECRET" not in html
    assert "logged a" not in html
    assert 'id="calls"' not in html


def test_new_ticket_from_a_call_page(world):
    client = client_for(world, "tier1")
    page = client.get("/phone/new/")
    assert page.status_code == 200
    assert_csp_clean(page.content.decode())
    response = client.post("/phone/new/", form(
        caller_name="Marta Gómez", number="+34 622 000 111", subject="Invoice question",
        description="Asks for a copy of invoice 77."))
    assert response.status_code == 303
    ticket = Ticket.objects.latest("id")
    assert response["Location"] == f"/agent/tickets/{ticket.reference}/"
    assert ticket.channel == Channel.PHONE
    assert ticket.requester.name == "Marta Gómez"
    assert Call.objects.get().ticket_id == ticket.pk


def test_new_ticket_page_errors_and_permissions(world):
    before = stored()
    response = client_for(world, "tier1").post("/phone/new/", form(subject=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    for who in ("collaborator", "customer_a"):
        assert client_for(world, who).get("/phone/new/").status_code == 404
        assert client_for(world, who).post("/phone/new/", form(subject="X")).status_code == 404
    assert stored() == before


def test_new_ticket_from_a_reported_call(world, source):
    deliver(source.pk, {"event": "ended", "call_id": "r-1", "from": "+34 633 000 000",
                        "duration": 200, "caller_name": "Luis Reported"})
    call = Call.objects.get()
    client = client_for(world, "tier1")
    page = client.get(f"/phone/new/?call={call.pk}").content.decode()
    assert 'value="+34633000000"' in page
    assert 'value="Luis Reported"' in page
    response = client.post(f"/phone/new/?call={call.pk}", form(
        number="+34633000000", subject="Reported call", duration_minutes="3",
        duration_seconds="20"))
    assert response.status_code == 303
    call.refresh_from_db()
    assert call.ticket is not None
    assert call.ticket.requester.name == "Luis Reported"
    assert TicketEvent.objects.get(type=EventType.CALL).data["duration_seconds"] == 200
    assert client.get(f"/phone/new/?call={call.pk}").status_code == 404  # now on a ticket


def test_link_a_reported_call_from_the_ticket_page(world, source):
    contact_add_identity(contact=world.contact_a, kind="phone", value="+34 644 000 000")
    deliver(source.pk, {"event": "ended", "call_id": "r-2", "from": "+34 644 000 000",
                        "duration": 61})
    call = Call.objects.get()
    client = client_for(world, "tier1")
    page = client.get(f"/agent/tickets/{world.ticket.reference}/").content.decode()
    link = f"/phone/tickets/{world.ticket.reference}/calls/{call.pk}/link/"
    assert link in page
    assert client_for(world, "other_agent").post(link, {"outcome": ""}).status_code == 404
    assert client_for(world, "collaborator").post(link, {"outcome": ""}).status_code == 404
    assert Call.objects.get().ticket_id is None
    response = client.post(link, {"outcome": "resolved", "notes": "Linked by hand"})
    assert response.status_code == 303
    call.refresh_from_db()
    assert (call.ticket_id, call.outcome) == (world.ticket.pk, "resolved")
    assert TicketEvent.objects.get(type=EventType.CALL).data["duration_seconds"] == 61


def test_incoming_call_banner(world, source):
    layout = client_for(world, "tier1").get("/agent/").content.decode()
    assert 'hx-get="/phone/pop/"' in layout
    deliver(source.pk, {"event": "ringing", "call_id": "p-1", "from": "+34 655 000 000",
                        "caller_name": "Paula Pop", "agent": world.tier1.email})
    contact_id = ContactIdentity.objects.get(kind="phone", value="+34655000000").contact_id
    client = client_for(world, "tier1")
    html = client.get("/phone/pop/").content.decode()
    assert "Incoming call from Paula Pop" in html
    assert f'href="/agent/contacts/{contact_id}/"' in html
    assert "open customer record" in html
    assert "Open ticket" not in html  # a new caller has none
    assert_csp_clean(html)
    assert "Paula Pop" not in client_for(world, "tier2").get("/phone/pop/").content.decode()
    assert client_for(world, "customer_a").get("/phone/pop/").status_code == 404
    deliver(source.pk, {"event": "answered", "call_id": "p-1", "from": "+34 655 000 000",
                        "agent": world.tier1.email})
    assert "Call in progress with Paula Pop" in client.get("/phone/pop/").content.decode()
    call = Call.objects.get()
    dismissed = client.post(f"/phone/pop/{call.pk}/dismiss/", HTTP_HX_REQUEST="true",
                            HTTP_HX_TARGET="phone-pop")
    assert dismissed.status_code == 200
    assert "Paula Pop" not in dismissed.content.decode()
    assert "Paula Pop" not in client.get("/phone/pop/").content.decode()
    assert client_for(world, "tier2").post(f"/phone/pop/{call.pk}/dismiss/").status_code == 404


def test_phone_pages_have_the_agent_sidebar_with_a_link_to_new_call_tickets(world):
    client = client_for(world, "tier1")
    for url in ("/phone/new/", LOG.format(ref=world.ticket.reference),
                f"/agent/tickets/{world.ticket.reference}/"):
        html = client.get(url).content.decode()
        assert "My tickets" in html, url
        assert 'href="/phone/new/"' in html, url


def test_timeline_shows_the_call_outcome_in_the_readers_language(world):
    world.tier1.language = "es"
    world.tier1.save(update_fields=["language"])
    call_log(actor=world.tier1, ticket=world.ticket, details=CallDetails(
        direction="inbound", number="", started_at=timezone.now() - timedelta(minutes=5),
        duration_seconds=42, outcome="callback"))
    html = client_for(world, "tier1").get(
        f"/agent/tickets/{world.ticket.reference}/").content.decode()
    timeline = html.split('id="calls"')[0]  # the timeline comes before the calls panel
    assert "Hay que devolver la llamada" in timeline
    assert "Callback needed" not in html


def test_banner_poll_is_cheap_and_stops_when_signed_out(world, django_assert_max_num_queries):
    client = client_for(world, "tier1")
    client.get("/phone/pop/")
    with django_assert_max_num_queries(3):  # session, user, calls
        assert client.get("/phone/pop/").status_code == 200
    client.logout()
    response = client.get("/phone/pop/")
    assert response.status_code == 286  # htmx stops polling; no sign-in page in the banner
    assert response.content == b""


def test_banner_links_the_callers_open_ticket(world, source):
    contact_add_identity(contact=world.contact_a, kind="phone", value="+34 600 111 222")
    deliver(source.pk, {"event": "ringing", "call_id": "p-2", "from": "+34 600 111 222",
                        "agent": world.tier1.email})
    html = client_for(world, "tier1").get("/phone/pop/").content.decode()
    assert "Incoming call from Ana Acme" in html
    assert f'href="/agent/tickets/{world.ticket.reference}/"' in html
    assert f"Open ticket {world.ticket.reference}: Charged twice" in html
    deliver(source.pk, {"event": "ringing", "call_id": "p-3", "from": "+34 600 111 222",
                        "agent": world.other_agent.email})
    other = client_for(world, "other_agent").get("/phone/pop/").content.decode()
    assert "Incoming call from Ana Acme" in other
    assert world.ticket.reference not in other  # not a ticket of their team
