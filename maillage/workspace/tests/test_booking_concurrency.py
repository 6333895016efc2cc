"""Double booking is impossible under concurrency, and the database itself guarantees it.

Threads, each with its own database connection, race for the same slot; a barrier releases
them together so that they all look for a free seat before any of them has committed.
"""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from maillage.core.models import Member
from maillage.core.tests.factories import MemberFactory
from maillage.workspace import services
from maillage.workspace.models import Booking, Resource
from maillage.workspace.tests.conftest import at

RACERS = 12


def race(resource: Resource, members: list[Member], day, start: str, end: str) -> list[str]:
    barrier = threading.Barrier(len(members))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(member_id: int) -> None:
        try:
            member = Member.objects.select_related("home_space", "user").get(pk=member_id)
            target = Resource.objects.select_related("space").get(pk=resource.pk)
            barrier.wait(timeout=30)
            services.booking_create(
                resource=target,
                member=member,
                starts_at=at(target.space, day, start),
                ends_at=at(target.space, day, end),
            )
            outcome = "booked"
        except services.SlotTaken as exc:
            outcome = f"taken: {exc.message}"
        except Exception as exc:  # anything else is a failure of the test
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(m.pk,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def racers(personas, n: int) -> list[Member]:
    return [MemberFactory(home_space=personas.filature) for _ in range(n)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_many_racing_requests_book_a_room(personas, ws, day):
    outcomes = race(ws.jacquard, racers(personas, RACERS), day, "10:00", "11:00")
    assert len(outcomes) == RACERS
    assert outcomes.count("booked") == 1, outcomes
    assert all(o.startswith("taken") for o in outcomes if o != "booked"), outcomes
    assert Booking.objects.confirmed().filter(resource=ws.jacquard).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_each_seat_of_hot_desks_once_when_many_race_for_them(personas, ws, day):
    outcomes = race(ws.desks, racers(personas, RACERS), day, "09:00", "12:00")
    assert outcomes.count("booked") == ws.desks.seats, outcomes
    seats = sorted(
        Booking.objects.confirmed().filter(resource=ws.desks).values_list("seat", flat=True)
    )
    assert seats == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_refuses_overlapping_rows_in_the_database_itself(personas, ws, day):
    """Even code that went around the service could not write a double booking."""
    space = personas.filature
    Booking.objects.create(
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(space, day, "10:00"), ends_at=at(space, day, "11:00"),
    )  # fmt: skip
    with pytest.raises(IntegrityError, match="workspace_booking_no_overlap"), transaction.atomic():
        Booking.objects.create(
            resource=ws.jacquard, member=personas.hugo,
            starts_at=at(space, day, "10:45"), ends_at=at(space, day, "11:15"),
        )  # fmt: skip
    # Cancelled bookings and other seats do not conflict.
    Booking.objects.create(
        resource=ws.jacquard, member=personas.hugo, status="cancelled",
        starts_at=at(space, day, "10:00"), ends_at=at(space, day, "11:00"),
    )  # fmt: skip
    Booking.objects.create(
        resource=ws.desks, member=personas.hugo, seat=2,
        starts_at=at(space, day, "10:00"), ends_at=at(space, day, "11:00"),
    )  # fmt: skip
    assert Booking.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_it_serialises_racing_bookings_on_sqlite_too(personas, ws, day):
    """On SQLite, BEGIN IMMEDIATE serialises the check and the insert (fewer racers: one writer
    at a time, each waits for the lock)."""
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL tests above cover this")
    outcomes = race(ws.jacquard, racers(personas, 4), day, "14:00", "15:00")
    assert outcomes.count("booked") == 1, outcomes
    assert Booking.objects.confirmed().filter(resource=ws.jacquard).count() == 1
