"""Answers, seats, the waiting list and its promotions (through the services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.events import services
from maillage.events.models import Event, EventVisibility, Rsvp, RsvpStatus

pytestmark = pytest.mark.django_db


def rsvp(event, member, status="going", guests=0, **kw):
    return services.event_rsvp(event=event, member=member, status=status, guests=guests, **kw)


def test_it_gives_seats_until_full_then_puts_people_on_the_waiting_list(
    personas, make_event, members
):
    event = make_event(capacity=2)
    assert rsvp(event, personas.ines).status == RsvpStatus.GOING
    assert rsvp(event, members[0]).status == RsvpStatus.GOING
    third = rsvp(event, members[1])
    assert third.status == RsvpStatus.WAITLISTED
    event.refresh_from_db()
    assert (event.going_count, event.waitlist_count) == (2, 1)


def test_it_promotes_the_first_on_the_waiting_list_when_someone_cancels(
    personas, make_event, members
):
    event = make_event(capacity=1)
    first = rsvp(event, personas.ines)
    rsvp(event, members[0])  # waitlisted first
    rsvp(event, members[1])  # waitlisted second
    services.rsvp_cancel(rsvp=first)
    statuses = dict(Rsvp.objects.filter(event=event).values_list("member_id", "status"))
    assert statuses[personas.ines.pk] == RsvpStatus.NOT_GOING
    assert statuses[members[0].pk] == RsvpStatus.GOING
    assert statuses[members[1].pk] == RsvpStatus.WAITLISTED
    promoted = Rsvp.objects.get(event=event, member=members[0])
    assert promoted.promoted_at is not None
    event.refresh_from_db()
    assert (event.going_count, event.waitlist_count) == (1, 1)


def test_it_tells_the_promoted_member_by_email_through_the_worker(
    personas, make_event, members, run_worker, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1, title="Atelier Figma")
    with django_capture_on_commit_callbacks(execute=True):
        first = rsvp(event, personas.ines)
        rsvp(event, members[0])
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp_cancel(rsvp=first)
    run_worker()
    assert [m.to for m in mail.outbox] == [["lea@example.org"]]
    assert mail.outbox[0].subject == "A place freed up: you are going to Atelier Figma"


def test_it_lets_a_smaller_party_behind_take_seats_a_larger_one_cannot(
    personas, make_event, members
):
    event = make_event(capacity=3, max_guests=2)
    first = rsvp(event, personas.ines, guests=2)  # 3 seats: full
    rsvp(event, members[0], guests=2)  # waits for 3 seats
    rsvp(event, members[1])  # waits for 1 seat
    services.event_update(event=event, by=personas.malik, capacity=4)
    statuses = dict(Rsvp.objects.filter(event=event).values_list("member_id", "status"))
    assert statuses[members[0].pk] == RsvpStatus.WAITLISTED
    assert statuses[members[1].pk] == RsvpStatus.GOING
    services.rsvp_cancel(rsvp=first)
    assert Rsvp.objects.get(event=event, member=members[0]).status == RsvpStatus.GOING


def test_it_refuses_a_second_identical_answer_and_changes_nothing(personas, make_event):
    event = make_event()
    rsvp(event, personas.ines)
    with pytest.raises(services.Refused, match="already said you are going"):
        rsvp(event, personas.ines)
    assert Rsvp.objects.filter(event=event).count() == 1
    assert Activity.objects.filter(kind=ActivityKind.RSVPED).count() == 1


def test_it_refuses_to_say_not_going_without_having_answered(personas, make_event):
    event = make_event()
    with pytest.raises(services.Refused, match="not answered"):
        rsvp(event, personas.ines, "not_going")
    assert not Rsvp.objects.exists()


def test_it_refuses_answers_once_the_event_has_started_or_is_over(personas, make_event, day):
    event = make_event()
    started = event.starts_at + dt.timedelta(minutes=5)
    with pytest.raises(DomainError, match="has started"):
        rsvp(event, personas.ines, now=started)
    with pytest.raises(DomainError, match="is over"):
        rsvp(event, personas.ines, now=event.ends_at + dt.timedelta(minutes=1))
    assert not Rsvp.objects.exists()


def test_it_refuses_answers_to_a_cancelled_event(personas, make_event):
    event = make_event()
    services.event_cancel(event=event, by=personas.malik)
    with pytest.raises(DomainError, match="cancelled"):
        rsvp(event, personas.ines)


def test_it_refuses_more_guests_than_allowed_and_guests_beyond_the_seats_left(
    personas, make_event, members
):
    event = make_event(capacity=3, max_guests=2)
    with pytest.raises(DomainError, match="2 guests at most") as exc:
        rsvp(event, personas.ines, guests=3)
    assert exc.value.field == "guests"
    rsvp(event, members[0], guests=1)
    rsvp(event, personas.ines)
    with pytest.raises(DomainError, match="Only 0 places are left"):
        rsvp(event, personas.ines, guests=2)
    assert Rsvp.objects.get(member=personas.ines).guests == 0


def test_it_keeps_members_only_events_to_their_community_but_opens_network_ones(
    personas, make_event
):
    members_only = make_event()
    with pytest.raises(DomainError, match="members of its community"):
        rsvp(members_only, personas.zoe)
    network = make_event(visibility=EventVisibility.NETWORK, start="14:00", end="15:00")
    assert rsvp(network, personas.zoe).status == RsvpStatus.GOING


def test_it_records_answers_and_promotions_in_the_ledger(personas, make_event, members):
    event = make_event(capacity=1)
    first = rsvp(event, personas.ines)
    rsvp(event, members[0])
    services.rsvp_cancel(rsvp=first)
    lines = list(
        Activity.objects.filter(kind=ActivityKind.RSVPED)
        .order_by("pk")
        .values_list("member_id", "payload", "target_id", "space_id")
    )
    assert lines == [
        (personas.ines.pk, {"title": event.title, "status": "going"}, event.pk, personas.filature.pk),
        (members[0].pk, {"title": event.title, "status": "waitlisted"}, event.pk, personas.filature.pk),
        (members[0].pk, {"title": event.title, "status": "going", "promoted": True}, event.pk,
         personas.filature.pk),
    ]  # fmt: skip


def test_it_records_a_network_rsvp_in_the_members_own_ledger(personas, make_event):
    event = make_event(visibility=EventVisibility.NETWORK)
    rsvp(event, personas.zoe)
    line = Activity.objects.get(kind=ActivityKind.RSVPED)
    assert (line.operator_id, line.space_id) == (personas.grenier.pk, personas.grenier_space.pk)


def test_it_refuses_a_capacity_below_the_seats_already_taken(personas, make_event, members):
    event = make_event(capacity=3)
    rsvp(event, personas.ines)
    rsvp(event, members[0])
    with pytest.raises(DomainError, match="2 places are already taken") as exc:
        services.event_update(event=event, by=personas.malik, capacity=1)
    assert exc.value.field == "capacity"
    event.refresh_from_db()
    assert event.capacity == 3


def test_it_gives_everyone_a_seat_without_a_capacity(personas, make_event, members):
    event = make_event(capacity=None)
    for member in [personas.ines, *members]:
        assert rsvp(event, member).status == RsvpStatus.GOING
    assert Event.objects.get(pk=event.pk).going_count == 4


def test_it_moves_a_member_from_maybe_to_going_and_back(personas, make_event):
    event = make_event(capacity=1)
    rsvp(event, personas.ines, "maybe")
    event.refresh_from_db()
    assert (event.going_count, event.maybe_count) == (0, 1)
    rsvp(event, personas.ines, "going")
    event.refresh_from_db()
    assert (event.going_count, event.maybe_count) == (1, 0)
