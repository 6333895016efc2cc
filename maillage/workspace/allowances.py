"""What a member's plan includes and how much of it is used, for one period.

Used by the services (inside their transaction, to split a new booking or check-in between
"included" and "billable") and by the pages (what is left this month).

Rule: use is covered in the order it is recorded. A booking made when the credits were spent
stays billable even if an earlier booking is cancelled afterwards; the freed credits cover the
next bookings. Statements therefore read what each row recorded, never recompute it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from maillage.core import sql
from maillage.core.models import Member
from maillage.workspace.models import (
    Booking,
    BookingStatus,
    CheckIn,
    Guest,
    GuestKind,
    Membership,
    Plan,
    PlanPeriod,
)
from maillage.workspace.rules import month_bounds


def membership_on(member: Member, day: dt.date, *, lock: bool = False) -> Membership | None:
    """The member's membership that covers `day` (the most recent one), or None.

    `lock` takes a row lock (PostgreSQL) so that two requests of the same member cannot
    both spend the last credit; SQLite's write transactions are serialised anyway.
    """
    if not lock:
        return _membership_on(member.pk, day)
    memberships = (
        Membership.objects.filter(member=member, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("plan")
        .order_by("-starts_on", "-pk")
    )
    return memberships.select_for_update(of=("self",)).first()


# Every home page reads the member's allowance: its two queries are written in SQL once per
# process (see maillage/core/sql.py); the ORM took longer to compile them than to run them.
_MEMBERSHIP_PARTS = ((Membership, "m"), (Plan, "p", "m", "plan"))


@functools.cache
def _membership_sql(vendor: str) -> str:
    col = sql.column
    ends_on = col(Membership, "ends_on", "m")
    return (
        f"SELECT {sql.columns(_MEMBERSHIP_PARTS)} {sql.source(_MEMBERSHIP_PARTS)} "
        f"WHERE {col(Membership, 'member', 'm')} = %s AND {col(Membership, 'starts_on', 'm')} <= %s "
        f"AND ({ends_on} IS NULL OR {ends_on} >= %s) "
        f"ORDER BY {col(Membership, 'starts_on', 'm')} DESC, {col(Membership, 'id', 'm')} DESC LIMIT 1"
    )


def _membership_on(member_id: int, day: dt.date) -> Membership | None:
    param = sql.prep(Membership, "starts_on", day)
    found = sql.instances(
        _MEMBERSHIP_PARTS, sql.fetch(_membership_sql(connection.vendor), [member_id, param, param])
    )
    return found[0][0] if found else None


@functools.cache
def _used_sql(vendor: str) -> str:
    """Credits used (and beyond the plan), days at the space and guests (included and
    billable) over a period: one query of three scalar subqueries."""
    col, qn = sql.column, connection.ops.quote_name
    b, c, g = (qn(model._meta.db_table) for model in (Booking, CheckIn, Guest))

    def counts(table: str, model, who: str, extra: str = "") -> str:
        billable = col(model, "billable")
        return (
            f"SELECT COUNT(CASE WHEN {billable} THEN NULL ELSE 1 END), "  # noqa: S608
            f"COUNT(CASE WHEN {billable} THEN 1 END) FROM {table} "
            f"WHERE {col(model, who)} = %s AND {col(model, 'day')} >= %s "
            f"AND {col(model, 'day')} <= %s{extra}"
        )

    counted = f"({col(Booking, 'status')} = %s OR {col(Booking, 'late_cancellation')})"
    return (
        f"SELECT * FROM (SELECT SUM({col(Booking, 'credits')}), SUM({col(Booking, 'billable_credits')}) "  # noqa: S608
        f"FROM {b} WHERE {col(Booking, 'member')} = %s AND {counted} "
        f"AND {col(Booking, 'starts_at')} >= %s AND {col(Booking, 'starts_at')} < %s) AS credits, "
        f"({counts(c, CheckIn, 'member')}) AS days, "
        f"({counts(g, Guest, 'host', f' AND {col(Guest, "kind")} = %s')}) AS guests"
    )


def _decimal(name: str, value):
    """A SUM of a DecimalField as the ORM would give it (SQLite answers a float)."""
    if value is None:
        return Decimal(0)
    field = Booking._meta.get_field(name)
    column = field.get_col(Booking._meta.db_table)
    for convert in connection.ops.get_db_converters(column):
        value = convert(value, column, connection)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def period_bounds(membership: Membership, day: dt.date) -> tuple[dt.date, dt.date]:
    """The days over which `membership`'s allowances are counted, around `day`."""
    if membership.plan.period == PlanPeriod.TOTAL:
        return membership.starts_on, membership.ends_on or dt.date.max
    return month_bounds(day)


def _local_range(member: Member, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = member.home_space.tz
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(min(last, dt.date.max - dt.timedelta(days=1)), dt.time(0), tzinfo=tz)
    return start, end + dt.timedelta(days=1)


@dataclass(frozen=True)
class Allowance:
    """A plan's allowances for one period and what has been used (included and billable)."""

    membership: Membership | None
    first: dt.date
    last: dt.date
    paused: bool
    access_days: int | None
    access_days_used: int
    access_days_billable: int
    credits: Decimal | None
    credits_used: Decimal
    credits_billable: Decimal
    guest_days: int | None
    guest_days_used: int
    guest_days_billable: int

    @property
    def plan(self) -> Plan | None:
        return self.membership.plan if self.membership else None

    @property
    def access_days_left(self) -> int | None:
        if self.paused or self.membership is None:
            return 0
        if self.access_days is None:
            return None
        return max(0, self.access_days - self.access_days_used)

    @property
    def credits_left(self) -> Decimal | None:
        if self.paused or self.membership is None:
            return Decimal(0)
        if self.credits is None:
            return None
        return max(Decimal(0), self.credits - self.credits_used)

    @property
    def guest_days_left(self) -> int | None:
        if self.paused or self.membership is None:
            return 0
        if self.guest_days is None:
            return None
        return max(0, self.guest_days - self.guest_days_used)

    @property
    def allows_overage(self) -> bool:
        return self.membership is None or self.membership.plan.allow_overage


def allowance_for(member: Member, day: dt.date, *, lock: bool = False) -> Allowance:
    """The allowance that applies to what `member` does on `day` (1 or 2 queries)."""
    membership = membership_on(member, day, lock=lock)
    if membership is None:
        first, last = month_bounds(day)
        return Allowance(
            None, first, last, False, 0, 0, 0, Decimal(0), Decimal(0), Decimal(0), 0, 0, 0
        )
    plan = membership.plan
    first, last = period_bounds(membership, day)
    start, end = _local_range(member, first, last)
    first_day, last_day = sql.prep(CheckIn, "day", first), sql.prep(CheckIn, "day", last)
    params = [
        member.pk,
        str(BookingStatus.CONFIRMED),
        sql.prep(Booking, "starts_at", start),
        sql.prep(Booking, "starts_at", end),
        *(member.pk, first_day, last_day),
        *(member.pk, first_day, last_day, str(GuestKind.GUEST)),
    ]
    ((total, beyond, *counts),) = sql.fetch(_used_sql(connection.vendor), params)
    total, beyond = _decimal("credits", total), _decimal("billable_credits", beyond)
    day_counts = {"included": counts[0], "billable": counts[1]}
    guest_counts = {"included": counts[2], "billable": counts[3]}
    return Allowance(
        membership=membership,
        first=first,
        last=last,
        paused=membership.is_paused_on(day),
        access_days=plan.access_days,
        access_days_used=day_counts["included"] or 0,
        access_days_billable=day_counts["billable"] or 0,
        credits=plan.credits,
        credits_used=total - beyond,
        credits_billable=beyond,
        guest_days=plan.guest_days,
        guest_days_used=guest_counts["included"] or 0,
        guest_days_billable=guest_counts["billable"] or 0,
    )
