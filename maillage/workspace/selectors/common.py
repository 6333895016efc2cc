"""Helpers of the workspace reads: local days and times of a space."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.core.models import Space
from maillage.workspace import rules

QUARTER = rules.SLOT_MINUTES


# The days the calendars and statements move between: a date typed far outside (9999-12-31)
# would overflow the week or month around it; pages read it as today instead.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2199, 12, 31)


def today_in(space: Space, now: dt.datetime | None = None) -> dt.date:
    return rules.utc(now or timezone.now()).astimezone(space.tz).date()


def local(value: dt.datetime, space: Space) -> dt.datetime:
    return rules.utc(value).astimezone(space.tz)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}" if minutes < 1440 else "00:00"


def _minute_of(value: dt.datetime, space: Space, day: dt.date) -> int:
    """Minutes since local midnight of `day` (wall clock), clipped to the day."""
    moment = local(value, space)
    if moment.date() < day:
        return 0
    if moment.date() > day:
        return 1440
    return moment.hour * 60 + moment.minute


def _day_bounds(space: Space, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=space.tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=space.tz)
