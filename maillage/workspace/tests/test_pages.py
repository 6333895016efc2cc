"""The workspace pages through HTTP: booking from the form (and being told why not), the
calendars (page and htmx partial), finding a free room, staff pages for resources."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from maillage.workspace import services
from maillage.workspace.models import Booking, ClosedDay, Resource, ResourceKind
from maillage.workspace.tests.conftest import at

pytestmark = pytest.mark.django_db


def form(resource, day, start="10:00", end="11:00", **extra):
    return {"resource": resource.pk, "day": f"{day:%Y-%m-%d}", "start": start, "end": end, **extra}


def test_it_books_from_the_form_and_shows_the_booking(login, personas, ws, day):
    client = login(personas.ines)
    response = client.post("/bookings/new/", form(ws.jacquard, day, title="Revue de maquettes"))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bookings/{booking.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Revue de maquettes" in page and "10:00–11:00" in page


def test_it_tells_the_second_member_why_the_slot_cannot_be_booked(login, personas, ws, day):
    login(personas.ines).post("/bookings/new/", form(ws.jacquard, day))
    response = login(personas.hugo).post("/bookings/new/", form(ws.jacquard, day, "10:30", "11:30"))
    assert response.status_code == 409
    assert "Salle Jacquard is already booked from 10:00 to 11:00" in response.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("07:00", "08:00", "the booking must fit within these hours"),
        ("11:00", "10:00", "The end must be after the start."),
    ],
)
def test_it_explains_bad_times_on_the_form(login, personas, ws, day, start, end, message):
    response = login(personas.ines).post("/bookings/new/", form(ws.jacquard, day, start, end))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_it_explains_a_closed_day_and_a_past_day(login, personas, ws, day):
    ClosedDay.objects.create(space=personas.filature, date=day, reason="Fête de la soie")
    client = login(personas.ines)
    assert (
        "(Fête de la soie)"
        in client.post("/bookings/new/", form(ws.jacquard, day)).content.decode()
    )
    past = day - dt.timedelta(days=14)
    assert "already past" in client.post("/bookings/new/", form(ws.jacquard, past)).content.decode()


def test_it_books_a_repetition_from_the_form(login, personas, ws, day):
    response = login(personas.ines).post(
        "/bookings/new/", form(ws.canuts, day, repeat="weekly", count="3")
    )
    assert response.status_code == 302
    assert Booking.objects.filter(series__isnull=False).count() == 3


def test_it_shows_the_day_calendar_and_its_htmx_partial(login, personas, ws, day):
    services.booking_create(
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(personas.filature, day, "10:00"), ends_at=at(personas.filature, day, "11:00"),
    )  # fmt: skip
    client = login(personas.ines)
    page = client.get(f"/bookings/?day={day:%Y-%m-%d}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Salle Jacquard" in html and "rc-mine" in html and "<html" in html
    partial = client.get(f"/bookings/?day={day:%Y-%m-%d}", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert 'id="calendar"' in body and "<html" not in body
    assert "/bookings/new/?resource=" in body  # free slots are links to book them


@pytest.mark.parametrize(
    "url",
    [
        "/bookings/?day=9999-12-31",
        "/bookings/?day=0001-01-01",
        "/bookings/resources/{room}/?week=9999-12-31",
        "/bookings/new/?day=9999-12-31",
        "/plan/statement/9999-12/",
        "/plan/statement/0001-01/",
    ],
)
def test_a_date_far_outside_the_calendars_shows_today_not_an_error(login, personas, ws, url):
    response = login(personas.ines).get(url.format(room=ws.jacquard.pk))
    assert response.status_code == 200


def test_it_says_when_the_space_is_closed_that_day(login, personas, ws, day):
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    page = login(personas.ines).get(f"/bookings/?day={saturday:%Y-%m-%d}").content.decode()
    assert "La Filature is closed that day." in page


def test_it_shows_a_resources_week(login, personas, ws, day):
    services.booking_create(
        resource=ws.jacquard, member=personas.hugo,
        starts_at=at(personas.filature, day, "14:00"), ends_at=at(personas.filature, day, "15:00"),
    )  # fmt: skip
    client = login(personas.ines)
    page = client.get(f"/bookings/resources/{ws.jacquard.pk}/?week={day:%Y-%m-%d}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "14:00–15:00" in html and "Hugo" not in html
    partial = client.get(
        f"/bookings/resources/{ws.jacquard.pk}/?week={day:%Y-%m-%d}", headers={"HX-Request": "true"}
    )
    assert 'id="week"' in partial.content.decode()


def test_it_finds_free_rooms_across_the_operators_spaces(login, personas, ws, day):
    services.booking_create(
        resource=ws.jacquard, member=personas.hugo,
        starts_at=at(personas.filature, day, "10:00"), ends_at=at(personas.filature, day, "11:00"),
    )  # fmt: skip
    response = login(personas.ines).get(
        f"/bookings/find/?day={day:%Y-%m-%d}&start=10:00&end=11:00&kind=room&people=4"
    )
    names = [a.resource.name for a in response.context["results"]]
    assert "Salle Jacquard" not in names  # taken
    assert {"Salle des Canuts", "Salle Panorama"} <= set(names)  # two spaces
    assert "Sous les toits" not in names  # Le Grenier's


def test_it_estimates_a_booking_as_the_form_changes(login, personas, ws, day):
    response = login(personas.ines).get(
        "/bookings/new/estimate/", {"resource": ws.jacquard.pk, "day": f"{day:%Y-%m-%d}",
                                    "start": "10:00", "end": "12:00"},
    )  # fmt: skip
    estimate = response.context["quote"]["estimate"]
    assert (estimate.minutes, estimate.credits, estimate.price) == (120, 4, 50)
    assert "Included in your plan" in response.content.decode()


def test_it_reads_the_day_calendar_of_fifty_rooms_in_a_fixed_number_of_queries(
    login, personas, ws, day, django_assert_max_num_queries
):
    for n in range(50):
        room = services.resource_create(space=personas.filature, kind="room", name=f"Salle {n}")
        start = at(personas.filature, day, "09:00")
        services.booking_create(
            resource=room, member=personas.hugo, starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )  # fmt: skip
    client = login(personas.ines)
    with django_assert_max_num_queries(8):
        response = client.get(f"/bookings/?day={day:%Y-%m-%d}", headers={"HX-Request": "true"})
    assert response.content.decode().count('class="rc-row"') == 54  # 4 + 50


def test_it_lets_a_manager_add_a_room_and_close_a_day(login, personas, ws, day):
    client = login(personas.malik)
    response = client.post(
        f"/staff/spaces/{personas.filature.pk}/resources/new/",
        {"kind": "room", "name": "Salle Tisserand", "capacity": 6, "seats": 1,
         "free_cancel_hours": 2, "position": 0, "amenities": ["screen"], "is_bookable": "on",
         "is_active": "on", "credits_per_hour": "1.5"},
    )  # fmt: skip
    assert response.status_code == 302
    room = Resource.objects.get(name="Salle Tisserand")
    assert (room.kind, room.amenities, room.credits_per_hour) == (
        ResourceKind.ROOM,
        ["screen"],
        1.5,
    )
    services.booking_create(
        resource=room, member=personas.ines,
        starts_at=at(personas.filature, day, "10:00"), ends_at=at(personas.filature, day, "11:00"),
    )  # fmt: skip
    response = client.post(
        f"/staff/spaces/{personas.filature.pk}/closed-days/",
        {"date": f"{day:%Y-%m-%d}", "reason": "Inventaire"},
        follow=True,
    )
    assert "1 booking falls on that day" in response.content.decode()
    assert ClosedDay.objects.filter(space=personas.filature, date=day).exists()


def test_it_refuses_a_room_with_several_seats_on_the_form(login, personas, ws):
    response = login(personas.malik).post(
        f"/staff/spaces/{personas.filature.pk}/resources/new/",
        {"kind": "room", "name": "Salle X", "capacity": 6, "seats": 3, "free_cancel_hours": 2,
         "position": 0, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Only hot desks have several seats" in response.content.decode()


def test_it_refuses_a_resource_nobody_can_book_in_words(login, personas, ws):
    response = login(personas.malik).post(
        f"/staff/spaces/{personas.filature.pk}/resources/new/",
        {"kind": "room", "name": "Salle Y", "capacity": 6, "seats": 0, "free_cancel_hours": 2,
         "position": 0, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["seats"] == [
        "At least one person must be able to book it."
    ]
    assert "resource_seats_positive" not in response.content.decode()
    assert not Resource.objects.filter(name="Salle Y").exists()


def test_it_lets_a_member_register_a_guest(login, personas, ws, day):
    response = login(personas.ines).post(
        "/guests/new/",
        {
            "name": "Léa Roux",
            "kind": "guest",
            "day": f"{day:%Y-%m-%d}",
            "space": personas.filature.pk,
        },
    )
    assert response.status_code == 302
    assert personas.ines.guests.get().name == "Léa Roux"


def test_a_member_cancels_her_guest_from_the_list(login, personas, ws, day):
    client = login(personas.ines)
    client.post(
        "/guests/new/",
        {"name": "Léa Roux", "kind": "guest", "day": f"{day:%Y-%m-%d}",
         "space": personas.filature.pk},
    )  # fmt: skip
    guest = personas.ines.guests.get()
    page = client.get("/guests/new/").content.decode()
    assert f"/guests/{guest.pk}/cancel/" in page and "data-confirm" in page
    assert login(personas.hugo).post(f"/guests/{guest.pk}/cancel/").status_code == 404
    assert client.get(f"/guests/{guest.pk}/cancel/").status_code == 405
    response = login(personas.ines).post(f"/guests/{guest.pk}/cancel/", follow=True)
    assert "Léa Roux is no longer expected" in response.content.decode()
    assert not personas.ines.guests.exists()


def test_it_adds_four_queries_at_most_to_the_member_home_page(
    login, personas, ws, day, django_assert_max_num_queries
):
    from maillage.workspace import selectors

    services.booking_create(
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(personas.filature, day, "10:00"), ends_at=at(personas.filature, day, "11:00"),
    )  # fmt: skip
    with django_assert_max_num_queries(4):  # check-in, bookings, membership, what was used
        selectors.member_home(personas.ines)
    page = login(personas.ines).get("/").content.decode()
    assert "My next bookings" in page and "Salle Jacquard" in page


def test_it_cuts_a_rooms_day_into_closed_past_free_and_booked_runs():
    from maillage.workspace.selectors.calendar import Window, _free_between

    runs = _free_between(
        [(510, 720), (840, 1140)], [(600, 660, None)], Window(480, 1140), not_before=540
    )
    assert [(b.kind, b.start_label, b.end_label) for b in runs] == [
        ("closed", "08:00", "08:30"),
        ("past", "08:30", "09:00"),
        ("free", "09:00", "10:00"),
        ("free", "11:00", "12:00"),
        ("closed", "12:00", "14:00"),
        ("free", "14:00", "19:00"),
    ]


# --- the day calendar: short blocks, past time; the form's times -------------------------------


def _rows(personas, day, now=None, staff=False):
    from maillage.workspace import selectors
    from maillage.workspace.views.timeline import day_rows

    viewer = personas.malik if staff else personas.ines
    calendar = selectors.day_calendar(
        space=personas.filature, day=day, viewer_record=viewer, now=now
    )
    return str(day_rows(calendar, staff=staff))


def test_it_titles_booked_blocks_and_shows_short_ones_readably(personas, ws, day):
    space = personas.filature
    for resource, start, end in [
        (ws.jacquard, "10:00", "10:30"), (ws.canuts, "11:15", "12:00"), (ws.booth, "09:00", "11:00"),
    ]:  # fmt: skip
        services.booking_create(
            resource=resource, member=personas.hugo,
            starts_at=at(space, day, start), ends_at=at(space, day, end),
        )  # fmt: skip
    rows = _rows(personas, day)
    # 30 minutes: the start time only; 45: the word and the start; 2 hours: all of it.
    assert re.search(r'rc-busy rc-tiny" style="[^"]*" title="Booked · 10:00–10:30">', rows)
    assert '<span aria-hidden="true">10:00</span></div>' in rows
    assert 'title="Booked · 11:15–12:00"' in rows
    assert '<span aria-hidden="true">Booked</span><span aria-hidden="true">11:15</span>' in rows
    assert '<span aria-hidden="true">09:00–11:00</span>' in rows
    # Each one says everything to a screen reader.
    assert '<span class="visually-hidden">Booked · 11:15–12:00</span>' in rows
    staff = _rows(personas, day, staff=True)
    assert 'title="Hugo' in staff and "· 10:00–10:30" in staff


def test_it_shows_todays_past_hours_as_past_and_not_bookable(personas, ws, open_all_week):
    from maillage.workspace import selectors

    today = selectors.today_in(open_all_week)
    rows = _rows(personas, today, now=at(open_all_week, today, "14:07"))
    jacquard = next(r for r in rows.split('<div class="rc-row">') if "Salle Jacquard" in r)
    assert 'class="rc-b rc-past"' in jacquard and 'title="Past: no longer bookable"' in jacquard
    starts = re.findall(r";start=(\d\d:\d\d)", jacquard)
    assert starts and min(starts) == "14:00"  # the quarter under way may still be booked


def _options(html, field):
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_it_offers_only_the_opening_hours_of_the_day_on_the_form(login, personas, ws, day):
    client = login(personas.ines)
    page = client.get(f"/bookings/new/?resource={ws.jacquard.pk}&day={day:%Y-%m-%d}")
    html = page.content.decode()
    starts, ends = _options(html, "start"), _options(html, "end")
    assert (starts[0], starts[-1], len(starts)) == ("08:30", "18:45", 42)
    assert (ends[0], ends[-1]) == ("08:45", "19:00")
    # A time outside the hours still reaches the service, which says why it is refused.
    response = client.post("/bookings/new/", form(ws.jacquard, day, "07:00", "08:00"))
    assert "the booking must fit within these hours" in response.content.decode()
    assert _options(response.content.decode(), "start")[0] == "07:00"


def test_it_redraws_the_form_times_when_the_space_or_weekday_changes(login, personas, ws, day):
    personas.quai.opening_hours = {"tue": [["07:00", "22:00"]]}
    personas.quai.save(update_fields=["opening_hours"])
    client = login(personas.ines)
    page = client.get(f"/bookings/new/?resource={ws.jacquard.pk}&day={day:%Y-%m-%d}")
    key = next(
        line.split('value="')[1].split('"')[0]
        for line in page.content.decode().splitlines()
        if 'name="hours"' in line
    )
    same = client.get("/bookings/new/estimate/", {**form(ws.jacquard, day), "hours": key})
    assert "hx-swap-oob" not in same.content.decode()
    other = client.get("/bookings/new/estimate/", {**form(ws.panorama, day), "hours": key})
    html = other.content.decode()
    assert 'id="booking-times" class="form-row-contents" hx-swap-oob="true"' in html
    assert _options(html, "start")[0] == "07:00" and _options(html, "end")[-1] == "22:00"


def test_a_check_in_at_another_space_comes_with_that_space_in_one_query(
    personas, ws, django_assert_num_queries
):
    """The home page's check-in card reads today's check-in with its space, wherever it is
    (a member of La Filature working at Le Quai), in one query."""
    from maillage.workspace import selectors

    quai = personas.quai
    services.checkin_open(
        member=personas.ines, space=quai, now=at(quai, timezone.localdate(), "09:00")
    )
    with django_assert_num_queries(1):
        checkin = selectors.member_checkin_today(personas.ines)
        assert checkin.space.name == "Le Quai" and checkin.space_id == quai.pk
