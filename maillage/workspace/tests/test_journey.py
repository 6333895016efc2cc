"""A member books a room for tomorrow 10:00–11:00 and sees it in the calendar; a second member
cannot book the same slot and is told why; the first member's calendar feed contains it."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
from playwright.sync_api import Page, expect

from maillage.core.tests.factories import PASSWORD
from maillage.workspace.models import Booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url, "log-in failed"


@pytest.fixture
def open_every_day(personas):
    space = personas.filature
    space.opening_hours = {
        d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    space.save(update_fields=["opening_hours"])
    return space


def test_a_member_books_tomorrow_and_a_second_member_is_told_why_not(
    live_server, page: Page, browser, personas, ws, open_every_day
):
    base = live_server.url
    tomorrow = dt.datetime.now(PARIS).date() + dt.timedelta(days=1)

    # Inès opens the calendar, goes to tomorrow, and clicks the free time of Salle Jacquard.
    log_in(page, base, personas.ines.user.email)
    page.goto(f"{base}/bookings/")
    page.get_by_role("link", name="Next day").click()
    expect(page).to_have_url(re.compile(rf"day={tomorrow:%Y-%m-%d}"))
    row = page.locator(".rc-row", has_text="Salle Jacquard")
    row.locator("a.rc-free").first.click()

    # The form opens on Salle Jacquard, tomorrow; she chooses 10:00–11:00 and books.
    expect(page.locator("#id_resource")).to_have_value(str(ws.jacquard.pk))
    page.fill("#id_day", f"{tomorrow:%Y-%m-%d}")
    page.select_option("#id_start", "10:00")
    page.select_option("#id_end", "11:00")
    page.fill("#id_title", "Atelier persona")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Salle Jacquard")
    expect(page.locator(".lead")).to_contain_text("10:00–11:00")

    # Her booking shows in the calendar of that day.
    page.goto(f"{base}/bookings/?day={tomorrow:%Y-%m-%d}")
    mine = page.locator(".rc-row", has_text="Salle Jacquard").locator(".rc-mine")
    expect(mine).to_contain_text("10:00–11:00")

    # Hugo tries the same slot and is told why he cannot have it.
    hugo = browser.new_context()
    other = hugo.new_page()
    log_in(other, base, personas.hugo.user.email)
    other.goto(
        f"{base}/bookings/new/?resource={ws.jacquard.pk}&day={tomorrow:%Y-%m-%d}"
        "&start=10:00&end=11:00"
    )
    other.get_by_role("button", name="Book", exact=True).click()
    expect(other.locator(".alert-error")).to_contain_text(
        "Salle Jacquard is already booked from 10:00 to 11:00"
    )
    hugo.close()
    assert Booking.objects.filter(resource=ws.jacquard, status="confirmed").count() == 1

    # Inès's calendar feed has the booking, at 10:00 in Paris.
    page.goto(f"{base}/bookings/mine/")
    page.get_by_role("button", name="Get my calendar link").click()
    url = page.locator("#calendar-link input[readonly]").input_value()
    assert url.startswith(base) and url.endswith(".ics")
    response = page.request.get(url)
    assert response.ok
    calendar = icalendar.Calendar.from_ical(response.body())
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Atelier persona"
    assert event.start == dt.datetime.combine(tomorrow, dt.time(10), tzinfo=PARIS)
    assert event.end == dt.datetime.combine(tomorrow, dt.time(11), tzinfo=PARIS)


def test_cancelling_a_booking_asks_first(live_server, page: Page, personas, ws, open_every_day):
    from maillage.workspace import services
    from maillage.workspace.tests.conftest import at

    tomorrow = dt.datetime.now(PARIS).date() + dt.timedelta(days=2)
    booking = services.booking_create(
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(open_every_day, tomorrow, "10:00"), ends_at=at(open_every_day, tomorrow, "11:00"),
    )  # fmt: skip
    log_in(page, live_server.url, personas.ines.user.email)
    page.goto(f"{live_server.url}/bookings/{booking.pk}/")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel this booking").click()
    page.wait_for_timeout(300)
    assert questions == ["Cancel this booking?"]
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # "No": nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel this booking").click()
    booking.refresh_from_db()
    assert booking.status == "cancelled"
