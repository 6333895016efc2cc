"""iCalendar files and feeds: valid RFC 5545, stable UIDs, changes and cancellations."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from maillage.events import ical, services
from maillage.events.models import EventVisibility

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def check_rfc5545(body: bytes) -> icalendar.Calendar:
    """What any calendar app relies on: CRLF lines of at most 75 octets, the required
    properties, and a VTIMEZONE for every TZID used."""
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        assert b"\n" not in line
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    tzids = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert prop in event, prop
        tzid = event["DTSTART"].params.get("TZID")
        if tzid:
            assert tzid in tzids
    return calendar


def test_it_writes_one_event_as_a_valid_calendar_file(personas, make_event, rooms):
    event = make_event(
        room=rooms.jacquard,
        title="Atelier accessibilité numérique : audit RGAA, bonnes pratiques et outils libres",
        description="Apportez vos maquettes ; on regarde ensemble.\nCafé offert.",
    )
    calendar = check_rfc5545(ical.event_ics(event))
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@127.0.0.1"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent.decoded("DTSTART") == event.starts_at.astimezone(PARIS)
    assert vevent.decoded("DTSTART").strftime("%H:%M") == "12:30"
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent["LOCATION"]).startswith("Salle Jacquard, La Filature")
    assert "Café offert." in str(vevent["DESCRIPTION"])
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert int(vevent["SEQUENCE"]) == 0
    assert str(vevent["URL"]).endswith(f"/events/{event.pk}/")


def test_it_raises_the_sequence_on_a_change_and_marks_a_cancellation(personas, make_event):
    event = make_event()
    event = services.event_update(event=event, by=personas.malik, title="Déjeuner (salle du haut)")
    (vevent,) = check_rfc5545(ical.event_ics(event)).walk("VEVENT")
    assert int(vevent["SEQUENCE"]) == 1
    services.event_cancel(event=event, by=personas.malik)
    event.refresh_from_db()
    (vevent,) = check_rfc5545(ical.event_ics(event)).walk("VEVENT")
    assert (str(vevent["STATUS"]), int(vevent["SEQUENCE"])) == ("CANCELLED", 2)
    assert str(vevent["UID"]) == f"event-{event.pk}@127.0.0.1"


def test_it_serves_my_events_on_a_secret_url_until_revoked(
    client, login, personas, make_event, members
):
    going = make_event(title="Je viens")
    make_event(title="Je ne viens pas", start="14:00", end="15:00")
    services.event_rsvp(event=going, member=personas.ines, status="going")
    login(personas.ines).post(reverse("event_feed_create"))
    page = login(personas.ines).get(reverse("event_mine")).content.decode()
    url = page.split('id="feed-url" value="')[1].split('"')[0]
    client.logout()
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = check_rfc5545(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Je viens"]
    assert [str(e["STATUS"]) for e in calendar.walk("VEVENT")] == ["CONFIRMED"]
    # A place on the waiting list, or a "maybe", is not a confirmed one: TENTATIVE, and said.
    full = make_event(title="Complet", start="16:00", end="17:00", capacity=1)
    services.event_rsvp(event=full, member=members[0], status="going")
    services.event_rsvp(event=full, member=personas.ines, status="going")  # waitlisted
    with translation.override("en"):
        events = check_rfc5545(client.get(url).content).walk("VEVENT")
    by_title = {str(e["SUMMARY"]): str(e["STATUS"]) for e in events}
    assert by_title == {"Je viens": "CONFIRMED", "(Waiting list) Complet": "TENTATIVE"}
    login(personas.ines).post(reverse("event_feed_revoke"))
    client.logout()
    assert client.get(url).status_code == 410
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404


def test_it_publishes_a_spaces_public_events_as_a_public_feed(client, personas, make_event):
    make_event(title="Réservé aux membres")
    make_event(title="Portes ouvertes", visibility=EventVisibility.PUBLIC, start="16:00",
               end="18:00")  # fmt: skip
    response = client.get(reverse("event_space_ics", args=["la-filature"]))
    calendar = check_rfc5545(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Portes ouvertes"]
    assert str(calendar["X-WR-CALNAME"]) == "Events — La Filature"


def test_it_lets_a_member_download_an_event_but_not_an_outsider(
    client, login, personas, make_event
):
    event = make_event()
    url = reverse("event_ics", args=[event.pk])
    response = login(personas.hugo).get(url)
    assert response.status_code == 200
    check_rfc5545(response.content)
    assert login(personas.zoe).get(url).status_code == 404


def test_it_writes_a_timezone_valid_for_both_sides_of_the_clock_change(personas):
    space = personas.filature
    now = dt.datetime(2026, 10, 1, 8, 0, tzinfo=PARIS)
    first = services.event_propose(
        proposer=personas.malik, operator=personas.ruche, space=space, title="Déjeuner",
        kind="lunch", starts_at=dt.datetime(2026, 10, 22, 12, 30, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 10, 22, 13, 30, tzinfo=PARIS),
        recurrence="FREQ=WEEKLY;COUNT=2", now=now,
    )  # fmt: skip
    body = ical.calendar_bytes(name="x", events=first.series.events.order_by("starts_at"))
    calendar = check_rfc5545(body)
    starts = [e.decoded("DTSTART") for e in calendar.walk("VEVENT")]
    assert [s.strftime("%H:%M") for s in starts] == ["12:30", "12:30"]
    assert [s.utcoffset() for s in starts] == [dt.timedelta(hours=2), dt.timedelta(hours=1)]
