"""Check-ins, guests, who is here today.

Who is here *now* and who came *today* differ: people forget to check out, and nothing checks
them out at closing (a made-up departure time would be worse than none). So an open check-in
counts as present only until the space closes that day (the end of its last opening range);
one the front desk opened after closing counts until midnight. After that the person has
stopped being "here now", but the day's visit stays what it is: a day at the space for the
allowances, and a visit of today for the directory's "here today" filter.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maillage.core import sql
from maillage.core.models import Member, Space
from maillage.workspace import rules
from maillage.workspace.models import (
    Booking,
    CheckIn,
    CheckInVia,
    Guest,
)
from maillage.workspace.selectors.common import (
    _day_bounds,
    local,
    today_in,
)

# --- check-ins and who is here ---------------------------------------------------------------


def closing_time(space: Space, day: dt.date) -> dt.datetime | None:
    """When `space` closes on local `day` (the end of its last opening range), or None when
    its weekly hours say it is closed that day."""
    minute = rules.closing_minute(space.hours_on(day.weekday()))
    if minute is None:
        return None
    if minute >= 1440:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=space.tz)
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=space.tz)


def _present_since(space: Space, now: dt.datetime) -> dt.datetime | None:
    """The earliest check-in time that still counts as present at `now` (None: any)."""
    day = today_in(space, now)
    closes = closing_time(space, day)
    if closes is not None and now < closes:
        return None
    return closes or _day_bounds(space, day)[0]


def _present_q(space: Space, now: dt.datetime) -> Q:
    q = Q(space=space, day=today_in(space, now), checked_out_at__isnull=True)
    since = _present_since(space, now)
    return q if since is None else q & Q(checked_in_at__gte=since, via=CheckInVia.DESK)


def _still_present(checkin: CheckIn, since: dt.datetime | None) -> bool:
    if since is None:
        return True
    return checkin.via == CheckInVia.DESK and checkin.checked_in_at >= since


def checkin_is_present(checkin: CheckIn, now: dt.datetime | None = None) -> bool:
    """Whether an open check-in still means "here now" (see the module's docstring)."""
    now = now or timezone.now()
    if not checkin.is_open or checkin.day != today_in(checkin.space, now):
        return False
    return _still_present(checkin, _present_since(checkin.space, now))


_CHECKIN_PARTS = ((CheckIn, "c"), (Space, "s", "c", "space"))  # maybe not their home space


@functools.cache
def _checkin_sql(vendor: str) -> str:
    col = sql.column
    return (
        f"SELECT {sql.columns(_CHECKIN_PARTS)} {sql.source(_CHECKIN_PARTS)} "
        f"WHERE {col(CheckIn, 'member', 'c')} = %s AND {col(CheckIn, 'day', 'c')} = %s "
        f"ORDER BY {col(CheckIn, 'id', 'c')} LIMIT 1"
    )


def member_checkin_today(member: Member, now: dt.datetime | None = None) -> CheckIn | None:
    """The member's check-in of today, with `is_present` set (False once the space closed)."""
    now = now or timezone.now()
    day = today_in(member.home_space, now)
    # Every home page asks: written in SQL once (core/sql.py), the ORM took longer to compile.
    params = [member.pk, sql.prep(CheckIn, "day", day)]
    found = sql.instances(_CHECKIN_PARTS, sql.fetch(_checkin_sql(connection.vendor), params))
    checkin = found[0][0] if found else None
    if checkin is not None:
        checkin.is_present = checkin_is_present(checkin, now)
        checkin.closes_at = closing_time(checkin.space, checkin.day)
    return checkin


def member_checkin_card(member: Member, now: dt.datetime | None = None) -> dict:
    """What the home page's check-in card shows: today's check-in, and whether the member may
    check in now (their space open at this hour, as `checkin_open` requires) (1 query)."""
    now = now or timezone.now()
    space = member.home_space
    moment = local(now, space)
    ranges = space.hours_on(moment.weekday())
    return {
        "checkin": member_checkin_today(member, now),
        "checkin_open_now": rules.open_at(ranges, moment.hour * 60 + moment.minute),
        "checkin_hours": ", ".join(f"{a}–{b}" for a, b in ranges),
    }


@dataclass
class HereToday:
    space: Space
    day: dt.date
    present: list[CheckIn]
    left: list[CheckIn]  # checked out
    unclosed: list[CheckIn]  # never checked out, and the space has closed since
    closes: dt.datetime | None
    guests: list[Guest]
    bookings: list[Booking]

    @property
    def count(self) -> int:
        return len(self.present)

    @property
    def came_and_left(self) -> int:
        return len(self.left) + len(self.unclosed)


def here_today(space: Space, now: dt.datetime | None = None) -> HereToday:
    """Who checked in at `space` today and is here now, who left (or stayed checked in past
    closing), the day's guests and bookings (3 queries)."""
    now = now or timezone.now()
    day = today_in(space, now)
    checkins = list(
        CheckIn.objects.filter(space=space, day=day)
        .select_related("member__user", "membership__plan")
        .order_by("checked_in_at")
    )
    guests = list(
        Guest.objects.filter(space=space, day=day).select_related("host__user").order_by("name")
    )
    start, end = _day_bounds(space, day)
    bookings = list(
        Booking.objects.confirmed()
        .filter(resource__space=space)
        .overlapping(start, end)
        .select_related("resource", "member__user")
        .order_by("starts_at", "resource__name")
    )
    since = _present_since(space, now)
    present = [c for c in checkins if c.is_open and _still_present(c, since)]
    return HereToday(
        space,
        day,
        present=present,
        left=[c for c in checkins if not c.is_open],
        unclosed=[c for c in checkins if c.is_open and c not in present],
        closes=closing_time(space, day),
        guests=guests,
        bookings=bookings,
    )


def present_member_ids(space: Space, now: dt.datetime | None = None) -> QuerySet:
    """Members checked in at `space` today and not checked out: the directory's "here today"
    filter. Closing time does not end the day's visit here (unlike `spaces_here_counts`)."""
    return CheckIn.objects.filter(
        space=space, day=today_in(space, now), checked_out_at__isnull=True
    ).values("member_id")


def spaces_here_counts(spaces: Sequence[Space], now: dt.datetime | None = None) -> dict[int, int]:
    """How many people are here right now at each space: checked in today, not checked out,
    and the space not closed since (1 query)."""
    if not spaces:
        return {}
    now = now or timezone.now()
    present = Q(pk__in=[])
    for space in spaces:
        present |= _present_q(space, now)
    rows = CheckIn.objects.filter(present).values("space").annotate(n=Count("pk"))
    return {row["space"]: row["n"] for row in rows}


def member_guests(member: Member, now: dt.datetime | None = None) -> list[Guest]:
    return list(
        Guest.objects.filter(host=member, day__gte=today_in(member.home_space, now))
        .select_related("space")
        .order_by("day", "name")[:10]
    )


def member_home(member: Member, now: dt.datetime | None = None) -> dict:
    """What the member's home page shows of the workspace: today's check-in, the next
    bookings and what is left of the plan this month (6 queries)."""
    from maillage.workspace.selectors.calendar import member_upcoming_bookings
    from maillage.workspace.selectors.statements import member_allowance

    card = member_checkin_card(member, now)
    return {
        "ws_checkin": card["checkin"],
        "checkin_open_now": card["checkin_open_now"],
        "checkin_hours": card["checkin_hours"],
        "ws_upcoming": member_upcoming_bookings(member, limit=3, now=now),
        "ws_allowance": member_allowance(member, now),
    }


def staff_home(spaces: Sequence[Space], now: dt.datetime | None = None) -> dict:
    """Who is here now in each of the staff member's spaces, the day's guests and the
    check-ins of the last seven days (3 queries)."""
    now = now or timezone.now()
    spaces = list(spaces)
    here = spaces_here_counts(spaces, now)
    days = {today_in(s, now) for s in spaces}
    guests = dict(
        Guest.objects.filter(space__in=spaces, day__in=days)
        .values("space")
        .annotate(n=Count("pk"))
        .values_list("space", "n")
    )
    week = CheckIn.objects.filter(space__in=spaces, checked_in_at__gte=now - dt.timedelta(days=7))
    return {
        "ws_here": [(s, here.get(s.pk, 0), guests.get(s.pk, 0)) for s in spaces],
        "ws_here_total": sum(here.values()),
        # Check-ins of the last seven days, from the check-ins themselves (not the ledger).
        "checkins_week": week.count(),
    }
