"""The day calendar's rows kept in memory (views/daygrid.py): the same HTML as drawing them
afresh, for each viewer, and never a stale day after a booking, a cancellation, a renamed room
or a closure."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.workspace import selectors, services
from maillage.workspace.models import ClosedDay
from maillage.workspace.tests.conftest import at
from maillage.workspace.views import daygrid
from maillage.workspace.views.timeline import day_rows

pytestmark = pytest.mark.django_db


def fresh(space, day, record, now):
    """The rows drawn without the cache, as the page drew them before it existed."""
    calendar = selectors.day_calendar(space=space, day=day, viewer_record=record, now=now)
    return str(day_rows(calendar, staff=record.is_staff))


def grid(space, day, record, now):
    return str(daygrid.day_grid(space=space, day=day, viewer_record=record, now=now)[1])


@pytest.fixture
def booked(personas, ws, day):
    space = personas.filature
    made = [
        services.booking_create(
            resource=resource,
            member=member,
            starts_at=at(space, day, start),
            ends_at=at(space, day, end),
            title=title,
        )
        for resource, member, start, end, title in [
            (ws.jacquard, personas.ines, "10:00", "11:00", "Revue de maquettes"),
            (ws.jacquard, personas.hugo, "14:00", "15:30", "Client Hugo"),
            (ws.canuts, personas.hugo, "09:00", "09:30", ""),
            (ws.desks, personas.ines, "09:00", "12:00", ""),
        ]
    ]
    return made


@pytest.mark.parametrize("who", ["ines", "hugo", "malik", "claire"])
def test_it_draws_the_same_rows_as_without_the_cache_for_each_viewer(personas, booked, day, who):
    record = getattr(personas, who)
    space = personas.filature
    now = at(space, day, "09:50")  # the day is today: past time and the "now" line
    first = grid(space, day, record, now)
    again = grid(space, day, record, now)
    assert first == again == fresh(space, day, record, now)
    assert daygrid.cache.hits >= 1


def test_the_viewers_own_booking_is_theirs_on_rows_drawn_for_someone_else(personas, booked, day):
    space, now = personas.filature, at(personas.filature, day - dt.timedelta(days=1), "12:00")
    hugo_first = grid(space, day, personas.hugo, now)  # drawn and kept
    ines = grid(space, day, personas.ines, now)  # the same entry, her row redrawn
    assert daygrid.cache.hits == 1
    assert "Revue de maquettes" in ines and "Client Hugo" not in ines
    assert "Client Hugo" in hugo_first and "Revue de maquettes" not in hugo_first
    assert ines == fresh(space, day, personas.ines, now)


def test_a_new_booking_or_a_cancellation_shows_at_once(personas, ws, booked, day):
    space, now = personas.filature, at(personas.filature, day - dt.timedelta(days=1), "12:00")
    before = grid(space, day, personas.ines, now)
    assert "16:00–17:00" not in before
    made = services.booking_create(
        resource=ws.booth, member=personas.hugo,
        starts_at=at(space, day, "16:00"), ends_at=at(space, day, "17:00"),
    )  # fmt: skip
    after = grid(space, day, personas.ines, now)
    assert "Booked · 16:00–17:00" in after
    assert after == fresh(space, day, personas.ines, now)

    services.booking_cancel(booking=made, by=personas.hugo, now=now)
    cancelled = grid(space, day, personas.ines, now)
    assert "Booked · 16:00–17:00" not in cancelled
    assert cancelled == fresh(space, day, personas.ines, now) == before


def test_a_renamed_room_a_new_room_and_a_closure_show_at_once(personas, ws, booked, day):
    space, now = personas.filature, at(personas.filature, day - dt.timedelta(days=1), "12:00")
    grid(space, day, personas.ines, now)
    ws.canuts.name = "Salle des Soyeux"
    ws.canuts.save(update_fields=["name"])
    assert "Salle des Soyeux" in grid(space, day, personas.ines, now)
    services.resource_create(space=space, kind="room", name="Salle Tisserand")
    assert "Salle Tisserand" in grid(space, day, personas.ines, now)

    ClosedDay.objects.create(space=space, date=day, reason="Inventaire")
    calendar, rows = daygrid.day_grid(space=space, day=day, viewer_record=personas.ines, now=now)
    assert calendar.is_closed and calendar.closed_reason == "Inventaire"
    assert "rc-free" not in str(rows)


def test_time_moving_on_makes_the_past_grow(personas, booked, day):
    space = personas.filature
    morning = grid(space, day, personas.ines, at(space, day, "09:00"))
    noon = grid(space, day, personas.ines, at(space, day, "12:00"))
    assert morning != noon
    assert noon == fresh(space, day, personas.ines, at(space, day, "12:00"))


def test_the_page_reads_kept_rows_with_fewer_queries(
    login, personas, booked, day, django_assert_max_num_queries
):
    client = login(personas.ines)
    url = f"/bookings/?day={day:%Y-%m-%d}"
    first = client.get(url, headers={"HX-Request": "true"})
    with django_assert_max_num_queries(5):  # session, account, viewer, spaces, rows (+closure)
        second = client.get(url, headers={"HX-Request": "true"})
    assert first.content == second.content
    assert "Revue de maquettes" in second.content.decode()


def test_a_space_without_rooms_still_says_it_is_closed(personas, day):
    space, now = personas.belvedere, at(personas.belvedere, day - dt.timedelta(days=1), "12:00")
    ClosedDay.objects.create(space=space, date=day, reason="Travaux")
    calendar, rows = daygrid.day_grid(space=space, day=day, viewer_record=personas.ines, now=now)
    assert calendar.is_closed and calendar.closed_reason == "Travaux" and str(rows) == ""


def test_the_calendars_list_of_spaces_is_the_operators(personas):
    from django.http import Http404

    from maillage.core.access import viewer_for_user
    from maillage.workspace import access

    viewer = viewer_for_user(personas.ines.user)
    spaces = access.bookable_space_list(viewer, personas.ruche.pk)
    expected = list(access.bookable_spaces(viewer, personas.ruche.pk).order_by("name"))
    assert [s.pk for s in spaces] == [s.pk for s in expected]
    assert [s.name for s in spaces] == ["La Filature", "Le Belvédère", "Le Quai"]
    assert all(s.operator.name == "Ruche & Co" for s in spaces)
    assert spaces[0].opening_hours == expected[0].opening_hours
    with pytest.raises(Http404):
        access.bookable_space_list(viewer_for_user(personas.zoe.user), personas.ruche.pk)
