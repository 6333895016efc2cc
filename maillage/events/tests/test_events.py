"""Proposing, approving, changing and cancelling events; rooms go through the bookings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404

from maillage.core.access import viewer_for_user
from maillage.core.errors import DomainError
from maillage.events import access, services
from maillage.events.models import Event, EventStatus, EventVisibility
from maillage.events.tests.conftest import at
from maillage.workspace import services as workspace
from maillage.workspace.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db


def viewer(member):
    return viewer_for_user(member.user)


def test_it_keeps_a_members_proposal_waiting_without_booking_the_room(personas, make_event, rooms):
    event = make_event(by=personas.ines, room=rooms.jacquard)
    assert event.status == EventStatus.PROPOSED
    assert event.booking is None
    assert not Booking.objects.exists()
    assert list(event.hosts.all()) == [personas.ines]
    assert event.capacity == 10


def test_it_books_the_room_when_the_manager_approves(personas, make_event, rooms):
    event = make_event(by=personas.ines, room=rooms.jacquard)
    services.event_approve(event=event, by=personas.malik)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.decided_by == personas.malik
    booking = Booking.objects.get()
    assert (booking.resource, booking.starts_at, booking.ends_at) == (
        rooms.jacquard,
        event.starts_at,
        event.ends_at,
    )
    assert booking.member == personas.malik  # never costs the proposer credits
    assert event.booking == booking


def test_it_refuses_the_approval_when_the_room_was_booked_meanwhile_and_changes_nothing(
    personas, make_event, rooms, day
):
    event = make_event(by=personas.ines, room=rooms.jacquard)
    workspace.booking_create(
        resource=rooms.jacquard, member=personas.hugo,
        starts_at=at(personas.filature, day, "12:00"), ends_at=at(personas.filature, day, "13:00"),
    )  # fmt: skip
    with pytest.raises(DomainError, match="Salle Jacquard is already booked from 12:00") as exc:
        services.event_approve(event=event, by=personas.malik)
    assert exc.value.field == "room"
    event.refresh_from_db()
    assert event.status == EventStatus.PROPOSED
    assert Booking.objects.count() == 1


def test_it_lets_the_manager_approve_in_another_room(personas, make_event, rooms, day):
    event = make_event(by=personas.ines, room=rooms.jacquard)
    workspace.booking_create(
        resource=rooms.jacquard, member=personas.hugo,
        starts_at=at(personas.filature, day, "12:00"), ends_at=at(personas.filature, day, "13:00"),
    )  # fmt: skip
    services.event_approve(event=event, by=personas.malik, room=rooms.canuts)
    event.refresh_from_db()
    assert (event.room, event.capacity) == (rooms.canuts, 4)


def test_it_refuses_two_events_in_one_room_at_overlapping_times(personas, make_event, rooms):
    make_event(room=rooms.jacquard, start="12:00", end="13:30")
    with pytest.raises(DomainError, match="Salle Jacquard is already booked from 12:00 to 13:30"):
        make_event(room=rooms.jacquard, title="Atelier", start="13:00", end="14:00")
    assert Event.objects.count() == 1
    assert Booking.objects.count() == 1


def test_it_refuses_a_proposal_in_a_room_already_booked(personas, make_event, rooms):
    make_event(room=rooms.jacquard, start="12:00", end="13:30")
    with pytest.raises(DomainError, match="already booked at that time"):
        make_event(by=personas.ines, room=rooms.jacquard, start="13:00", end="14:00")


def test_it_refuses_a_room_event_outside_the_spaces_opening_hours(personas, make_event, rooms):
    with pytest.raises(DomainError, match="open 08:30–19:00"):
        make_event(room=rooms.jacquard, title="Afterwork", start="18:30", end="21:00")
    assert not Event.objects.exists()


def test_it_explains_what_is_wrong_with_an_event(personas, make_event, rooms, day):
    cases = [
        ({"title": "  "}, "title", "Give the event a title"),
        ({"start": "13:00", "end": "12:00", "day": day}, "end", "end must be after"),
        ({"day": day - dt.timedelta(days=30)}, "day", "already past"),
        ({"room": rooms.panorama}, "room", "room of the event's space"),
        ({"room": rooms.canuts, "capacity": 8}, "capacity", "holds 4 people"),
        ({"capacity": 0}, "capacity", "between 1 and"),
        ({"max_guests": 11}, "max_guests", "between 0 and 10 guests"),
        ({"space": None, "location": ""}, "location", "Say where"),
        ({"kind": "rave"}, "kind", "type of event"),
    ]
    for fields, field, message in cases:
        with pytest.raises(DomainError, match=message) as exc:
            if fields.get("space", "x") is None:
                fields.pop("space")
                services.event_propose(
                    proposer=personas.malik, operator=personas.ruche, space=None, title="x",
                    kind="lunch", location="", starts_at=at(personas.filature, day, "12:00"),
                    ends_at=at(personas.filature, day, "13:00"),
                )  # fmt: skip
            else:
                make_event(**fields)
        assert exc.value.field == field, (fields, exc.value.field)
    assert not Event.objects.exists()


def test_it_lets_staff_publish_an_event_across_the_operators_spaces(personas, day):
    event = services.event_propose(
        proposer=personas.claire, operator=personas.ruche, space=None, title="Pique-nique",
        kind="other", location="Parc de la Tête d'Or, Lyon",
        starts_at=at(personas.filature, day, "12:00"), ends_at=at(personas.filature, day, "14:00"),
    )  # fmt: skip
    assert event.status == EventStatus.PUBLISHED
    assert event.place == "Parc de la Tête d'Or, Lyon"


def test_it_keeps_a_managers_event_on_another_space_as_a_proposal(personas, make_event):
    event = make_event(by=personas.malik, space=personas.quai)
    assert event.status == EventStatus.PROPOSED


def test_it_lets_only_the_staff_of_the_space_approve(personas, make_event):
    event = make_event(by=personas.hugo, space=personas.quai)
    for outsider in (personas.malik, personas.ines):  # a proposal is not shown around
        with pytest.raises(Http404):
            access.event_for_viewer(viewer(outsider), event.pk)
    with pytest.raises(PermissionDenied):
        access.event_for_viewer(viewer(personas.hugo), event.pk, "approve")
    assert access.event_for_viewer(viewer(personas.claire), event.pk, "approve") == event
    assert access.event_for_viewer(viewer(personas.hugo), event.pk) == event
    with pytest.raises(DomainError, match="Only the staff"):
        services.event_approve(event=event, by=personas.malik)


def test_it_shows_events_by_their_visibility(personas, make_event):
    members = make_event()
    network = make_event(visibility=EventVisibility.NETWORK, start="14:00", end="15:00")
    public = make_event(visibility=EventVisibility.PUBLIC, start="16:00", end="17:00")
    anonymous = viewer_for_user(None)
    assert access.event_for_viewer(viewer(personas.hugo), members.pk) == members
    with pytest.raises(Http404):
        access.event_for_viewer(viewer(personas.zoe), members.pk)
    assert access.event_for_viewer(viewer(personas.zoe), network.pk) == network
    with pytest.raises(Http404):
        access.event_for_viewer(anonymous, network.pk)
    assert access.event_for_viewer(anonymous, public.pk) == public
    visible = set(Event.objects.filter(access.visible_q(viewer(personas.zoe))))
    assert visible == {network, public}


def test_it_lets_hosts_change_their_event_but_not_others(personas, make_event):
    event = make_event(by=personas.ines)
    services.event_approve(event=event, by=personas.malik)
    assert access.event_for_viewer(viewer(personas.ines), event.pk, "change") == event
    with pytest.raises(PermissionDenied):
        access.event_for_viewer(viewer(personas.hugo), event.pk, "change")


def test_it_moves_the_room_booking_and_tells_attendees_when_the_time_changes(
    personas, make_event, rooms, run_worker, django_capture_on_commit_callbacks
):
    event = make_event(room=rooms.jacquard, title="Atelier")
    services.event_rsvp(event=event, member=personas.ines, status="going")
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            event=event, by=personas.malik,
            starts_at=event.starts_at + dt.timedelta(hours=2),
            ends_at=event.ends_at + dt.timedelta(hours=2),
        )  # fmt: skip
    run_worker()
    event.refresh_from_db()
    assert event.sequence == 1
    bookings = list(Booking.objects.order_by("pk").values_list("status", "starts_at"))
    assert bookings == [
        (BookingStatus.CANCELLED, event.starts_at - dt.timedelta(hours=2)),
        (BookingStatus.CONFIRMED, event.starts_at),
    ]
    assert [m.subject for m in mail.outbox] == ["Changed: Atelier"]
    assert "14:30–15:30" in mail.outbox[0].body


def test_it_frees_the_room_and_tells_everyone_when_an_event_is_cancelled(
    personas, make_event, rooms, members, run_worker, django_capture_on_commit_callbacks
):
    event = make_event(room=rooms.jacquard, title="Atelier", capacity=1)
    services.event_rsvp(event=event, member=personas.ines, status="going")
    services.event_rsvp(event=event, member=members[0], status="going")  # waiting list
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, by=personas.malik, reason="Le formateur est malade")
    run_worker()
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == ["ines@example.org", "lea@example.org"]
    assert all(m.subject == "Cancelled: Atelier" for m in mail.outbox)
    assert "Le formateur est malade" in mail.outbox[0].body
    with pytest.raises(DomainError, match="already cancelled"):
        services.event_cancel(event=event, by=personas.malik)


def test_the_overnight_limit_counts_real_hours_across_a_change_of_clocks():
    import zoneinfo

    from maillage.events.services.common import local_interval

    paris = zoneinfo.ZoneInfo("Europe/Paris")
    # The clocks go forward in the night of 28 to 29 March 2026: 20:00 to 08:30 is 11.5 hours.
    start, end = local_interval(
        tz=paris, day=dt.date(2026, 3, 28), start=dt.time(20), end=dt.time(8, 30)
    )
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=11, minutes=30)
    # They go back in the night of 24 to 25 October 2026: 20:00 to 08:00 is 13 hours.
    with pytest.raises(DomainError) as refused:
        local_interval(tz=paris, day=dt.date(2026, 10, 24), start=dt.time(20), end=dt.time(8))
    assert refused.value.field == "end"
