"""iCalendar feeds, parsed back with the `icalendar` library: time zones, UIDs, changes,
cancellations, and secret URLs that can be revoked."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.workspace import services
from maillage.workspace.tests.conftest import at

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def feed_url(feed) -> str:
    return reverse("calendar_feed", kwargs={"feed_id": feed.pk, "token": services.feed_token(feed)})


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def booking(personas, ws, day):
    return services.booking_create(
        resource=ws.jacquard,
        member=personas.ines,
        starts_at=at(personas.filature, day, "10:00"),
        ends_at=at(personas.filature, day, "11:00"),
        title="Atelier UX",
    )


def test_it_serves_a_members_bookings_with_their_paris_time_zone(client, personas, booking, day):
    feed = services.calendar_feed_get_or_create(owner=personas.ines)
    calendar, found = events(client, feed_url(feed))
    assert len(found) == 1
    event = next(iter(found.values()))
    assert str(event["uid"]) == f"booking-{booking.pk}@testserver"
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.start == dt.datetime.combine(day, dt.time(10), tzinfo=PARIS)
    assert event.end == dt.datetime.combine(day, dt.time(11), tzinfo=PARIS)
    assert str(event["summary"]) == "Atelier UX"
    assert "Salle Jacquard" in str(event["location"])
    assert str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) == 0
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_it_keeps_the_uid_and_marks_a_cancelled_booking_with_a_higher_sequence(
    client, personas, booking
):
    feed = services.calendar_feed_get_or_create(owner=personas.ines)
    _, before = events(client, feed_url(feed))
    services.booking_cancel(booking=booking, by=personas.ines)
    _, after = events(client, feed_url(feed))
    assert before.keys() == after.keys()  # same UID
    event = after[f"booking-{booking.pk}@testserver"]
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1


def test_it_leaves_out_bookings_cancelled_long_ago(client, personas, booking):
    feed = services.calendar_feed_get_or_create(owner=personas.ines)
    services.booking_cancel(booking=booking, by=personas.ines)
    type(booking).objects.filter(pk=booking.pk).update(
        cancelled_at=timezone.now() - dt.timedelta(days=31)
    )
    _, found = events(client, feed_url(feed))
    assert found == {}


def test_it_shows_a_booking_across_the_october_change_at_the_right_hours(
    client, personas, ws, open_all_week
):
    today = timezone.localdate()
    year = today.year if today < dt.date(today.year, 10, 24) else today.year + 1
    sunday = max(dt.date(year, 10, d) for d in range(25, 32) if dt.date(year, 10, d).weekday() == 6)
    starts_at, ends_at = services.booking_interval(
        space=open_all_week, day=sunday, start=dt.time(1), end=dt.time(4)
    )
    services.booking_create(
        resource=ws.jacquard, member=personas.ines, starts_at=starts_at, ends_at=ends_at
    )
    feed = services.calendar_feed_get_or_create(owner=personas.ines)
    _, found = events(client, feed_url(feed))
    event = next(iter(found.values()))
    assert event.start.utcoffset() == dt.timedelta(hours=2)  # 01:00 summer time
    assert event.end.utcoffset() == dt.timedelta(hours=1)  # 04:00 winter time
    assert (event.start.hour, event.end.hour) == (1, 4)
    assert event.end.astimezone(dt.UTC) - event.start.astimezone(dt.UTC) == dt.timedelta(hours=4)


def test_it_refuses_a_revoked_url_and_serves_the_new_one(client, personas, booking):
    old = services.calendar_feed_get_or_create(owner=personas.ines)
    new = services.calendar_feed_revoke(feed=old)
    response = client.get(feed_url(old))
    assert response.status_code == 410
    assert "revoked" in response.content.decode()
    assert new.pk != old.pk and feed_url(new) != feed_url(old)
    events(client, feed_url(new))
    assert services.calendar_feed_get_or_create(owner=personas.ines) == new


def test_it_answers_404_to_a_guessed_token(client, personas, booking):
    feed = services.calendar_feed_get_or_create(owner=personas.ines)
    url = reverse("calendar_feed", kwargs={"feed_id": feed.pk, "token": "0" * 32})
    assert client.get(url).status_code == 404
    url = reverse("calendar_feed", kwargs={"feed_id": 999_999, "token": services.feed_token(feed)})
    assert client.get(url).status_code == 404


def test_it_shows_a_rooms_feed_without_names_to_a_member_and_with_them_to_staff(
    client, personas, ws, booking
):
    member_feed = services.calendar_feed_get_or_create(owner=personas.hugo, resource=ws.jacquard)
    _, found = events(client, feed_url(member_feed))
    assert [str(e["summary"]) for e in found.values()] == ["Booked"]
    staff_feed = services.calendar_feed_get_or_create(owner=personas.malik, resource=ws.jacquard)
    _, found = events(client, feed_url(staff_feed))
    assert [str(e["summary"]) for e in found.values()] == ["Ines Moreau — Atelier UX"]


def test_it_makes_and_revokes_links_from_the_bookings_page(login, personas, booking):
    client = login(personas.ines)
    assert "Get my calendar link" in client.get("/bookings/mine/").content.decode()
    client.post("/bookings/calendar-link/")
    page = client.get("/bookings/mine/").content.decode()
    feed = personas.ines.calendar_feeds.get()
    assert f"http://testserver{feed_url(feed)}" in page
    client.post(f"/bookings/calendar-link/{feed.pk}/revoke/")
    assert personas.ines.calendar_feeds.filter(revoked_at__isnull=True).count() == 1
    assert client.get(feed_url(feed)).status_code == 410
