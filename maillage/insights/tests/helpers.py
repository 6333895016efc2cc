"""Ledger histories for the personas, written through the ledger's own service."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from maillage.core.models import Member
from maillage.core.services import ActivityRow, activity_record_many

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 1, 14)  # a Wednesday


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment on a local (Paris) day."""
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


def joined_long_ago(*members: Member, on: dt.date = dt.date(2023, 9, 1)) -> None:
    for member in members:
        member.joined_on = on
        member.save(update_fields=["joined_on"])


def weekly(
    member: Member,
    *,
    weeks: int,
    weekdays: tuple[int, ...] = (0, 1, 2, 3),
    kinds: dict[str, int] | None = None,
    today: dt.date = TODAY,
    skip_recent_weeks: int = 0,
) -> int:
    """Check-ins on `weekdays` for `weeks` weeks up to `today`, and per week the `kinds`
    (e.g. {"attended": 1}) on the first of those days. Returns the lines written."""
    rows = []
    monday = today - dt.timedelta(days=today.weekday())
    for back in range(skip_recent_weeks, weeks):
        week_monday = monday - dt.timedelta(weeks=back)
        days = [week_monday + dt.timedelta(days=d) for d in weekdays]
        days = [d for d in days if d <= today]
        for day in days:
            rows.append(row(member, "checked_in", at(day, 9)))
        if days:
            for kind, n in (kinds or {}).items():
                rows.extend(row(member, kind, at(days[0], 12)) for _ in range(n))
    return activity_record_many(rows)


def row(member: Member, kind: str, occurred_at: dt.datetime) -> ActivityRow:
    return ActivityRow(
        operator_id=member.operator_id,
        member_id=member.pk,
        kind=kind,
        occurred_at=occurred_at,
        space_id=member.home_space_id,
    )
