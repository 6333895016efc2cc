"""What a member's plan includes and how much of it is used, for one period.

Used by the services (inside their transaction, to split a new booking or check-in between
"included" and "billable") and by the pages (what is left this month).

Rule: use is covered in the order it is recorded. A booking made when the credits were spent
stays billable even if an earlier booking is cancelled afterwards; the freed credits cover the
next bookings. Statements therefore read what each row recorded, never recompute it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from maillage.core.models import Member
from maillage.workspace.models import (
    Booking,
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
    memberships = (
        Membership.objects.filter(member=member, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("plan")
        .order_by("-starts_on", "-pk")
    )
    if lock:
        memberships = memberships.select_for_update(of=("self",))
    return memberships.first()


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
    """The allowance that applies to what `member` does on `day` (3 to 4 queries)."""
    membership = membership_on(member, day, lock=lock)
    if membership is None:
        first, last = month_bounds(day)
        return Allowance(
            None, first, last, False, 0, 0, 0, Decimal(0), Decimal(0), Decimal(0), 0, 0, 0
        )
    plan = membership.plan
    first, last = period_bounds(membership, day)
    start, end = _local_range(member, first, last)
    credit_rows = (
        Booking.objects.counted()
        .filter(member=member, starts_at__gte=start, starts_at__lt=end)
        .aggregate(total=Sum("credits"), beyond=Sum("billable_credits"))
    )
    total = credit_rows["total"] or Decimal(0)
    beyond = credit_rows["beyond"] or Decimal(0)
    days = CheckIn.objects.filter(member=member, day__gte=first, day__lte=last)
    guests = Guest.objects.filter(host=member, kind=GuestKind.GUEST, day__gte=first, day__lte=last)
    split = {
        "included": Count("pk", filter=Q(billable=False)),
        "billable": Count("pk", filter=Q(billable=True)),
    }
    day_counts, guest_counts = days.aggregate(**split), guests.aggregate(**split)
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
