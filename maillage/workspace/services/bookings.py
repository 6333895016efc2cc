"""Bookings: create (one or a repetition), cancel.

No double booking, whatever the concurrency:
- PostgreSQL: the exclusion constraint `workspace_booking_no_overlap` (migration 0002) refuses
  a second confirmed booking of the same seat over an overlapping range. The check below only
  picks a free seat and words the message; when two requests race for the last seat, the loser's
  INSERT fails on the constraint (inside a savepoint), it looks again for a free seat, and if
  none is left it is told "This slot was just taken by someone else."
- SQLite: a transaction begins with BEGIN IMMEDIATE (maillage/core/conf.py), which takes the
  database's single write lock before the first read. The overlap check and the INSERT run in
  that one transaction, so no other writer can slip in between: the check is race-free there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.dates import date_format
from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member, Space
from maillage.core.services import activity_record
from maillage.members.models import Company
from maillage.workspace import rules
from maillage.workspace.allowances import allowance_for
from maillage.workspace.models import (
    NO_OVERLAP_CONSTRAINT,
    Booking,
    BookingSeries,
    BookingStatus,
    ClosedDay,
    Resource,
)

HORIZON_DAYS = 366  # bookings open up to a year ahead


class SlotTaken(DomainError):
    """The slot (or every seat of it) is booked: the view answers 409 Conflict."""


def local_day(value: dt.datetime, space: Space) -> dt.date:
    return rules.utc(value).astimezone(space.tz).date()


def _day_label(day: dt.date) -> str:
    return date_format(day, "l j F Y")


def _hm(value: dt.datetime, space: Space) -> str:
    return rules.utc(value).astimezone(space.tz).strftime("%H:%M")


def booking_interval(
    *, space: Space, day: dt.date, start: dt.time, end: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """The instants of a booking entered as a local day and wall-clock times.

    Refuses a time the clock skips (last Sunday of March, 02:00–03:00 in Paris) or shows twice
    (last Sunday of October, 02:00–03:00), with a sentence saying so. An end at 00:00 means
    midnight at the end of the day.
    """
    tz = space.tz
    try:
        starts_at = rules.local_datetime(tz, day, start)
        if end == dt.time(0, 0):
            ends_at = rules.local_datetime(tz, day + dt.timedelta(days=1), end)
        else:
            ends_at = rules.local_datetime(tz, day, end)
    except rules.LocalTimeError as exc:
        values = {"time": exc.naive.strftime("%H:%M"), "day": _day_label(exc.naive.date())}
        if exc.kind == "nonexistent":
            message = _(
                "%(time)s does not exist on %(day)s: the clocks go forward an hour that night. "
                "Choose a time after the change."
            )
        else:
            message = _(
                "%(time)s happens twice on %(day)s: the clocks go back an hour that night. "
                "Choose a time outside 02:00–03:00."
            )
        raise DomainError(message % values, field="start") from None
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), field="end")
    return starts_at, ends_at


@dataclass(frozen=True)
class Charge:
    credits: Decimal
    billable_credits: Decimal
    price: Decimal
    billable_amount: Decimal


def _check_times(
    *, resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> None:
    space = resource.space
    tz = space.tz
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), field="end")
    if not (rules.on_slot(starts_at, tz) and rules.on_slot(ends_at, tz)):
        raise DomainError(
            _("Bookings start and end on the quarter hour (10:00, 10:15, 10:30…)."), field="start"
        )
    slot = dt.timedelta(minutes=rules.SLOT_MINUTES)
    current_slot = rules.utc(now) - (rules.utc(now) - dt.datetime.min.replace(tzinfo=dt.UTC)) % slot
    if rules.utc(starts_at) < current_slot:
        raise DomainError(_("This time is already past: choose a time from now on."), field="start")
    if rules.utc(starts_at) > rules.utc(now) + dt.timedelta(days=HORIZON_DAYS):
        raise DomainError(_("Bookings open up to a year ahead."), field="day")
    day = local_day(starts_at, space)
    closed = ClosedDay.objects.filter(space=space, date=day).first()
    if closed is not None:
        values = {"space": space.name, "day": _day_label(day), "reason": closed.reason}
        message = (
            _("%(space)s is closed on %(day)s (%(reason)s).")
            if closed.reason
            else _("%(space)s is closed on %(day)s.")
        )
        raise DomainError(message % values, field="day")
    ranges = space.hours_on(day.weekday())
    if not ranges:
        raise DomainError(
            _("%(space)s is closed on %(weekday)s.")
            % {"space": space.name, "weekday": date_format(day, "l")},
            field="day",
        )
    if not rules.within_opening(starts_at, ends_at, tz, ranges):
        hours = ", ".join(f"{a}–{b}" for a, b in ranges)
        raise DomainError(
            _("%(space)s is open %(hours)s on %(day)s: the booking must fit within these hours.")
            % {"space": space.name, "hours": hours, "day": _day_label(day)},
            field="start",
        )


def _charge(
    *, resource: Resource, member: Member, starts_at: dt.datetime, ends_at: dt.datetime
) -> tuple[Charge, object]:
    minutes = rules.elapsed_minutes(starts_at, ends_at)
    credits = rules.cost(
        minutes, resource.credits_per_hour, resource.credits_per_half_day, resource.credits_per_day
    )
    price = rules.cost(
        minutes, resource.price_per_hour, resource.price_per_half_day, resource.price_per_day
    )
    allowance = allowance_for(member, local_day(starts_at, resource.space), lock=True)
    if allowance.membership is None or allowance.paused:
        return Charge(credits, credits, price, price), allowance
    _included, beyond = rules.allowance_split(credits, allowance.credits_left)
    if beyond > 0 and not allowance.allows_overage:
        raise DomainError(
            _(
                "This booking needs %(needed)s credits but only %(left)s are left on your "
                "%(plan)s plan for this period, which does not allow going beyond it."
            )
            % {"needed": credits, "left": allowance.credits_left, "plan": allowance.plan.name},
            field="end",
        )
    # A resource without credit rates is always paid for.
    billable_amount = rules.billable_share(price, credits, beyond) if credits > 0 else price
    return Charge(credits, beyond, price, billable_amount), allowance


def _conflict_message(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    space = resource.space
    if resource.seats > 1:
        return ngettext(
            "The %(count)d seat of %(resource)s is taken at that time.",
            "All %(count)d seats of %(resource)s are taken at that time.",
            resource.seats,
        ) % {"count": resource.seats, "resource": resource.name}
    other = (
        Booking.objects.confirmed()
        .filter(resource=resource)
        .overlapping(starts_at, ends_at)
        .order_by("starts_at")
        .first()
    )
    if other is None:
        return _("This slot was just taken by someone else.")
    return _("%(resource)s is already booked from %(start)s to %(end)s on %(day)s.") % {
        "resource": resource.name,
        "start": _hm(other.starts_at, space),
        "end": _hm(other.ends_at, space),
        "day": _day_label(local_day(other.starts_at, space)),
    }


def _busy_seats(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> set[int]:
    return set(
        Booking.objects.confirmed()
        .filter(resource=resource)
        .overlapping(starts_at, ends_at)
        .values_list("seat", flat=True)
    )


def _is_overlap_violation(exc: IntegrityError) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name == NO_OVERLAP_CONSTRAINT or NO_OVERLAP_CONSTRAINT in str(exc)


def _insert(booking: Booking, resource: Resource, busy: set[int]) -> Booking:
    """Save `booking` on a free seat; on a lost race, try the next free seat."""
    for _attempt in range(resource.seats + 1):
        seat = rules.free_seat(resource.seats, busy)
        if seat is None:
            break
        booking.seat = seat
        try:
            with transaction.atomic():  # a savepoint: a refused INSERT leaves ours usable
                booking.save(force_insert=True)
            return booking
        except IntegrityError as exc:
            if not _is_overlap_violation(exc):
                raise
            booking.pk = None
            busy = _busy_seats(resource, booking.starts_at, booking.ends_at) | {seat}
    raise SlotTaken(_("This slot was just taken by someone else."), field="start")


def _check_people(
    *, resource: Resource, member: Member, booked_by: Member | None, company: Company | None
) -> None:
    operator_id = resource.space.operator_id
    if member.operator_id != operator_id or not member.is_active:
        raise DomainError(_("Only members of this community can book here."), field="member")
    staff = booked_by is not None and booked_by.is_staff and booked_by.operator_id == operator_id
    if not resource.is_active or (not resource.is_bookable and not staff):
        raise DomainError(
            _("%(resource)s cannot be booked.") % {"resource": resource.name}, field="resource"
        )
    if company is not None and company.operator_id != operator_id:
        raise DomainError(_("This company is not part of this community."), field="company")


def _book(
    *,
    resource: Resource,
    member: Member,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    booked_by: Member | None,
    company: Company | None,
    title: str,
    series: BookingSeries | None,
    now: dt.datetime,
) -> Booking:
    _check_times(resource=resource, starts_at=starts_at, ends_at=ends_at, now=now)
    busy = _busy_seats(resource, starts_at, ends_at)
    if rules.free_seat(resource.seats, busy) is None:
        raise SlotTaken(_conflict_message(resource, starts_at, ends_at), field="start")
    charge, allowance = _charge(
        resource=resource, member=member, starts_at=starts_at, ends_at=ends_at
    )
    booking = _insert(
        Booking(
            resource=resource,
            member=member,
            booked_by=booked_by or member,
            company=company,
            membership=allowance.membership,
            series=series,
            title=title.strip()[:120],
            starts_at=rules.utc(starts_at),
            ends_at=rules.utc(ends_at),
            credits=charge.credits,
            billable_credits=charge.billable_credits,
            price=charge.price,
            billable_amount=charge.billable_amount,
            created_at=now,
            updated_at=now,
        ),
        resource,
        busy,
    )
    activity_record(
        member=member,
        kind=ActivityKind.BOOKED,
        space=resource.space,
        target=booking,
        occurred_at=now,
        payload={
            "resource": resource.name,
            "minutes": rules.elapsed_minutes(starts_at, ends_at),
            **({"by_staff": True} if booked_by is not None and booked_by.pk != member.pk else {}),
        },
    )
    return booking


@transaction.atomic
def booking_create(
    *,
    resource: Resource,
    member: Member,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    booked_by: Member | None = None,
    company: Company | None = None,
    title: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Book `resource` for `member` over [starts_at, ends_at).

    Refuses, with a sentence for the person: a time in the past or more than a year ahead, off
    the quarter hour, on a closed day, outside opening hours, a slot already taken, or credits
    beyond the allowance when the plan forbids it. Credits beyond the allowance are otherwise
    recorded as billable. Who may book for whom is the access gate's business.
    """
    _check_people(resource=resource, member=member, booked_by=booked_by, company=company)
    return _book(
        resource=resource,
        member=member,
        starts_at=starts_at,
        ends_at=ends_at,
        booked_by=booked_by,
        company=company,
        title=title,
        series=None,
        now=now or timezone.now(),
    )


@transaction.atomic
def booking_create_recurring(
    *,
    resource: Resource,
    member: Member,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    frequency: str,
    count: int,
    booked_by: Member | None = None,
    company: Company | None = None,
    title: str = "",
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Book the same local hours on `count` days (every week, fortnight or working day).

    All or nothing: if one occurrence cannot be booked, none is, and the message lists the
    days that failed and why. Each occurrence keeps its wall-clock hours in the space's time
    zone, so a weekly 10:00 stays at 10:00 after the clocks change.
    """
    now = now or timezone.now()
    _check_people(resource=resource, member=member, booked_by=booked_by, company=company)
    try:
        days = rules.repeat_days(day, frequency, count)
    except ValueError:
        raise DomainError(
            _("Repeat between 1 and %(max)d times.") % {"max": rules.MAX_REPEAT}, field="count"
        ) from None
    series = BookingSeries.objects.create(
        member=member, resource=resource, frequency=frequency, count=count, created_at=now
    )
    bookings, failures = [], []
    for occurrence in days:
        try:
            starts_at, ends_at = booking_interval(
                space=resource.space, day=occurrence, start=start, end=end
            )
            bookings.append(
                _book(
                    resource=resource,
                    member=member,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    booked_by=booked_by,
                    company=company,
                    title=title,
                    series=series,
                    now=now,
                )
            )
        except DomainError as exc:
            failures.append(f"{_day_label(occurrence)}: {exc.message}")
    if failures:
        # Raising rolls the whole transaction back: nothing of the series is kept.
        raise DomainError(
            _("Nothing was booked, because %(n)d of the %(count)d dates cannot be: %(list)s")
            % {"n": len(failures), "count": count, "list": " · ".join(failures)},
            field="count",
        )
    return bookings


@transaction.atomic
def booking_cancel(*, booking: Booking, by: Member, now: dt.datetime | None = None) -> Booking:
    """Cancel a booking. Free until the resource's notice (2 hours by default); later, a member
    may still cancel but the booking keeps counting against the allowance. Staff cancel for
    free, even once it has started."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource__space", "member")
        .get(pk=booking.pk)
    )
    resource = booking.resource
    staff = by.is_staff and by.operator_id == resource.space.operator_id
    if booking.status != BookingStatus.CONFIRMED:
        raise DomainError(_("This booking is already cancelled."))
    if rules.utc(booking.ends_at) <= rules.utc(now):
        raise DomainError(_("This booking is over: it can no longer be cancelled."))
    if rules.utc(booking.starts_at) <= rules.utc(now) and not staff:
        raise DomainError(
            _("This booking has started: ask the front desk if you need to free the room.")
        )
    free = staff or rules.cancellation_is_free(booking.starts_at, now, resource.free_cancel_hours)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.late_cancellation = not free
    booking.sequence += 1
    booking.updated_at = now
    booking.save(
        update_fields=[
            "status", "cancelled_at", "cancelled_by", "late_cancellation", "sequence",
            "updated_at",
        ]
    )  # fmt: skip
    activity_record(
        member=booking.member,
        kind=ActivityKind.BOOKING_CANCELLED,
        space=resource.space,
        target=booking,
        occurred_at=now,
        payload={"resource": resource.name, **({"late": True} if not free else {})},
    )
    return booking
