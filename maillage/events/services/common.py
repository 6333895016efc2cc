"""What the event services share: locking an event, local times, counting seats, notices."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.dates import date_format
from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member
from maillage.core.services import activity_record
from maillage.events.models import Event, Rsvp, RsvpStatus
from maillage.workspace import rules


def lock(event: Event) -> Event:
    """The event's row, locked until the end of the transaction (re-read from the database).

    Every change to seats (RSVPs, cancellations, promotions, capacity) takes this lock first,
    so two requests for the last seat are served one after the other. On SQLite the
    transaction already holds the database's write lock (BEGIN IMMEDIATE).
    """
    return (
        Event.objects.select_for_update(of=("self",))
        .select_related("space", "operator", "room")
        .get(pk=event.pk)
    )


def tz_of(space) -> zoneinfo.ZoneInfo:
    return (
        space.tz if space is not None else zoneinfo.ZoneInfo(timezone.get_default_timezone_name())
    )


def day_label(day: dt.date) -> str:
    return date_format(day, "l j F Y")


OVERNIGHT_MAX_HOURS = 12


def local_interval(
    *, tz: zoneinfo.ZoneInfo, day: dt.date, start: dt.time, end: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """The instants of an event entered as a local day and wall-clock times; an end at or
    before the start means the next day (an evening that ends after midnight), for an event
    of at most `OVERNIGHT_MAX_HOURS`: "18:00 to 10:00" is a mistake, not a 16-hour party."""
    try:
        starts_at = rules.local_datetime(tz, day, start)
        end_day = day if end > start else day + dt.timedelta(days=1)
        ends_at = rules.local_datetime(tz, end_day, end)
    except rules.LocalTimeError as exc:
        values = {"time": exc.naive.strftime("%H:%M"), "day": day_label(exc.naive.date())}
        if exc.kind == "nonexistent":
            message = _(
                "%(time)s does not exist on %(day)s: the clocks go forward an hour that night. "
                "Choose a time after the change."
            )
        else:
            message = _(
                "%(time)s happens twice on %(day)s: the clocks go back an hour that night. "
                "Choose a time outside 02:00–03:00."
            )
        raise DomainError(message % values, field="start") from None
    # Real instants (in UTC: subtracting two datetimes of one zone ignores a change of clocks).
    if end <= start and ends_at.astimezone(dt.UTC) - starts_at.astimezone(dt.UTC) > dt.timedelta(
        hours=OVERNIGHT_MAX_HOURS
    ):
        raise DomainError(
            _(
                "The event ends before it starts. An event may go on past midnight, for "
                "%(hours)s hours at most: check the times."
            )
            % {"hours": OVERNIGHT_MAX_HOURS},
            field="end",
        )
    return starts_at, ends_at


def seats_taken(event: Event, *, excluding: Rsvp | None = None) -> int:
    rsvps = Rsvp.objects.filter(event=event, status=RsvpStatus.GOING)
    if excluding is not None and excluding.pk:
        rsvps = rsvps.exclude(pk=excluding.pk)
    row = rsvps.aggregate(n=Count("id"), guests=Sum("guests"))
    return (row["n"] or 0) + (row["guests"] or 0)


GOING_FEATURE_CAP = 50  # enough to tell "many new faces" from "a few friends"


def recount(event: Event) -> None:
    """Write the event's counters from the RSVP table (under the event's lock)."""
    row = Rsvp.objects.filter(event=event).aggregate(
        going=Count("id", filter=Q(status=RsvpStatus.GOING)),
        guests=Sum("guests", filter=Q(status=RsvpStatus.GOING)),
        maybe=Count("id", filter=Q(status=RsvpStatus.MAYBE)),
        waitlist=Count("id", filter=Q(status=RsvpStatus.WAITLISTED)),
    )
    event.going_count = (row["going"] or 0) + (row["guests"] or 0)
    event.maybe_count = row["maybe"] or 0
    event.waitlist_count = row["waitlist"] or 0
    # Ranking reads who is going from the event itself (no RSVP query per page view).
    going = list(
        Rsvp.objects.filter(event=event, status=RsvpStatus.GOING, member__isnull=False)
        .order_by("pk")
        .values_list("member_id", flat=True)[:GOING_FEATURE_CAP]
    )
    event.features = {**(event.features or {}), "going": going}
    Event.objects.filter(pk=event.pk).update(
        going_count=event.going_count,
        maybe_count=event.maybe_count,
        waitlist_count=event.waitlist_count,
        features=event.features,
    )


def ledger_space(event: Event, member: Member):
    """The space of a ledger line: the event's, unless the member belongs to another
    operator (a network event), whose ledger then notes their home space."""
    if event.space_id is not None and event.space.operator_id == member.operator_id:
        return event.space
    return None


def record(
    *, member: Member, kind: ActivityKind, event: Event, now: dt.datetime, **payload
) -> None:
    activity_record(
        member=member,
        kind=kind,
        space=ledger_space(event, member),
        target=event,
        occurred_at=now,
        payload={"title": event.title[:80], **payload},
    )


def notify_rsvp(rsvp: Rsvp) -> None:
    """After commit, tell the person what their RSVP now is (the task decides what to send)."""
    from maillage.events import tasks

    rsvp_id = rsvp.pk
    transaction.on_commit(lambda: tasks.rsvp_notify.enqueue(rsvp_id=rsvp_id))


def notify_change(event: Event) -> None:
    from maillage.events import tasks

    event_id, sequence = event.pk, event.sequence
    transaction.on_commit(
        lambda: tasks.event_change_notify.enqueue(event_id=event_id, sequence=sequence)
    )
