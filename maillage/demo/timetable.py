"""Where and when things can happen: each space's opening days and programme of events.

Opening days follow each space's opening hours, closed on French public holidays (Easter by the
anonymous Gregorian algorithm, Meeus/Jones/Butcher). Each space runs a weekly lunch, a breakfast
in the first week of the month, a workshop every other week and an afterwork on the last open
Friday, except in the summer and Christmas breaks. Cost: O(spaces × days), built once per
network and shared by every person's simulation.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from maillage.demo import vocabulary as words
from maillage.demo.network import MANAGER, rng_for

if TYPE_CHECKING:
    from maillage.demo.network import DemoNetwork

LUNCH, BREAKFAST, WORKSHOP, AFTERWORK = "lunch", "breakfast", "workshop", "afterwork"


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def french_public_holidays(year: int) -> set[dt.date]:
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return {dt.date(year, m, d) for m, d in fixed} | {
        sunday + dt.timedelta(days=n) for n in (1, 39, 50)
    }


def season(day: dt.date) -> float:
    """How full spaces are on a day, relative to an ordinary week (French working habits)."""
    if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2):
        return 0.3
    if day.month == 8:
        return 0.35 if day.day <= 25 else 0.7
    if day.month == 7:
        return 0.95 if day.day <= 14 else 0.8
    return 1.0


def _event_break(day: dt.date) -> bool:
    """No community events in the summer and Christmas breaks."""
    return (
        (day.month == 7 and day.day >= 24)
        or (day.month == 8 and day.day <= 25)
        or (day.month == 12 and day.day >= 20)
        or (day.month == 1 and day.day <= 5)
    )


def _seconds(hhmm: str) -> int:
    return int(hhmm[:2]) * 3600 + int(hhmm[3:5]) * 60


# An opening day: (UTC datetime of local midnight, opens at, closes at (seconds), weekday).
OpenDay = tuple[dt.datetime, int, int, int]
# An event: (kind, title, starts at (seconds after local midnight), minutes, id).
Event = tuple[str, str, int, int, str]


@dataclass
class LedgerContext:
    """What every person's simulation shares: calendars and events of each space."""

    seed: int
    start: dt.date
    days: int
    season: list[float]
    calendars: list[list[OpenDay | None]]
    events: list[dict[int, list[Event]]]
    operator_spaces: dict[int, list[int]]
    managed_spaces: set[int]

    @classmethod
    def build(cls, network: DemoNetwork) -> LedgerContext:
        config = network.config
        start, end = config.start, config.end
        n_days = (end - start).days
        dates = [start + dt.timedelta(days=i) for i in range(n_days)]
        holidays: set[dt.date] = set()
        for year in range(start.year, end.year + 1):
            holidays |= french_public_holidays(year)
        midnights: dict[str, list[dt.datetime]] = {}
        calendars, events = [], []
        operator_spaces: dict[int, list[int]] = {}
        for space in network.spaces:
            operator_spaces.setdefault(space.operator_index, []).append(space.index)
            if space.time_zone not in midnights:
                zone = zoneinfo.ZoneInfo(space.time_zone)
                # Local noon minus 12 hours: right for the whole day even on the DST Sundays.
                midnights[space.time_zone] = [
                    dt.datetime.combine(d, dt.time(12), zone).astimezone(dt.UTC)
                    - dt.timedelta(hours=12)
                    for d in dates
                ]
            midnight = midnights[space.time_zone]
            hours = {
                i: (_seconds(ranges[0][0]), _seconds(ranges[-1][1]))
                for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
                if (ranges := space.opening_hours.get(name))
            }
            calendar: list[OpenDay | None] = []
            for i, day in enumerate(dates):
                weekday = day.weekday()
                if weekday in hours and day not in holidays:
                    calendar.append((midnight[i], *hours[weekday], weekday))
                else:
                    calendar.append(None)
            calendars.append(calendar)
            events.append(_space_events(config.seed, space.index, dates, calendar))
        managed = {p.home_space_index for p in network.people if p.role == MANAGER}
        return cls(
            seed=config.seed,
            start=start,
            days=n_days,
            season=[season(d) for d in dates],
            calendars=calendars,
            events=events,
            operator_spaces=operator_spaces,
            managed_spaces=managed,
        )


def _space_events(
    seed: int, space_index: int, dates: list[dt.date], calendar: list[OpenDay | None]
) -> dict[int, list[Event]]:
    """A space's programme: weekly lunch, first-week breakfast, fortnightly workshop, and an
    afterwork on the last open Friday of the month."""
    rng = rng_for(seed, "events", space_index)
    lunch_day = 1 if space_index == 0 else rng.choice((1, 3))  # La Filature lunches on Tuesdays
    breakfast_day = rng.randrange(5)
    workshop_day = rng.choice((2, 3))
    workshop_parity = rng.randrange(2)
    workshop_titles = list(words.WORKSHOP_TITLES)
    rng.shuffle(workshop_titles)
    programme: dict[int, list[Event]] = {}
    last_friday: dict[tuple[int, int], int] = {}
    workshops = 0

    def add(offset: int, kind: str, title: str, start: int, minutes: int) -> None:
        _, opens, closes, _ = calendar[offset]  # type: ignore[misc]
        start = max(opens, min(start, closes - minutes * 60))
        programme.setdefault(offset, []).append(
            (kind, title, start, minutes, f"{space_index}-{dates[offset].isoformat()}-{kind}")
        )

    for offset, day in enumerate(dates):
        if calendar[offset] is None or _event_break(day):
            continue
        weekday = day.weekday()
        if weekday == lunch_day:
            add(offset, LUNCH, words.LUNCH_TITLE, 12 * 3600 + 1800, 60)
        if weekday == breakfast_day and day.day <= 7:
            add(offset, BREAKFAST, words.BREAKFAST_TITLE, 9 * 3600, 60)
        if weekday == workshop_day and day.isocalendar().week % 2 == workshop_parity:
            title = workshop_titles[workshops % len(workshop_titles)]
            workshops += 1
            add(offset, WORKSHOP, title, 17 * 3600 + 1800, 90)
        if weekday == 4:
            last_friday[(day.year, day.month)] = offset
    for offset in last_friday.values():
        add(offset, AFTERWORK, words.AFTERWORK_TITLE, 18 * 3600, 60)
    return programme
