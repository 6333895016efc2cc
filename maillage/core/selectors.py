"""Reads for the home pages. Each takes what the access gate returned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maillage.core.models import WEEKDAYS, Activity, Member, Space


@dataclass(frozen=True)
class OpeningToday:
    is_open: bool
    ranges: list[tuple[str, str]]


def opening_today(space: Space, now: dt.datetime | None = None) -> OpeningToday:
    local = (now or timezone.now()).astimezone(space.tz)
    ranges = space.hours_on(local.weekday())
    hhmm = local.strftime("%H:%M")
    return OpeningToday(is_open=any(a <= hhmm < b for a, b in ranges), ranges=ranges)


def week_hours(space: Space) -> list[tuple[int, list[tuple[str, str]]]]:
    return [(i, space.hours_on(i)) for i in range(len(WEEKDAYS))]


def member_month_summary(member: Member, now: dt.datetime | None = None) -> dict[str, int]:
    """How many times a member did each kind of thing since the start of the month."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = (
        Activity.objects.filter(member=member, occurred_at__gte=start, occurred_at__lte=now)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def member_recent_activity(member: Member, limit: int = 8) -> list[Activity]:
    return list(
        Activity.objects.filter(member=member)
        .select_related("space")
        .order_by("-occurred_at")[:limit]
    )


def recent_activity(ledger: QuerySet[Activity], limit: int = 12) -> list[Activity]:
    """The newest lines of a ledger the viewer may read (`access.activities_for_viewer`)."""
    return list(ledger.select_related("space", "member__user").order_by("-occurred_at")[:limit])


def space_member_counts(spaces) -> list[tuple[Space, int, int]]:
    """For each space: active members whose home it is, and how many joined in the last 30 days."""
    since = timezone.localdate() - dt.timedelta(days=30)
    counts = {
        row["home_space"]: row
        for row in Member.objects.active()
        .filter(home_space__in=spaces)
        .values("home_space")
        .annotate(total=Count("id"), new=Count("id", filter=Q(joined_on__gte=since)))
    }
    return [
        (s, counts.get(s.pk, {}).get("total", 0), counts.get(s.pk, {}).get("new", 0))
        for s in spaces
    ]
