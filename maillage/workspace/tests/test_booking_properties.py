"""Property tests of the booking rules (hypothesis).

Random sequences of bookings and cancellations, by several members, on a room and on three hot
desks, at any quarter hour of a few days (open, closed), must never leave two confirmed
bookings on the same seat at the same time, nor a booking outside opening hours; the service
must accept exactly what a plain model of the rules accepts, and a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.workspace import rules, services
from maillage.workspace.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db

create = st.tuples(
    st.just("create"),
    st.integers(0, 1),  # resource: the room, the hot desks
    st.integers(0, 2),  # member
    st.sampled_from([0, 1, 5]),  # Tuesday, Wednesday, Sunday (closed)
    st.integers(7 * 4, 20 * 4 - 1),  # start, in quarter hours since midnight
    st.integers(1, 16),  # length, in quarter hours
)
cancel = st.tuples(st.just("cancel"), st.integers(0, 30))
operations = st.lists(st.one_of(create, create, cancel), min_size=1, max_size=25)


def _expected_seat(model, resource, start, end):
    busy = {
        seat for (r, s, e, seat) in model.values() if r == resource.pk and s < end and start < e
    }
    return rules.free_seat(resource.seats, busy)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_it_never_double_books_and_accepts_exactly_what_the_rules_allow(personas, ws, day, ops):
    space = personas.filature
    resources = [ws.jacquard, ws.desks]
    members = [personas.ines, personas.hugo, personas.claire]
    opening = [rules.minutes_of(a) for a in space.hours_on(day.weekday())[0]]
    with transaction.atomic():
        model: dict[int, tuple] = {}  # booking id -> (resource id, start, end, seat)
        made = cancelled = 0
        for op in ops:
            if op[0] == "create":
                _, r, m, offset, start_q, length_q = op
                resource, member = resources[r], members[m]
                local_day = day + dt.timedelta(days=offset)
                start_min, end_min = start_q * 15, min(start_q + length_q, 96) * 15
                starts_at = dt.datetime.combine(local_day, dt.time(0), tzinfo=space.tz) + (
                    dt.timedelta(minutes=start_min)
                )
                ends_at = dt.datetime.combine(local_day, dt.time(0), tzinfo=space.tz) + (
                    dt.timedelta(minutes=end_min)
                )
                open_day = bool(space.hours_on(local_day.weekday()))
                within = open_day and opening[0] <= start_min and end_min <= opening[1]
                seat = _expected_seat(model, resource, rules.utc(starts_at), rules.utc(ends_at))
                before = Booking.objects.count()
                try:
                    booking = services.booking_create(
                        resource=resource, member=member, starts_at=starts_at, ends_at=ends_at
                    )
                except DomainError:
                    assert not (within and seat is not None), (op, model)
                    assert Booking.objects.count() == before  # nothing half-written
                    continue
                assert within and seat == booking.seat, (op, model)
                model[booking.pk] = (resource.pk, booking.starts_at, booking.ends_at, booking.seat)
                made += 1
            else:
                ids = sorted(model)
                if not ids:
                    continue
                booking = Booking.objects.get(pk=ids[op[1] % len(ids)])
                services.booking_cancel(booking=booking, by=personas.malik)
                del model[booking.pk]
                cancelled += 1

        confirmed = list(Booking.objects.filter(status=BookingStatus.CONFIRMED))
        assert {b.pk for b in confirmed} == set(model)
        for a in confirmed:
            local_start = a.starts_at.astimezone(space.tz)
            assert rules.within_opening(
                a.starts_at, a.ends_at, space.tz, space.hours_on(local_start.weekday())
            )
            assert 1 <= a.seat <= a.resource.seats
            for b in confirmed:
                if a.pk < b.pk and (a.resource_id, a.seat) == (b.resource_id, b.seat):
                    assert not rules.overlaps(a.starts_at, a.ends_at, b.starts_at, b.ends_at)
        ledger = Activity.objects.filter(
            kind__in=[ActivityKind.BOOKED, ActivityKind.BOOKING_CANCELLED]
        )
        assert ledger.filter(kind=ActivityKind.BOOKED).count() == made
        assert ledger.filter(kind=ActivityKind.BOOKING_CANCELLED).count() == cancelled
        transaction.set_rollback(True)


@given(
    minutes=st.integers(1, 24 * 60),
    per_hour=st.none() | st.decimals(0, 50, places=2),
    per_half_day=st.none() | st.decimals(0, 200, places=2),
    per_day=st.none() | st.decimals(0, 300, places=2),
)
def test_it_never_charges_more_than_any_single_rate_would(minutes, per_hour, per_half_day, per_day):
    price = rules.cost(minutes, per_hour, per_half_day, per_day)
    assert price >= 0
    if per_hour is not None:
        assert price <= (per_hour * minutes / 60).quantize(rules.CENT) + rules.CENT
    if per_day is not None:
        assert price <= per_day * -(-minutes // rules.DAY_MINUTES)


@given(
    amount=st.decimals(0, 100, places=2),
    remaining=st.none() | st.decimals(-10, 100, places=2),
)
def test_it_splits_use_into_included_and_billable_parts_that_add_up(amount, remaining):
    included, beyond = rules.allowance_split(amount, remaining)
    assert included + beyond == amount
    assert included >= 0 and beyond >= 0
    if remaining is not None:
        assert included <= max(remaining, 0)
