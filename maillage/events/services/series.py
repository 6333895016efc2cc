"""Recurring events ("every Thursday lunch, except the 24th of December").

A series keeps its RRULE (checked by `maillage.events.recurrence`: it must end, within a
year) and materialises its occurrences as ordinary events up to `HORIZON_DAYS` ahead;
`series_extend` (run by the periodic command, see `tasks.py`) adds the next ones as time
goes by. Each occurrence copies the series' first one, keeps its wall-clock time in the
space's time zone, and books the room for itself.

At creation, a room already booked on one of the dates refuses the whole series (listing the
dates), like the booking service's repetitions. When the series is extended later, with no
one there to choose, an occurrence whose room is taken is created without its booking, and
the staff's events page flags it ("room not reserved").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import Member
from maillage.events import recurrence
from maillage.events.models import Event, EventSeries, EventStatus
from maillage.events.services.common import day_label, tz_of
from maillage.events.services.events import reserve_room, set_tags
from maillage.members.models import Interest, SkillConcept
from maillage.workspace import rules

HORIZON_DAYS = 12 * 7


def rule_error_message(exc: recurrence.RecurrenceError) -> str:
    values = {
        "detail": exc.detail,
        "max": recurrence.MAX_OCCURRENCES,
        "day": day_label(dt.date.fromisoformat(exc.detail)) if exc.reason in ("too_far", "exception") else "",
    }  # fmt: skip
    messages = {
        "invalid": _(
            "This repetition rule is not valid (%(detail)s). Use the choices offered, or a rule "
            "such as FREQ=WEEKLY;BYDAY=TH;COUNT=10."
        ),
        "frequency": _("An event repeats once a day at most: %(detail)s is not allowed."),
        "intraday": _("A repeating event keeps one time of day: %(detail)s is not allowed."),
        "unsupported": _("%(detail)s cannot be used in a repetition rule here."),
        "endless": _("A repeating event must end: give a number of times or an end date."),
        "too_many": _("A series has %(max)d dates at most; this rule gives more."),
        "too_far": _("A series runs for a year at most; this rule goes on until %(day)s."),
        "empty": _("This rule gives no date at all: check its days and its end."),
        "exception": _("%(day)s is not one of the series' dates, so it cannot be skipped."),
    }
    return messages[exc.reason] % values


def parse_rule(
    rule: str, *, first_day: dt.date, exceptions: Sequence[dt.date] = ()
) -> recurrence.Rule:
    try:
        return recurrence.parse(rule, first_day=first_day, exceptions=exceptions)
    except recurrence.RecurrenceError as exc:
        raise DomainError(rule_error_message(exc), field="recurrence") from None


def _occurrence(template: Event, series: EventSeries, day: dt.date) -> Event:
    tz = tz_of(template.space)
    starts_at = rules.local_datetime(tz, day, series.start_time)
    ends_at = starts_at + dt.timedelta(minutes=series.duration_minutes)
    fields = {
        f.name: getattr(template, f.name)
        for f in Event._meta.concrete_fields
        if f.name not in ("id", "series", "occurrence_on", "starts_at", "ends_at", "booking",
                          "checkin_nonce", "going_count", "maybe_count", "waitlist_count",
                          "sequence", "attendance_closed_at", "cancelled_at", "cancel_reason")
    }  # fmt: skip
    return Event(**fields, series=series, occurrence_on=day, starts_at=starts_at, ends_at=ends_at)


@transaction.atomic
def series_start(
    *,
    template: Event,
    rule: str,
    exceptions: Sequence[dt.date],
    by: Member,
    interests: Sequence[Interest],
    skills: Sequence[SkillConcept],
    hosts: Sequence[Member],
    now: dt.datetime,
) -> Event:
    """Create a series from an unsaved event (its first date and times) and its first
    `HORIZON_DAYS` of occurrences, rooms booked; all or nothing. Returns the first one."""
    tz = tz_of(template.space)
    local_start = template.starts_at.astimezone(tz)
    first_day = local_start.date()
    parsed = parse_rule(rule, first_day=first_day, exceptions=exceptions)
    duration = int((template.ends_at - template.starts_at).total_seconds() // 60)
    horizon = timezone.localdate(now, tz) + dt.timedelta(days=HORIZON_DAYS)
    series = EventSeries.objects.create(
        operator=template.operator,
        space=template.space,
        rule=parsed.text,
        first_day=first_day,
        start_time=local_start.time().replace(tzinfo=None),
        duration_minutes=duration,
        exceptions=sorted(d.isoformat() for d in exceptions),
        last_day=parsed.last_day,
        filled_until=min(parsed.last_day, horizon),
        created_by=by,
        created_at=now,
    )
    created, failures = [], []
    for day in recurrence.days_between(parsed, first_day, series.filled_until):
        try:
            event = _occurrence(template, series, day)
            if event.starts_at <= now:
                raise DomainError(_("This time is already past."))
            event.save()
            set_tags(event, interests=interests, skills=skills, hosts=hosts)
            if event.room is not None and event.is_published:
                with transaction.atomic():
                    event.booking = reserve_room(event=event, by=by, now=now)
                event.save(update_fields=["booking"])
            created.append(event)
        except rules.LocalTimeError:
            failures.append(f"{day_label(day)}: " + _("this time does not exist that day."))
        except DomainError as exc:
            failures.append(f"{day_label(day)}: {exc.message}")
    if failures:
        raise DomainError(
            _("Nothing was created, because %(n)d of the dates cannot be: %(list)s")
            % {"n": len(failures), "list": " · ".join(failures)},
            field="recurrence",
        )
    return created[0]


@transaction.atomic
def series_extend(
    *, series: EventSeries, until: dt.date | None = None, now: dt.datetime | None = None
) -> list[Event]:
    """Materialise the series' occurrences up to `until` (default: the horizon from today).
    Idempotent: days already there, skipped days and past days are left alone."""
    now = now or timezone.now()
    series = (
        EventSeries.objects.select_for_update(of=("self",))
        .select_related("space")
        .get(pk=series.pk)
    )
    if series.ended_at is not None:
        return []
    tz = tz_of(series.space)
    until = min(until or timezone.localdate(now, tz) + dt.timedelta(days=HORIZON_DAYS),
                series.last_day)  # fmt: skip
    if until <= series.filled_until:
        return []
    template = (
        Event.objects.filter(series=series)
        .exclude(status=EventStatus.DECLINED)
        .select_related("space", "operator", "room", "decided_by")
        .prefetch_related("interests", "skills", "hosts")
        .order_by("starts_at")
        .first()
    )
    if template is None:
        return []
    parsed = recurrence.parse(series.rule, first_day=series.first_day)
    skipped = {dt.date.fromisoformat(d) for d in series.exceptions}
    existing = set(Event.objects.filter(series=series).values_list("occurrence_on", flat=True))
    created = []
    start = series.filled_until + dt.timedelta(days=1)
    for day in recurrence.days_between(parsed, start, until):
        if day in skipped or day in existing:
            continue
        try:
            event = _occurrence(template, series, day)
        except rules.LocalTimeError:
            continue
        if event.starts_at <= now:
            continue
        event.status = EventStatus.PUBLISHED
        event.decision_note = ""
        event.save()
        # hosts who are still members: someone who left or deleted their account hosts no
        # new occurrence (the staff choose another where none is left)
        hosts = [h for h in template.hosts.select_related("user") if _current(h)]
        set_tags(
            event,
            interests=list(template.interests.all()),
            skills=list(template.skills.all()),
            hosts=hosts,
        )
        booker = next(
            (m for m in (template.decided_by, series.created_by) if m is not None and _current(m)),
            None,
        )
        if event.room is not None and booker is not None:
            try:
                with transaction.atomic():
                    event.booking = reserve_room(event=event, by=booker, now=now)
                event.save(update_fields=["booking"])
            except DomainError:
                pass  # flagged on the staff's page: a room without its booking
        created.append(event)
    series.filled_until = until
    series.save(update_fields=["filled_until"])
    return created


def _current(member) -> bool:
    return member.is_active and member.user.is_active
