"""Many published events at once, for generated data (the benchmark's 10,000 events).

The same rules as `event_propose` + `event_rsvp` for what they touch, checked in bulk: the
space belongs to the operator, the times are in order, people going fit the capacity and may
see the event; each RSVP gets its `rsvped` ledger line (`activity_record_many`). No room is
booked and no email is sent: this is data, not people acting. One transaction, all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from maillage.core.models import ActivityKind, Member, Space
from maillage.core.services import ActivityRow, activity_record_many
from maillage.events.models import Event, EventStatus, EventVisibility, Rsvp, RsvpStatus
from maillage.events.selectors import pool_touch


@dataclass(frozen=True)
class EventRow:
    space_id: int
    host_id: int
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int | None = None
    visibility: str = EventVisibility.MEMBERS
    interests: tuple[int, ...] = ()
    going: tuple[int, ...] = field(default_factory=tuple)  # member ids


def event_load_many(rows: Iterable[EventRow], *, batch_size: int = 2_000) -> int:
    """Publish the events of `rows` with their hosts, tags, features and RSVPs; returns how
    many events were written."""
    rows = list(rows)
    now = timezone.now()
    spaces = {s.pk: s for s in Space.objects.filter(pk__in={r.space_id for r in rows})}
    people = {
        m["pk"]: m
        for m in Member.objects.filter(
            pk__in={p for r in rows for p in (r.host_id, *r.going)}
        ).values("pk", "operator_id", "home_space_id")
    }
    for row in rows:
        space = spaces[row.space_id]
        if row.ends_at <= row.starts_at:
            raise ValueError(f"{row.title}: the end must be after the start.")
        if people[row.host_id]["operator_id"] != space.operator_id:
            raise ValueError(f"{row.title}: the host is not a member of the operator.")
        if row.capacity is not None and len(row.going) > row.capacity:
            raise ValueError(f"{row.title}: more people going than places.")
        if row.visibility == EventVisibility.MEMBERS and any(
            people[m]["operator_id"] != space.operator_id for m in row.going
        ):
            raise ValueError(f"{row.title}: a members' event is for its operator's members.")
    with transaction.atomic():
        events = Event.objects.bulk_create(
            [
                Event(
                    operator_id=spaces[r.space_id].operator_id,
                    space_id=r.space_id,
                    title=r.title,
                    kind=r.kind,
                    starts_at=r.starts_at,
                    ends_at=r.ends_at,
                    capacity=r.capacity,
                    visibility=r.visibility,
                    status=EventStatus.PUBLISHED,
                    proposed_by_id=r.host_id,
                    decided_by_id=r.host_id,
                    decided_at=now,
                    going_count=len(r.going),
                    features={
                        "interests": sorted(r.interests),
                        "skills": [],
                        "host_skills": [],
                        "going": sorted(r.going)[:50],
                    },
                    created_at=now,
                    updated_at=now,
                )
                for r in rows
            ],
            batch_size=batch_size,
        )
        if not all(e.pk for e in events):  # a database without RETURNING
            raise RuntimeError("bulk_create did not return the new events' ids.")
        Event.hosts.through.objects.bulk_create(
            [Event.hosts.through(event_id=e.pk, member_id=r.host_id) for e, r in zip(events, rows, strict=True)],
            batch_size=batch_size,
        )  # fmt: skip
        Event.interests.through.objects.bulk_create(
            [
                Event.interests.through(event_id=e.pk, interest_id=i)
                for e, r in zip(events, rows, strict=True)
                for i in r.interests
            ],
            batch_size=batch_size,
        )
        Rsvp.objects.bulk_create(
            [
                Rsvp(
                    event_id=e.pk,
                    member_id=m,
                    status=RsvpStatus.GOING,
                    created_at=now,
                    updated_at=now,
                    confirmed_at=now,
                    notified_status=RsvpStatus.GOING,
                )
                for e, r in zip(events, rows, strict=True)
                for m in r.going
            ],
            batch_size=batch_size,
        )
        activity_record_many(
            ActivityRow(
                operator_id=people[m]["operator_id"],
                member_id=m,
                kind=ActivityKind.RSVPED,
                occurred_at=now,
                space_id=(
                    r.space_id
                    if people[m]["operator_id"] == spaces[r.space_id].operator_id
                    else people[m]["home_space_id"]
                ),
                target_type="events.event",
                target_id=e.pk,
                payload={"title": r.title[:80], "status": RsvpStatus.GOING},
            )
            for e, r in zip(events, rows, strict=True)
            for m in r.going
        )
        pool_touch()  # bulk_create sends no post_save: forget the cached candidate pools
    return len(events)
