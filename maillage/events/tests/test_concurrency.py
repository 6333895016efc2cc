"""Seats and the waiting list stay exact under concurrent RSVPs and cancellations.

Threads, each with its own database connection, answer at the same moment (a barrier
releases them together). The event's row lock serialises them: never more people going than
seats, the waiting list in order, promotions in the same transaction as the cancellation.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from maillage.core.models import Member
from maillage.core.tests.factories import MemberFactory
from maillage.events import services
from maillage.events.models import Event, Rsvp, RsvpStatus

RACERS = 12
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(actions) -> list[str]:
    """Run each callable in its own thread, all released together; return their outcomes."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = action()
        except Exception as exc:  # any error is a failure of the test
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def answer(event_id: int, member_id: int):
    def _answer() -> str:
        event = Event.objects.get(pk=event_id)
        member = Member.objects.select_related("user", "home_space").get(pk=member_id)
        return services.event_rsvp(event=event, member=member, status="going").status

    return _answer


def cancel(rsvp_id: int):
    def _cancel() -> str:
        rsvp = Rsvp.objects.select_related("event", "member").get(pk=rsvp_id)
        return "cancelled" if services.rsvp_cancel(rsvp=rsvp).status == "not_going" else "?"

    return _cancel


def check_counters(event: Event) -> None:
    event.refresh_from_db()
    going = Rsvp.objects.filter(event=event, status=RsvpStatus.GOING)
    assert event.going_count == sum(r.seats for r in going)
    assert event.waitlist_count == Rsvp.objects.filter(event=event, status="waitlisted").count()
    assert event.going_count <= event.capacity


def test_it_gives_exactly_the_seats_there_are_to_racing_members(personas, make_event):
    event = make_event(capacity=3)
    members = [MemberFactory(home_space=personas.filature) for _ in range(RACERS)]
    outcomes = race([answer(event.pk, m.pk) for m in members])
    assert sorted(outcomes) == ["going"] * 3 + ["waitlisted"] * (RACERS - 3), outcomes
    check_counters(event)


def test_it_promotes_in_order_while_others_cancel_and_answer_at_the_same_time(personas, make_event):
    event = make_event(capacity=3)
    first = [MemberFactory(home_space=personas.filature) for _ in range(3)]
    waiting = [MemberFactory(home_space=personas.filature) for _ in range(4)]
    late = [MemberFactory(home_space=personas.filature) for _ in range(5)]
    going = [services.event_rsvp(event=event, member=m, status="going") for m in first]
    for member in waiting:
        assert services.event_rsvp(event=event, member=member, status="going").status == (
            "waitlisted"
        )
    outcomes = race([cancel(r.pk) for r in going[:2]] + [answer(event.pk, m.pk) for m in late])
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    statuses = dict(Rsvp.objects.filter(event=event).values_list("member_id", "status"))
    # The two freed seats went to the first two on the waiting list, whatever the timing.
    assert [statuses[m.pk] for m in waiting] == ["going", "going", "waitlisted", "waitlisted"]
    assert all(statuses[m.pk] == "waitlisted" for m in late)
    check_counters(event)
    order = list(
        Rsvp.objects.filter(event=event, status="waitlisted")
        .order_by("waitlisted_at", "pk")
        .values_list("member_id", flat=True)
    )
    assert order[:2] == [waiting[2].pk, waiting[3].pk]


def test_it_keeps_one_answer_per_member_when_the_same_member_double_clicks(personas, make_event):
    event = make_event(capacity=5)
    outcomes = race([answer(event.pk, personas.ines.pk) for _ in range(6)])
    assert outcomes.count("going") == 1
    assert all(o == "going" or "already said you are going" in o for o in outcomes), outcomes
    assert Rsvp.objects.filter(event=event).count() == 1
    check_counters(event)
