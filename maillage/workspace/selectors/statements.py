"""Plans, allowances and monthly usage statements."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from maillage.core.collation import name_key
from maillage.core.models import Member
from maillage.workspace import rules
from maillage.workspace.allowances import Allowance, allowance_for
from maillage.workspace.models import (
    Booking,
    CheckIn,
    Guest,
    GuestKind,
    Membership,
)
from maillage.workspace.selectors.common import (
    local,
    today_in,
)

# --- plans, allowances, statements -----------------------------------------------------------


def member_allowance(member: Member, now: dt.datetime | None = None) -> Allowance:
    return allowance_for(member, today_in(member.home_space, now))


def member_memberships(member: Member) -> list[Membership]:
    return list(
        Membership.objects.filter(member=member)
        .select_related("plan", "company")
        .order_by("-starts_on")
    )


@dataclass
class StatementLine:
    day: dt.date
    what: str
    detail: str
    quantity: str
    included: Decimal | str  # credits of a booking, "1" for a day or a guest, "" if billed
    billable: Decimal | None
    member: Member | None = None
    kind: str = ""


@dataclass
class Statement:
    """A month of use: bookings, days here and guests, with what is billable."""

    title: str
    first: dt.date
    last: dt.date
    lines: list[StatementLine]
    days_here: int
    days_billable: int
    credits: Decimal
    credits_billable: Decimal
    guests: int
    guests_billable: int
    amount_billable: Decimal
    day_price: Decimal | None = None


def _month_range(month: dt.date, tz) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    first, last = rules.month_bounds(month)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return first, last, start, end


def _statement(
    *,
    title: str,
    month: dt.date,
    tz,
    bookings: QuerySet[Booking],
    checkins: QuerySet[CheckIn],
    guests: QuerySet[Guest],
    with_member: bool,
) -> Statement:
    first, last, start, end = _month_range(month, tz)
    bookings = list(
        bookings.counted()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("resource__space", "member__user", "company")
        .order_by("starts_at")
    )
    checkins = list(
        checkins.filter(day__gte=first, day__lte=last)
        .select_related("space", "member__user", "membership__plan")
        .order_by("day")
    )
    guests = list(
        guests.filter(day__gte=first, day__lte=last)
        .select_related("space", "host__user", "membership__plan")
        .order_by("day")
    )
    lines: list[StatementLine] = []
    amount = Decimal(0)
    for c in checkins:
        price = c.membership.plan.day_price if (c.billable and c.membership) else None
        lines.append(
            StatementLine(
                c.day, "day", c.space.name, "1", "" if c.billable else "1",
                price if c.billable else Decimal(0), c.member if with_member else None, "day",
            )
        )  # fmt: skip
        amount += price or 0
    for b in bookings:
        minutes = b.minutes
        detail = f"{b.resource.name} · {local(b.starts_at, b.resource.space):%H:%M}–" + (
            f"{local(b.ends_at, b.resource.space):%H:%M}"
        )
        if b.late_cancellation:
            detail += " (late cancellation)"
        lines.append(
            StatementLine(
                local(b.starts_at, b.resource.space).date(), "booking", detail,
                f"{minutes // 60}h{minutes % 60:02d}", b.credits - b.billable_credits,
                b.billable_amount, b.member if with_member else None, "booking",
            )
        )  # fmt: skip
        amount += b.billable_amount
    for g in guests:
        price = g.membership.plan.day_price if (g.billable and g.membership) else None
        lines.append(
            StatementLine(
                g.day, "guest", f"{g.name} ({g.get_kind_display()})", "1",
                "" if g.billable else "1", price if g.billable else Decimal(0),
                g.host if with_member else None, "guest",
            )
        )  # fmt: skip
        amount += price or 0
    lines.sort(key=lambda line: (line.day, line.kind))
    guest_days = [g for g in guests if g.kind == GuestKind.GUEST]
    return Statement(
        title=title,
        first=first,
        last=last,
        lines=lines,
        days_here=len(checkins),
        days_billable=sum(1 for c in checkins if c.billable),
        credits=sum((b.credits for b in bookings), Decimal(0)),
        credits_billable=sum((b.billable_credits for b in bookings), Decimal(0)),
        guests=len(guest_days),
        guests_billable=sum(1 for g in guest_days if g.billable),
        amount_billable=amount,
    )


def member_statement(member: Member, month: dt.date) -> Statement:
    """A member's use in the month of `month`: their bookings (not those made on behalf of a
    company, which go to the company's statement), days here and guests."""
    return _statement(
        title=member.user.get_full_name(),
        month=month,
        tz=member.home_space.tz,
        bookings=Booking.objects.filter(member=member, company__isnull=True),
        checkins=CheckIn.objects.filter(member=member),
        guests=Guest.objects.filter(host=member),
        with_member=False,
    )


def company_statement(company, month: dt.date, tz) -> Statement:
    """A company's use in a month: bookings on its behalf, and the days, guests of the members
    whose plan it pays."""
    paid = Membership.objects.filter(company=company)
    return _statement(
        title=company.name,
        month=month,
        tz=tz,
        bookings=Booking.objects.filter(
            Q(company=company) | Q(membership__in=paid, company__isnull=True)
        ),
        checkins=CheckIn.objects.filter(membership__in=paid),
        guests=Guest.objects.filter(membership__in=paid),
        with_member=True,
    )


@dataclass
class UsageRow:
    member: Member
    days: int
    days_billable: int
    credits: Decimal
    credits_billable: Decimal
    amount: Decimal
    guests: int


def operator_usage(
    operator_id: int, month: dt.date, tz, members: QuerySet[Member] | None = None
) -> list[UsageRow]:
    """One line per member with any use in the month (4 queries); with `members`, only the
    members among them (a space manager's: see `core.access.members_for_viewer`)."""
    first, last, start, end = _month_range(month, tz)
    zero = Decimal(0)
    usage: dict[int, dict] = defaultdict(
        lambda: {"days": 0, "days_billable": 0, "credits": zero, "credits_billable": zero,
                 "amount": zero, "guests": 0}
    )  # fmt: skip
    for row in (
        CheckIn.objects.filter(space__operator_id=operator_id, day__gte=first, day__lte=last)
        .values("member")
        .annotate(n=Count("pk"), b=Count("pk", filter=Q(billable=True)))
    ):
        usage[row["member"]]["days"] = row["n"]
        usage[row["member"]]["days_billable"] = row["b"]
    for row in (
        Booking.objects.counted()
        .filter(resource__space__operator_id=operator_id, starts_at__gte=start, starts_at__lt=end)
        .values("member")
        .annotate(c=Sum("credits"), cb=Sum("billable_credits"), a=Sum("billable_amount"))
    ):
        usage[row["member"]].update(
            credits=row["c"] or 0, credits_billable=row["cb"] or 0, amount=row["a"] or 0
        )
    for row in (
        Guest.objects.filter(
            space__operator_id=operator_id, day__gte=first, day__lte=last, host__isnull=False
        )
        .values("host")
        .annotate(n=Count("pk"))
    ):
        usage[row["host"]]["guests"] = row["n"]
    among = Member.objects.all() if members is None else members
    members_by_pk = {
        m.pk: m for m in among.filter(pk__in=usage.keys()).select_related("user", "home_space")
    }
    rows = [
        UsageRow(members_by_pk[pk], **values) for pk, values in usage.items() if pk in members_by_pk
    ]
    rows.sort(key=lambda r: name_key(r.member.user.get_full_name()))
    return rows


def operator_companies_usage(operator_id: int, month: dt.date, tz) -> list[tuple]:
    """(company, bookings, credits, billable amount) for companies with bookings that month."""
    _first, _last, start, end = _month_range(month, tz)
    rows = (
        Booking.objects.counted()
        .filter(
            resource__space__operator_id=operator_id,
            starts_at__gte=start,
            starts_at__lt=end,
            company__isnull=False,
        )
        .values("company", "company__name")
        .annotate(n=Count("pk"), c=Sum("credits"), a=Sum("billable_amount"))
        .order_by("company__name")
    )
    return [(r["company"], r["company__name"], r["n"], r["c"], r["a"]) for r in rows]


def plan_member_counts(plans, today: dt.date) -> dict[int, int]:
    """How many current memberships each plan has (1 query)."""
    rows = (
        Membership.objects.filter(plan__in=plans)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("plan")
        .annotate(n=Count("pk"))
    )
    return {row["plan"]: row["n"] for row in rows}
