"""Reads for the home pages. Each takes what the access gate returned."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maillage.core import sql
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
    params = [
        member.pk,
        sql.prep(Activity, "occurred_at", start),
        sql.prep(Activity, "occurred_at", now),
    ]
    return dict(sql.fetch(_month_sql(connection.vendor), params))


def member_recent_activity(member: Member, limit: int = 8) -> list[Activity]:
    """The member's newest lines of the ledger, with their space."""
    rows = sql.fetch(_recent_sql(connection.vendor), [member.pk, limit])
    return [activity for activity, _space in sql.instances(_RECENT_PARTS, rows)]


# The two reads of the ledger every member home page makes, written in SQL once per process
# (see maillage/core/sql.py): the ORM took longer to compile them than the database to answer.
_RECENT_PARTS = ((Activity, "a"), (Space, "s", "a", "space"))


@functools.cache
def _month_sql(vendor: str) -> str:
    col, kind = sql.column, sql.column(Activity, "kind")
    return (
        f"SELECT {kind}, COUNT(*) FROM {connection.ops.quote_name(Activity._meta.db_table)} "  # noqa: S608
        f"WHERE {col(Activity, 'member')} = %s AND {col(Activity, 'occurred_at')} >= %s "
        f"AND {col(Activity, 'occurred_at')} <= %s GROUP BY {kind}"
    )


@functools.cache
def _recent_sql(vendor: str) -> str:
    col = sql.column
    return (
        f"SELECT {sql.columns(_RECENT_PARTS)} {sql.source(_RECENT_PARTS)} "
        f"WHERE {col(Activity, 'member', 'a')} = %s "
        f"ORDER BY {col(Activity, 'occurred_at', 'a')} DESC LIMIT %s"
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
