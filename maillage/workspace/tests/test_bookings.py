"""The booking rules, through the services: what is refused (with which sentence), what is
charged, and that a refused booking writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.workspace import services
from maillage.workspace.models import Booking, BookingStatus
from maillage.workspace.tests.conftest import at

pytestmark = pytest.mark.django_db


def book(resource, member, day, start, end, **kwargs):
    space = resource.space
    return services.booking_create(
        resource=resource,
        member=member,
        starts_at=at(space, day, start),
        ends_at=at(space, day, end),
        **kwargs,
    )


def nothing_written(member):
    return (
        not Booking.objects.filter(member=member).exists()
        and not Activity.objects.filter(member=member, kind=ActivityKind.BOOKED).exists()
    )


def test_it_books_a_room_and_records_it_in_the_ledger(personas, ws, day):
    booking = book(ws.jacquard, personas.ines, day, "10:00", "11:00", title="Point client")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == at(personas.filature, day, "10:00")
    assert booking.starts_at.utcoffset() == dt.timedelta(0)  # stored in UTC
    assert (booking.credits, booking.billable_credits, booking.price) == (2, 0, 25)
    line = Activity.objects.get(member=personas.ines, kind=ActivityKind.BOOKED)
    assert (line.target_id, line.payload["minutes"]) == (booking.pk, 60)


def test_it_refuses_an_overlapping_booking_and_says_when_the_room_is_taken(personas, ws, day):
    book(ws.jacquard, personas.ines, day, "10:00", "11:00")
    with pytest.raises(services.SlotTaken, match="already booked from 10:00 to 11:00"):
        book(ws.jacquard, personas.hugo, day, "10:30", "11:30")
    assert nothing_written(personas.hugo)


def test_it_lets_bookings_touch_end_to_start(personas, ws, day):
    book(ws.jacquard, personas.ines, day, "10:00", "11:00")
    assert book(ws.jacquard, personas.hugo, day, "11:00", "12:00").pk


def test_it_frees_the_slot_when_a_booking_is_cancelled(personas, ws, day):
    first = book(ws.jacquard, personas.ines, day, "10:00", "11:00")
    services.booking_cancel(booking=first, by=personas.ines)
    assert book(ws.jacquard, personas.hugo, day, "10:00", "11:00").pk


def test_it_refuses_a_booking_in_the_past(personas, ws):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DomainError, match="already past"):
        book(ws.jacquard, personas.ines, yesterday, "10:00", "11:00")
    assert nothing_written(personas.ines)


def test_it_refuses_a_booking_outside_opening_hours(personas, ws, day):
    with pytest.raises(DomainError, match="open 08:30–19:00") as error:
        book(ws.jacquard, personas.ines, day, "18:30", "19:30")
    assert error.value.field == "start"
    assert nothing_written(personas.ines)


def test_it_refuses_a_booking_on_a_weekend_when_the_space_is_closed(personas, ws, day):
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    with pytest.raises(DomainError, match="La Filature is closed on"):
        book(ws.jacquard, personas.ines, saturday, "10:00", "11:00")


def test_it_refuses_a_booking_on_a_closed_day_and_gives_the_reason(personas, ws, day):
    services.closed_day_add(space=personas.filature, date=day, reason="inventaire")
    with pytest.raises(DomainError, match=r"closed on .* \(inventaire\)"):
        book(ws.jacquard, personas.ines, day, "10:00", "11:00")
    assert nothing_written(personas.ines)


def test_it_refuses_times_off_the_quarter_hour(personas, ws, day):
    with pytest.raises(DomainError, match="quarter hour"):
        book(ws.jacquard, personas.ines, day, "10:05", "11:00")


def test_it_refuses_an_end_before_the_start(personas, ws, day):
    with pytest.raises(DomainError, match="end must be after"):
        book(ws.jacquard, personas.ines, day, "11:00", "10:00")


def test_it_refuses_bookings_more_than_a_year_ahead(personas, ws):
    far = timezone.localdate() + dt.timedelta(days=400)
    far += dt.timedelta(days=(1 - far.weekday()) % 7)
    with pytest.raises(DomainError, match="a year ahead"):
        book(ws.jacquard, personas.ines, far, "10:00", "11:00")


def test_it_refuses_a_member_of_another_operator(personas, ws, day):
    with pytest.raises(DomainError, match="Only members of this community"):
        book(ws.jacquard, personas.zoe, day, "10:00", "11:00")


def test_it_gives_hot_desks_seat_by_seat_until_the_area_is_full(personas, ws, day):
    seats = [
        book(ws.desks, who, day, "09:00", "18:00").seat
        for who in (personas.ines, personas.hugo, personas.malik)
    ]
    assert seats == [1, 2, 3]
    with pytest.raises(services.SlotTaken, match="All 3 seats of Open space are taken"):
        book(ws.desks, personas.claire, day, "12:00", "13:00")
    assert book(ws.desks, personas.claire, day, "18:00", "19:00").seat == 1


def test_it_charges_the_cheapest_rate_and_counts_credits_beyond_the_allowance_as_billable(
    personas, ws, day
):
    # Résident: 4 credits a month. Jacquard: 2/h, 6 per half-day, 10 per day.
    first = book(ws.jacquard, personas.ines, day, "09:00", "10:00")  # 2 credits, included
    second = book(ws.jacquard, personas.ines, day, "10:00", "13:00")  # 6 (half-day): 2 + 4 over
    assert (first.credits, first.billable_credits, first.billable_amount) == (2, 0, 0)
    assert (second.credits, second.billable_credits) == (6, 4)
    assert second.price == 75  # three hours at 25 is cheaper than a half-day at 80
    assert second.billable_amount == Decimal("50.00")  # 4/6 of the price


def test_it_charges_the_whole_price_to_a_member_without_a_plan(personas, ws, day):
    booking = book(ws.panorama, personas.hugo, day, "14:00", "16:00")
    assert (booking.credits, booking.billable_credits, booking.billable_amount) == (6, 6, 60)


def test_it_refuses_going_beyond_the_allowance_when_the_plan_forbids_it(personas, ws, day):
    services.membership_start(member=personas.hugo, plan=ws.strict, starts_on=ws.membership_start)
    book(ws.canuts, personas.hugo, day, "09:00", "10:00")  # 1 of 2 credits
    with pytest.raises(DomainError, match=r"only 1\.00 are left on your Temps partiel plan"):
        book(ws.canuts, personas.hugo, day, "10:00", "12:00")
    assert Booking.objects.filter(member=personas.hugo).count() == 1


def test_it_lets_a_member_cancel_for_free_until_two_hours_before(personas, ws, day):
    booking = book(ws.jacquard, personas.ines, day, "10:00", "11:00")
    early = at(personas.filature, day, "07:59")
    cancelled = services.booking_cancel(booking=booking, by=personas.ines, now=early)
    assert cancelled.status == BookingStatus.CANCELLED
    assert not cancelled.late_cancellation
    assert cancelled.sequence == 1
    line = Activity.objects.get(member=personas.ines, kind=ActivityKind.BOOKING_CANCELLED)
    assert line.target_id == booking.pk


def test_it_counts_a_late_cancellation_against_the_allowance(personas, ws, day):
    booking = book(ws.jacquard, personas.ines, day, "10:00", "11:00")
    late = at(personas.filature, day, "09:00")
    cancelled = services.booking_cancel(booking=booking, by=personas.ines, now=late)
    assert cancelled.late_cancellation
    assert Booking.objects.counted().filter(pk=booking.pk).exists()


def test_it_refuses_to_cancel_twice_or_after_the_start(personas, ws, day):
    booking = book(ws.jacquard, personas.ines, day, "10:00", "11:00")
    with pytest.raises(DomainError, match="has started"):
        services.booking_cancel(
            booking=booking, by=personas.ines, now=at(personas.filature, day, "10:15")
        )
    # The manager may free the room once it has started, and for free.
    cancelled = services.booking_cancel(
        booking=booking, by=personas.malik, now=at(personas.filature, day, "10:15")
    )
    assert not cancelled.late_cancellation
    with pytest.raises(DomainError, match="already cancelled"):
        services.booking_cancel(booking=booking, by=personas.malik)


def test_it_books_a_weekly_repetition_at_the_same_local_time(personas, ws, day):
    bookings = services.booking_create_recurring(
        resource=ws.jacquard, member=personas.ines, day=day, start=dt.time(9), end=dt.time(10),
        frequency="weekly", count=4,
    )  # fmt: skip
    assert [b.starts_at.astimezone(personas.filature.tz).time() for b in bookings] == [
        dt.time(9)
    ] * 4
    assert [b.starts_at.astimezone(personas.filature.tz).date() for b in bookings] == [
        day + dt.timedelta(weeks=i) for i in range(4)
    ]
    assert len({b.series_id for b in bookings}) == 1


def test_it_books_no_part_of_a_repetition_when_one_date_is_taken(personas, ws, day):
    book(ws.jacquard, personas.hugo, day + dt.timedelta(weeks=2), "09:00", "10:00")
    with pytest.raises(DomainError, match="Nothing was booked, because 1 of the 4 dates"):
        services.booking_create_recurring(
            resource=ws.jacquard, member=personas.ines, day=day, start=dt.time(9),
            end=dt.time(10), frequency="weekly", count=4,
        )  # fmt: skip
    assert nothing_written(personas.ines)


def test_it_lets_staff_book_for_a_member_and_records_who_booked(personas, ws, day):
    booking = book(ws.jacquard, personas.ines, day, "10:00", "11:00", booked_by=personas.malik)
    assert (booking.member, booking.booked_by) == (personas.ines, personas.malik)
    line = Activity.objects.get(member=personas.ines, kind=ActivityKind.BOOKED)
    assert line.payload["by_staff"] is True


# --- daylight saving ---------------------------------------------------------------------


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def _next_change(month: int) -> dt.date:
    today = timezone.localdate()
    change = _last_sunday(today.year, month)
    return change if change > today + dt.timedelta(days=1) else _last_sunday(today.year + 1, month)


def test_it_stores_a_booking_across_the_october_change_as_four_real_hours(
    personas, ws, open_all_week
):
    sunday = _next_change(10)
    starts_at, ends_at = services.booking_interval(
        space=open_all_week, day=sunday, start=dt.time(1), end=dt.time(4)
    )
    booking = services.booking_create(
        resource=ws.jacquard, member=personas.ines, starts_at=starts_at, ends_at=ends_at
    )
    booking.refresh_from_db()
    assert booking.starts_at == dt.datetime.combine(sunday, dt.time(23), tzinfo=dt.UTC) - (
        dt.timedelta(days=1)
    )  # 01:00 CEST = 23:00 UTC the day before
    assert booking.ends_at == dt.datetime.combine(sunday, dt.time(3), tzinfo=dt.UTC)  # 04:00 CET
    assert booking.minutes == 240
    assert booking.credits == 6  # four real hours: one half-day (6), not 3 h at 2 an hour
    # The hour between 02:00 and 03:00 happens twice that night: another booking from 02:00
    # (summer time) to 03:00 (winter time) would overlap it.


def test_it_refuses_a_time_the_clocks_skip_in_march(personas, ws, open_all_week):
    sunday = _next_change(3)
    with pytest.raises(DomainError, match=r"02:30 does not exist on .*clocks go forward"):
        services.booking_interval(
            space=open_all_week, day=sunday, start=dt.time(2, 30), end=dt.time(4)
        )


def test_it_refuses_a_time_that_happens_twice_in_october(personas, ws, open_all_week):
    sunday = _next_change(10)
    with pytest.raises(DomainError, match="02:30 happens twice"):
        services.booking_interval(
            space=open_all_week, day=sunday, start=dt.time(2, 30), end=dt.time(4)
        )


def test_it_counts_the_march_night_as_two_real_hours(personas, ws, open_all_week):
    sunday = _next_change(3)
    starts_at, ends_at = services.booking_interval(
        space=open_all_week, day=sunday, start=dt.time(1), end=dt.time(4)
    )
    booking = services.booking_create(
        resource=ws.canuts, member=personas.ines, starts_at=starts_at, ends_at=ends_at
    )
    assert booking.minutes == 120
    assert booking.credits == 2  # 1 credit an hour, two real hours
