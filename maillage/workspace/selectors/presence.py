"""Check-ins, guests, who is here today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from maillage.core.models import Member, Space
from maillage.workspace.models import (
    Booking,
    CheckIn,
    Guest,
)
from maillage.workspace.selectors.common import (
    _day_bounds,
    today_in,
)

# --- check-ins and who is here ---------------------------------------------------------------


def member_checkin_today(member: Member, now: dt.datetime | None = None) -> CheckIn | None:
    day = today_in(member.home_space, now)
    return CheckIn.objects.filter(member=member, day=day).select_related("space").first()


@dataclass
class HereToday:
    space: Space
    day: dt.date
    present: list[CheckIn]
    left: list[CheckIn]
    guests: list[Guest]
    bookings: list[Booking]

    @property
    def count(self) -> int:
        return len(self.present)


def here_today(space: Space, now: dt.datetime | None = None) -> HereToday:
    """Who checked in at `space` today, who left, the day's guests and bookings (3 queries)."""
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
    return HereToday(
        space,
        day,
        present=[c for c in checkins if c.is_open],
        left=[c for c in checkins if not c.is_open],
        guests=guests,
        bookings=bookings,
    )


def present_member_ids(space: Space, now: dt.datetime | None = None) -> QuerySet:
    """Members checked in at `space` today and not checked out: the "here today" filter."""
    return CheckIn.objects.filter(
        space=space, day=today_in(space, now), checked_out_at__isnull=True
    ).values("member_id")


def spaces_here_counts(spaces: Sequence[Space], now: dt.datetime | None = None) -> dict[int, int]:
    """How many people are checked in right now at each space (1 query)."""
    days = {today_in(s, now) for s in spaces}
    rows = (
        CheckIn.objects.filter(space__in=spaces, day__in=days, checked_out_at__isnull=True)
        .values("space")
        .annotate(n=Count("pk"))
    )
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

    return {
        "ws_checkin": member_checkin_today(member, now),
        "ws_upcoming": member_upcoming_bookings(member, limit=3, now=now),
        "ws_allowance": member_allowance(member, now),
    }


def staff_home(spaces: Sequence[Space], now: dt.datetime | None = None) -> dict:
    """Who is here today in each of the staff member's spaces (2 queries)."""
    spaces = list(spaces)
    here = spaces_here_counts(spaces, now)
    days = {today_in(s, now) for s in spaces}
    guests = dict(
        Guest.objects.filter(space__in=spaces, day__in=days)
        .values("space")
        .annotate(n=Count("pk"))
        .values_list("space", "n")
    )
    return {
        "ws_here": [(s, here.get(s.pk, 0), guests.get(s.pk, 0)) for s in spaces],
        "ws_here_total": sum(here.values()),
    }
