"""Events: propose (members) or publish (staff), approve or decline, change, cancel.

A room is reserved through the workspace's booking service (`booking_create`), so an event
never gets a room someone else has booked, and the room's calendar shows the event. A
member's proposal only checks that the room is free; the room is booked when the staff
approve it (by them: a proposal never costs its author credits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import Member, Operator, Space
from maillage.events.access import may_approve_member
from maillage.events.models import Event, EventKind, EventStatus, EventVisibility
from maillage.events.services.common import lock, notify_change
from maillage.members.models import Interest, ProfileSkill, SkillConcept
from maillage.workspace.models import Booking, Resource, ResourceKind
from maillage.workspace.services import booking_cancel, booking_create

MAX_DURATION = dt.timedelta(hours=24)
MAX_GUESTS = 10
MAX_CAPACITY = 10_000
MAX_HOSTS = 6
EDITABLE = {
    "title", "kind", "description", "location", "starts_at", "ends_at", "room", "capacity",
    "max_guests", "visibility", "interests", "skills", "hosts", "cover",
}  # fmt: skip
# Changes that attendees hear about (a new SEQUENCE in their calendars, an email).
NOTIFIED = {"title", "starts_at", "ends_at", "room", "location"}


def _check(
    *,
    operator: Operator,
    space: Space | None,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str,
    room: Resource | None,
    capacity: int | None,
    max_guests: int,
    visibility: str,
    hosts: Sequence[Member],
    now: dt.datetime,
    seats_taken: int = 0,
) -> str:
    """Validate an event's details; returns the cleaned title."""
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Give the event a title."), field="title")
    if len(title) > 140:
        raise DomainError(_("Keep the title under 140 characters."), field="title")
    if kind not in EventKind.values:
        raise DomainError(_("Choose the type of event."), field="kind")
    if space is not None and space.operator_id != operator.pk:
        raise DomainError(_("This space is not one of this community's."), field="space")
    if space is None and not location.strip():
        raise DomainError(
            _("Say where it takes place, since it is not at one of the spaces."), field="location"
        )
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), field="end")
    if ends_at - starts_at > MAX_DURATION:
        raise DomainError(
            _("An event lasts 24 hours at most; for several days, repeat it."), field="end"
        )
    if starts_at <= now:
        raise DomainError(_("This time is already past: choose a time to come."), field="day")
    if room is not None:
        if space is None or room.space_id != space.pk:
            raise DomainError(_("Choose a room of the event's space."), field="room")
        if room.kind != ResourceKind.ROOM or not room.is_active:
            raise DomainError(
                _("%(room)s is not a room that can host events.") % {"room": room.name},
                field="room",
            )
    if capacity is not None:
        if capacity < 1 or capacity > MAX_CAPACITY:
            raise DomainError(
                _("The capacity is a number of people between 1 and %(max)d; leave it empty for "
                  "no limit.") % {"max": MAX_CAPACITY},
                field="capacity",
            )  # fmt: skip
        if room is not None and capacity > room.capacity:
            raise DomainError(
                _("%(room)s holds %(n)d people: the capacity cannot be more than that.")
                % {"room": room.name, "n": room.capacity},
                field="capacity",
            )
        if capacity < seats_taken:
            raise DomainError(
                _("%(n)d places are already taken: the capacity cannot go below %(n)d.")
                % {"n": seats_taken},
                field="capacity",
            )
    if not 0 <= max_guests <= MAX_GUESTS:
        raise DomainError(
            _("Members may bring between 0 and %(max)d guests.") % {"max": MAX_GUESTS},
            field="max_guests",
        )
    if visibility not in EventVisibility.values:
        raise DomainError(_("Choose who can see the event."), field="visibility")
    if not hosts:
        raise DomainError(_("An event needs at least one host."), field="hosts")
    if len(hosts) > MAX_HOSTS:
        raise DomainError(
            _("An event has %(max)d hosts at most.") % {"max": MAX_HOSTS}, field="hosts"
        )
    for host in hosts:
        if host.operator_id != operator.pk or not host.is_active:
            raise DomainError(
                _("%(name)s is not a member of this community.")
                % {"name": host.user.get_full_name()},
                field="hosts",
            )
    return title


def room_is_free(room: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> Booking | None:
    """The booking that holds the room at that time, if any (for a proposal's check)."""
    return (
        Booking.objects.confirmed()
        .filter(resource=room)
        .overlapping(starts_at, ends_at)
        .order_by("starts_at")
        .first()
    )


def reserve_room(*, event: Event, by: Member, now: dt.datetime) -> Booking:
    """Book the event's room through the booking service (it refuses a taken slot)."""
    try:
        return booking_create(
            resource=event.room,
            member=by,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            booked_by=by,
            title=event.title,
            now=now,
        )
    except DomainError as exc:
        raise DomainError(exc.message, field="room") from None


def release_room(*, event: Event, by: Member, now: dt.datetime) -> None:
    booking = event.booking
    if booking is None or not booking.is_confirmed or booking.ends_at <= now:
        return
    booking_cancel(booking=booking, by=by, now=now)


def refresh_features(event: Event) -> None:
    """What ranking reads: the event's tags and what its hosts know (`Event.features`)."""
    interests = sorted(event.interests.values_list("pk", flat=True))
    skills = sorted(event.skills.values_list("pk", flat=True))
    host_skills = sorted(
        set(
            ProfileSkill.objects.filter(profile__member__in=event.hosts.all()).values_list(
                "concept_id", flat=True
            )[:60]
        )
    )
    going = Event.objects.filter(pk=event.pk).values_list("features", flat=True).first() or {}
    event.features = {
        "interests": interests,
        "skills": skills,
        "host_skills": host_skills,
        "going": going.get("going", []),
    }
    Event.objects.filter(pk=event.pk).update(features=event.features)


def set_tags(
    event: Event,
    *,
    interests: Sequence[Interest] | None,
    skills: Sequence[SkillConcept] | None,
    hosts: Sequence[Member] | None,
) -> None:
    if interests is not None:
        event.interests.set(interests)
    if skills is not None:
        event.skills.set(skills[:12])
    if hosts is not None:
        event.hosts.set(hosts)
        event._host_ids = {h.pk for h in hosts}
    refresh_features(event)


@transaction.atomic
def event_propose(
    *,
    proposer: Member,
    operator: Operator,
    space: Space | None,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str = "",
    location: str = "",
    room: Resource | None = None,
    capacity: int | None = None,
    max_guests: int = 0,
    visibility: str = EventVisibility.MEMBERS,
    interests: Sequence[Interest] = (),
    skills: Sequence[SkillConcept] = (),
    hosts: Sequence[Member] = (),
    cover=None,
    recurrence: str = "",
    exceptions: Sequence[dt.date] = (),
    now: dt.datetime | None = None,
) -> Event:
    """A member proposes an event (the staff approve it), or staff publish one directly.

    Staff who run the space publish at once, the room booked; they may also repeat the
    event (`recurrence`, an RRULE, with `exceptions`: see `services.series`). Everything is
    checked before anything is written; a refusal leaves nothing behind.
    """
    now = now or timezone.now()
    if proposer.operator_id != operator.pk or not proposer.is_active:
        raise DomainError(_("Only members of this community can propose an event here."))
    hosts = list(hosts) or [proposer]
    if capacity is None and room is not None:
        capacity = room.capacity
    title = _check(
        operator=operator, space=space, title=title, kind=kind, starts_at=starts_at,
        ends_at=ends_at, location=location, room=room, capacity=capacity,
        max_guests=max_guests, visibility=visibility, hosts=hosts, now=now,
    )  # fmt: skip
    publish = may_approve_member(proposer, space, operator.pk)
    if recurrence and not publish:
        raise DomainError(
            _("Only the staff of the space can set up a repeating event. Propose one date; "
              "they can repeat it."),
            field="recurrence",
        )  # fmt: skip
    if room is not None and not publish:
        taken = room_is_free(room, starts_at, ends_at)
        if taken is not None:
            raise DomainError(
                _("%(room)s is already booked at that time. Choose another time or room.")
                % {"room": room.name},
                field="room",
            )
    event = Event(
        operator=operator,
        space=space,
        title=title,
        kind=kind,
        description=description.strip()[:10_000],
        location=location.strip()[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        capacity=capacity,
        max_guests=max_guests,
        visibility=visibility,
        status=EventStatus.PUBLISHED if publish else EventStatus.PROPOSED,
        proposed_by=proposer,
        decided_by=proposer if publish else None,
        decided_at=now if publish else None,
        created_at=now,
        updated_at=now,
    )
    if cover is not None:
        from maillage.events.images import cover_prepare

        content = cover_prepare(cover)
        event.cover.save(content.name, content, save=False)
    if recurrence:
        from maillage.events.services.series import series_start

        return series_start(
            template=event, rule=recurrence, exceptions=exceptions, by=proposer,
            interests=interests, skills=skills, hosts=hosts, now=now,
        )  # fmt: skip
    event.save()
    set_tags(event, interests=interests, skills=skills, hosts=hosts)
    if publish and room is not None:
        event.booking = reserve_room(event=event, by=proposer, now=now)
        event.save(update_fields=["booking"])
    return event


@transaction.atomic
def event_approve(
    *, event: Event, by: Member, room: Resource | None = None, now: dt.datetime | None = None
) -> Event:
    """Publish a member's proposal and book its room (or `room`, to choose another)."""
    now = now or timezone.now()
    event = lock(event)
    if event.status != EventStatus.PROPOSED:
        raise DomainError(_("This event is not waiting for approval."))
    if not may_approve_member(by, event.space, event.operator_id):
        raise DomainError(_("Only the staff of the space can approve its events."))
    if event.starts_at <= now:
        raise DomainError(
            _("This event was due to start already: ask its host to propose a new date.")
        )
    if room is not None:
        _check(
            operator=event.operator, space=event.space, title=event.title, kind=event.kind,
            starts_at=event.starts_at, ends_at=event.ends_at, location=event.location,
            room=room, capacity=None, max_guests=event.max_guests,
            visibility=event.visibility, hosts=list(event.hosts.all()), now=now,
        )  # fmt: skip
        event.room = room
        if event.capacity is not None and event.capacity > room.capacity:
            event.capacity = room.capacity
    event.status = EventStatus.PUBLISHED
    event.decided_by = by
    event.decided_at = now
    event.updated_at = now
    if event.room is not None:
        event.booking = reserve_room(event=event, by=by, now=now)
    event.save()
    return event


@transaction.atomic
def event_decline(*, event: Event, by: Member, note: str = "", now=None) -> Event:
    now = now or timezone.now()
    event = lock(event)
    if event.status != EventStatus.PROPOSED:
        raise DomainError(_("This event is not waiting for approval."))
    if not may_approve_member(by, event.space, event.operator_id):
        raise DomainError(_("Only the staff of the space can decline its events."))
    event.status = EventStatus.DECLINED
    event.decided_by = by
    event.decided_at = now
    event.decision_note = note.strip()[:500]
    event.updated_at = now
    event.save()
    return event


@transaction.atomic
def event_update(*, event: Event, by: Member, now: dt.datetime | None = None, **changes) -> Event:
    """Change an event's details (its hosts and staff). Attendees hear of a new time, place
    or title; a larger capacity lets people in from the waiting list; the room moves with
    the time (the old booking cancelled, a new one made: all or nothing)."""
    from maillage.events.services.common import seats_taken
    from maillage.events.services.rsvps import promote

    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    event = lock(event)
    if event.status in (EventStatus.CANCELLED, EventStatus.DECLINED):
        raise DomainError(_("This event is cancelled or declined: it can no longer change."))
    if event.ends_at <= now:
        raise DomainError(_("This event is over: it can no longer change."))
    before = {name: getattr(event, name) for name in NOTIFIED}
    interests = changes.pop("interests", None)
    skills = changes.pop("skills", None)
    hosts = changes.pop("hosts", None)
    cover = changes.pop("cover", None)
    for name, value in changes.items():
        setattr(event, name, value)
    times_changed = before["starts_at"] != event.starts_at or before["ends_at"] != event.ends_at
    if times_changed and before["starts_at"] <= now:
        raise DomainError(_("This event has started: its time can no longer change."))
    taken = seats_taken(event)
    title = _check(
        operator=event.operator, space=event.space, title=event.title, kind=event.kind,
        starts_at=event.starts_at, ends_at=event.ends_at, location=event.location,
        room=event.room, capacity=event.capacity, max_guests=event.max_guests,
        visibility=event.visibility,
        hosts=list(hosts) if hosts is not None else list(event.hosts.all()),
        now=now if times_changed else min(now, event.starts_at - dt.timedelta(seconds=1)),
        seats_taken=taken,
    )  # fmt: skip
    event.title = title
    if cover is not None:
        from maillage.events.images import cover_prepare

        content = cover_prepare(cover)
        event.cover.save(content.name, content, save=False)
    room_changed = before["room"] != event.room
    if event.is_published and (times_changed or room_changed):
        old = event.booking
        # The booking stays the staff's (a host's change never costs the host credits).
        booker = old.member if old is not None else (event.decided_by or by)
        release_room(event=event, by=by, now=now)
        event.booking = (
            reserve_room(event=event, by=booker, now=now) if event.room is not None else None
        )
    elif (
        room_changed
        and event.room is not None
        and not event.is_published
        and room_is_free(event.room, event.starts_at, event.ends_at) is not None
    ):
        raise DomainError(
            _("%(room)s is already booked at that time. Choose another time or room.")
            % {"room": event.room.name},
            field="room",
        )
    notified = any(before[name] != getattr(event, name) for name in NOTIFIED)
    if notified and event.is_published:
        event.sequence += 1
    event.updated_at = now
    event.save()
    set_tags(event, interests=interests, skills=skills, hosts=hosts)
    if event.is_published:
        promote(event, now=now)
        if notified:
            notify_change(event)
    return event


@transaction.atomic
def event_cancel(
    *,
    event: Event,
    by: Member,
    reason: str = "",
    following: bool = False,
    now: dt.datetime | None = None,
) -> list[Event]:
    """Cancel an event (and with `following`, the later occurrences of its series, which
    then stops). The room is freed, everyone who answered is told. Returns what was
    cancelled."""
    now = now or timezone.now()
    event = lock(event)
    if event.status in (EventStatus.CANCELLED, EventStatus.DECLINED):
        raise DomainError(_("This event is already cancelled."))
    if event.ends_at <= now:
        raise DomainError(_("This event is over: it can no longer be cancelled."))
    events = [event]
    series = event.series
    if series is not None and following:
        later = (
            Event.objects.select_for_update(of=("self",))
            .filter(series=series, starts_at__gt=event.starts_at)
            .exclude(status__in=(EventStatus.CANCELLED, EventStatus.DECLINED))
            .select_related("space", "operator", "room", "booking")
        )
        events += list(later)
        series.last_day = event.occurrence_on - dt.timedelta(days=1)
        series.ended_at = now
        series.save(update_fields=["last_day", "ended_at"])
    elif series is not None and event.occurrence_on is not None:
        # An exception date: the series never brings this day back.
        exceptions = sorted({*series.exceptions, event.occurrence_on.isoformat()})
        series.exceptions = exceptions
        series.save(update_fields=["exceptions"])
    for each in events:
        release_room(event=each, by=by, now=now)
        was_published = each.is_published
        each.status = EventStatus.CANCELLED
        each.cancelled_at = now
        each.cancel_reason = reason.strip()[:500]
        each.sequence += 1
        each.updated_at = now
        each.save()
        if was_published:
            notify_change(each)
    return events
