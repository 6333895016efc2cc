"""The booking rules as plain functions: time ranges, opening hours, local time, prices,
allowances, repetitions. No Django here, so they are tested (hypothesis) on their own.

Ranges are half-open, [start, end): a booking ending at 11:00 does not meet one starting at
11:00. Durations are measured in UTC (real elapsed time), never as a difference of wall-clock
times: across the last Sunday of October, 01:00–04:00 in Paris lasts four hours.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

SLOT_MINUTES = 15  # bookings start and end on a quarter hour
HALF_DAY_MINUTES = 4 * 60
DAY_MINUTES = 8 * 60
CENT = Decimal("0.01")

FREQUENCIES = ("weekly", "fortnightly", "weekdays")
MAX_REPEAT = 52


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in a time zone."""

    def __init__(self, kind: str, naive: dt.datetime) -> None:
        super().__init__(f"{naive:%Y-%m-%d %H:%M} is {kind}")
        self.kind = kind  # "nonexistent" (clocks go forward) or "ambiguous" (clocks go back)
        self.naive = naive


def minutes_of(hhmm: str) -> int:
    """ "08:30" → 510; "24:00" (closing at midnight) → 1440."""
    hours, _, minutes = hhmm.partition(":")
    return int(hours) * 60 + int(minutes)


def utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def elapsed_minutes(start: dt.datetime, end: dt.datetime) -> int:
    return int((utc(end) - utc(start)).total_seconds() // 60)


def overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    return a_start < b_end and b_start < a_end


def local_datetime(tz: zoneinfo.ZoneInfo, day: dt.date, time: dt.time) -> dt.datetime:
    """The aware datetime of a wall-clock time in `tz`, refusing times the clock skips
    (spring forward) or shows twice (fall back): a booking must mean one instant."""
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    back = utc(first).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise LocalTimeError("nonexistent", naive)
    if first.utcoffset() != second.utcoffset():
        raise LocalTimeError("ambiguous", naive)
    return first


def within_opening(
    start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo, ranges: Sequence[tuple[str, str]]
) -> bool:
    """Whether [start, end) lies inside one of the day's opening ranges, in `tz`.

    `ranges` are the opening hours of the local day of `start`. A booking may end at midnight
    when a range closes at "24:00".
    """
    local_start, local_end = utc(start).astimezone(tz), utc(end).astimezone(tz)
    day = local_start.date()
    start_min = local_start.hour * 60 + local_start.minute
    if local_end.date() == day:
        end_min = local_end.hour * 60 + local_end.minute
    elif local_end.date() == day + dt.timedelta(days=1) and local_end.time() == dt.time(0, 0):
        end_min = 24 * 60
    else:
        return False
    if end_min <= start_min:
        return False
    return any(minutes_of(a) <= start_min and end_min <= minutes_of(b) for a, b in ranges)


def closing_minute(ranges: Sequence[tuple[str, str]]) -> int | None:
    """When a day's last opening range ends, in minutes since local midnight (None: closed)."""
    return max((minutes_of(b) for _a, b in ranges), default=None)


def open_at(ranges: Sequence[tuple[str, str]], minute: int) -> bool:
    """Whether minute `minute` of the local day falls inside one of its opening ranges."""
    return any(minutes_of(a) <= minute < minutes_of(b) for a, b in ranges)


def on_slot(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> bool:
    local = utc(value).astimezone(tz)
    return local.second == 0 and local.microsecond == 0 and local.minute % SLOT_MINUTES == 0


def free_seat(seats: int, busy: Iterable[int]) -> int | None:
    """The lowest seat number (1..seats) not in `busy`, or None when all are taken."""
    taken = set(busy)
    return next((seat for seat in range(1, seats + 1) if seat not in taken), None)


def _rate_options(
    minutes: int, per_hour: Decimal | None, per_half_day: Decimal | None, per_day: Decimal | None
) -> list[Decimal]:
    options = []
    if per_hour is not None:
        options.append(per_hour * Decimal(minutes) / 60)
    if per_half_day is not None:
        options.append(per_half_day * math.ceil(minutes / HALF_DAY_MINUTES))
    if per_day is not None:
        options.append(per_day * math.ceil(minutes / DAY_MINUTES))
    return options


def cost(
    minutes: int,
    per_hour: Decimal | None = None,
    per_half_day: Decimal | None = None,
    per_day: Decimal | None = None,
) -> Decimal:
    """What `minutes` of a resource cost at its hourly, half-day (4 h) and day (8 h) rates:
    the cheapest way to pay for them (e.g. five hours at 20/h or one day at 80 → 80).
    No rate at all: free."""
    if minutes <= 0:
        return Decimal(0)
    options = _rate_options(minutes, per_hour, per_half_day, per_day)
    if not options:
        return Decimal(0)
    return min(options).quantize(CENT, rounding=ROUND_HALF_UP)


def allowance_split(amount: Decimal, remaining: Decimal | None) -> tuple[Decimal, Decimal]:
    """(included, beyond) parts of `amount` given what is `remaining` (None: unlimited)."""
    if remaining is None:
        return amount, Decimal(0)
    included = max(Decimal(0), min(amount, remaining))
    return included, amount - included


def billable_share(price: Decimal, credits: Decimal, billable_credits: Decimal) -> Decimal:
    """The part of `price` that falls beyond the allowance, in proportion to the credits."""
    if credits <= 0:
        return price
    return (price * billable_credits / credits).quantize(CENT, rounding=ROUND_HALF_UP)


def repeat_days(first: dt.date, frequency: str, count: int) -> list[dt.date]:
    """`count` days from `first`: every week, every other week, or every working day."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    if not 1 <= count <= MAX_REPEAT:
        raise ValueError(f"count must be between 1 and {MAX_REPEAT}")
    if frequency == "weekdays":
        days, day = [], first
        while len(days) < count:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
        return days
    step = 7 if frequency == "weekly" else 14
    return [first + dt.timedelta(days=step * i) for i in range(count)]


def cancellation_is_free(starts_at: dt.datetime, now: dt.datetime, free_hours: int) -> bool:
    return utc(now) <= utc(starts_at) - dt.timedelta(hours=free_hours)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar month of `day`."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)
