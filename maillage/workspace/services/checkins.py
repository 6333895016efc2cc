"""Check-ins (the home-page button, the entrance QR code, the front desk) and guests.

A check-in opens a member's day at a space: one per member and local day. It consumes one
access day of the member's plan; beyond the plan's access days (or without a plan, or during a
pause) the day is recorded as billable, like a day pass. Checking out closes the day; checking
in again the same day reopens it without counting a second day.

Members check themselves in (button, QR code) only while the space is open, within its
opening ranges of the day, like the badge on their home page says; plans carry no
"round the clock" access. The front desk may check someone in outside the hours (an early
arrival, an evening the team hosts), as it may add a day beyond a strict plan.

The entrance QR code carries a token that is an HMAC of the space and the local date, so it
changes every day and cannot be made up: `checkin_token_check` tells a forged code (or
yesterday's) from today's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from maillage.core.dates import date_format
from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member, Space
from maillage.core.services import activity_record
from maillage.workspace import rules
from maillage.workspace.allowances import allowance_for
from maillage.workspace.models import CheckIn, CheckInVia, ClosedDay, Guest, GuestKind

GUEST_HORIZON_DAYS = 90
_TOKEN_SALT = "maillage.workspace.checkin"  # noqa: S105 (an HMAC salt, public by design)


class AlreadyCheckedIn(DomainError):
    """The member's day is already open (a second scan, a double click): not an error to fix."""

    def __init__(self, message: str, *, checkin: CheckIn) -> None:
        super().__init__(message)
        self.checkin = checkin


def _local(now: dt.datetime, space: Space) -> dt.datetime:
    return rules.utc(now).astimezone(space.tz)


# --- the entrance QR code ------------------------------------------------------------------


def checkin_token(*, space: Space, day: dt.date) -> str:
    """The token of the entrance QR code of `space` on local `day`."""
    return salted_hmac(
        _TOKEN_SALT, f"{space.pk}:{day.isoformat()}", algorithm="sha256"
    ).hexdigest()[:24]


def checkin_token_check(*, space: Space, token: str, now: dt.datetime | None = None) -> None:
    """Raise DomainError unless `token` is today's code of `space` (in the space's time zone)."""
    today = _local(now or timezone.now(), space).date()
    if constant_time_compare(token, checkin_token(space=space, day=today)):
        return
    for days in (1, 2):
        earlier = today - dt.timedelta(days=days)
        if constant_time_compare(token, checkin_token(space=space, day=earlier)):
            raise DomainError(
                _(
                    "This QR code has expired: it was valid on %(day)s. Scan today's code at the "
                    "entrance of %(space)s."
                )
                % {"day": date_format(earlier, "l j F"), "space": space.name}
            )
    raise DomainError(
        _(
            "This QR code is not one of %(space)s's: scan the code shown at the entrance, or use "
            "the check-in button on your home page."
        )
        % {"space": space.name}
    )


# --- check-in and check-out ----------------------------------------------------------------


def _already_message(checkin: CheckIn, space: Space) -> str:
    values = {
        "time": _local(checkin.checked_in_at, checkin.space).strftime("%H:%M"),
        "space": checkin.space.name,
    }
    if checkin.space_id == space.pk:
        return _("You already checked in at %(time)s.") % values
    return _("You already checked in at %(space)s at %(time)s.") % values


def _refuse_outside_hours(space: Space, now: dt.datetime) -> None:
    moment = _local(now, space)
    ranges = space.hours_on(moment.weekday())
    if rules.open_at(ranges, moment.hour * 60 + moment.minute):
        return
    if not ranges:
        raise DomainError(_("%(space)s is closed today.") % {"space": space.name})
    raise DomainError(
        _("%(space)s is closed at this hour: it is open today %(hours)s.")
        % {"space": space.name, "hours": ", ".join(f"{a}–{b}" for a, b in ranges)}
    )


@transaction.atomic
def checkin_open(
    *,
    member: Member,
    space: Space,
    via: str = CheckInVia.BUTTON,
    by: Member | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Check `member` in at `space` for today (local day), or reopen the day after a check-out.

    Raises AlreadyCheckedIn if the day is open already; DomainError on a closed day, for
    someone of another community, or when the plan's access days are used up and the plan
    forbids going beyond (the front desk, `by` a staff member, may still check them in).
    """
    now = now or timezone.now()
    if member.operator_id != space.operator_id or not member.is_active:
        raise DomainError(_("Only members of this community can check in here."))
    if via not in CheckInVia.values:
        raise ValueError(f"Unknown check-in channel {via!r}.")
    desk = by is not None and by.is_staff and by.operator_id == space.operator_id
    day = _local(now, space).date()
    existing = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("space")
        .filter(member=member, day=day)
        .first()
    )
    if existing is not None:
        if existing.is_open:
            raise AlreadyCheckedIn(_already_message(existing, space), checkin=existing)
        if not desk:
            _refuse_outside_hours(space, now)
        existing.checked_out_at = None
        existing.save(update_fields=["checked_out_at"])
        return existing
    closed = ClosedDay.objects.filter(space=space, date=day).first()
    if closed is not None or not space.hours_on(day.weekday()):
        raise DomainError(_("%(space)s is closed today.") % {"space": space.name})
    if not desk:
        _refuse_outside_hours(space, now)

    allowance = allowance_for(member, day, lock=True)
    left = allowance.access_days_left
    billable = left is not None and left <= 0
    if billable and allowance.membership is not None and not allowance.allows_overage and not desk:
        raise DomainError(
            _(
                "You have used the %(n)s access days of your %(plan)s plan for this period. The "
                "front desk can check you in for an extra day."
            )
            % {"n": allowance.access_days, "plan": allowance.plan.name}
        )
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                member=member,
                space=space,
                day=day,
                checked_in_at=now,
                via=via,
                membership=allowance.membership,
                billable=billable,
                registered_by=by if desk else None,
            )
    except IntegrityError:
        # The same member, checking in twice at the same instant (a double scan).
        existing = CheckIn.objects.select_related("space").get(member=member, day=day)
        raise AlreadyCheckedIn(_already_message(existing, space), checkin=existing) from None
    activity_record(
        member=member,
        kind=ActivityKind.CHECKED_IN,
        space=space,
        target=checkin,
        occurred_at=now,
        payload={"via": via, **({"billable": True} if billable else {})},
    )
    return checkin


@transaction.atomic
def checkin_close(*, member: Member, now: dt.datetime | None = None) -> CheckIn:
    """Check `member` out of today's open check-in."""
    now = now or timezone.now()
    checkin = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("space")
        .filter(member=member, checked_out_at__isnull=True)
        .order_by("-checked_in_at")
        .first()
    )
    if checkin is None or checkin.day != _local(now, checkin.space).date():
        raise DomainError(_("You are not checked in today."))
    checkin.checked_out_at = now
    checkin.save(update_fields=["checked_out_at"])
    return checkin


# --- guests --------------------------------------------------------------------------------


@transaction.atomic
def guest_register(
    *,
    space: Space,
    name: str,
    day: dt.date,
    by: Member,
    host: Member | None = None,
    kind: str = GuestKind.GUEST,
    email: str = "",
    company_name: str = "",
    now: dt.datetime | None = None,
) -> Guest:
    """Register a guest (works for the day) or a visitor (comes to a meeting) at `space`.

    A member registers their own guests; the front desk registers anyone's, or a walk-in
    without a host. A guest uses one of the host's guest days (beyond them: billable, or
    refused if the plan forbids it); a visitor is free. The front desk marks a guest of
    today as arrived at once.
    """
    now = now or timezone.now()
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the guest's name."), field="name")
    if kind not in GuestKind.values:
        raise DomainError(_("Choose guest or visitor."), field="kind")
    desk = by.is_staff and by.operator_id == space.operator_id
    if by.operator_id != space.operator_id:
        raise DomainError(_("Only members of this community can register guests here."))
    if not desk:
        host = by
    if host is not None and (host.operator_id != space.operator_id or not host.is_active):
        raise DomainError(_("The host must be a member of this community."), field="host")
    today = _local(now, space).date()
    if day < today:
        raise DomainError(_("This day is already past."), field="day")
    if day > today + dt.timedelta(days=GUEST_HORIZON_DAYS):
        raise DomainError(_("Guests are registered up to three months ahead."), field="day")
    closed = ClosedDay.objects.filter(space=space, date=day).first()
    if closed is not None or not space.hours_on(day.weekday()):
        raise DomainError(
            _("%(space)s is closed on %(day)s.")
            % {"space": space.name, "day": date_format(day, "l j F Y")},
            field="day",
        )
    membership, billable = None, kind == GuestKind.GUEST
    if kind == GuestKind.GUEST and host is not None:
        allowance = allowance_for(host, day, lock=True)
        membership = allowance.membership
        left = allowance.guest_days_left
        billable = left is not None and left <= 0
        if billable and membership is not None and not allowance.allows_overage and not desk:
            raise DomainError(
                _(
                    "Your %(plan)s plan includes %(n)s guest days for this period and they are "
                    "all used. Register a visitor instead, or ask the front desk."
                )
                % {"plan": allowance.plan.name, "n": allowance.guest_days},
                field="kind",
            )
    guest = Guest.objects.create(
        space=space,
        host=host,
        name=name[:120],
        email=email.strip()[:254],
        company_name=company_name.strip()[:120],
        kind=kind,
        day=day,
        arrived_at=now if desk and day == today else None,
        membership=membership,
        billable=billable,
        registered_by=by,
        created_at=now,
    )
    if host is not None:
        activity_record(
            member=host,
            kind=ActivityKind.GUEST_REGISTERED,
            space=space,
            target=guest,
            occurred_at=now,
            payload={"kind": kind, **({"at_desk": True} if desk else {})},
        )
    return guest


@transaction.atomic
def guest_cancel(*, guest: Guest, by: Member, now: dt.datetime | None = None) -> None:
    """A guest who will not come: their host (or the front desk) takes them off the list, up
    to the day itself while they have not arrived. A guest day they used goes back to the
    host's plan, to the first guest billed in that period if there is one."""
    now = now or timezone.now()
    guest = (
        Guest.objects.select_for_update(of=("self",))
        .select_related("space", "host")
        .get(pk=guest.pk)
    )
    desk = by.is_staff and by.operator_id == guest.space.operator_id
    if not desk and guest.host_id != by.pk:
        raise DomainError(_("Only their host or the front desk can cancel this guest."))
    if guest.arrived_at is not None:
        raise DomainError(_("This guest has already arrived."))
    if guest.day < _local(now, guest.space).date():
        raise DomainError(_("This day is already past."))
    host, day = guest.host, guest.day
    freed = host is not None and guest.kind == GuestKind.GUEST and not guest.billable
    guest.delete()
    if not freed:
        return
    allowance = allowance_for(host, day, lock=True)
    if allowance.membership is None or not allowance.guest_days_left:
        return
    billed = (
        Guest.objects.select_for_update()
        .filter(
            host=host,
            kind=GuestKind.GUEST,
            billable=True,
            day__gte=allowance.first,
            day__lte=allowance.last,
        )
        .order_by("day", "created_at", "pk")
        .first()
    )
    if billed is not None:
        billed.billable = False
        billed.membership = allowance.membership
        billed.save(update_fields=["billable", "membership"])


@transaction.atomic
def guest_arrive(*, guest: Guest, now: dt.datetime | None = None) -> Guest:
    """The front desk welcomes a registered guest."""
    now = now or timezone.now()
    if guest.arrived_at is not None:
        raise DomainError(_("This guest has already arrived."))
    if guest.day != _local(now, guest.space).date():
        raise DomainError(_("This guest is expected on another day."))
    guest.arrived_at = now
    guest.save(update_fields=["arrived_at"])
    return guest


@dataclass(frozen=True)
class CheckInRow:
    """A past day at a space, to import (history whose ledger lines already exist)."""

    member_id: int
    space_id: int
    checked_in_at: dt.datetime


@transaction.atomic
def checkin_import_many(rows: Iterable[CheckInRow], *, batch_size: int = 5_000) -> int:
    """Record past check-ins in bulk (imports, the demo), without ledger lines: the history
    they come from is already in the ledger. One per member and local day (later ones of a
    day are skipped); each counts against the plan in time order, like `checkin_open`.
    Returns how many were made."""
    from maillage.core.models import Member
    from maillage.workspace.models import Membership

    rows = sorted(rows, key=lambda r: r.checked_in_at)
    spaces = {s.pk: s for s in Space.objects.filter(pk__in={r.space_id for r in rows})}
    members = dict(
        Member.objects.filter(pk__in={r.member_id for r in rows}).values_list("pk", "operator_id")
    )
    memberships: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(member_id__in=members).select_related("plan"):
        memberships.setdefault(m.member_id, []).append(m)
    taken = set(CheckIn.objects.filter(member_id__in=members).values_list("member_id", "day"))
    used: dict[tuple[int, object], int] = {}
    made = []
    for row in rows:
        space = spaces[row.space_id]
        if members.get(row.member_id) != space.operator_id:
            raise DomainError(_("Only members of this community can check in here."))
        day = _local(row.checked_in_at, space).date()
        if (row.member_id, day) in taken:
            continue
        taken.add((row.member_id, day))
        membership = next((m for m in memberships.get(row.member_id, []) if m.covers(day)), None)
        billable = True
        if membership is not None and not membership.is_paused_on(day):
            key = (membership.pk, day.replace(day=1) if membership.plan.period == "month" else 0)
            count = used.get(key, 0)
            billable = (
                membership.plan.access_days is not None and count >= membership.plan.access_days
            )
            used[key] = count + (0 if billable else 1)
        made.append(
            CheckIn(
                member_id=row.member_id,
                space=space,
                day=day,
                checked_in_at=row.checked_in_at,
                checked_out_at=row.checked_in_at + dt.timedelta(hours=7),
                via=CheckInVia.BUTTON,
                membership=membership,
                billable=billable,
            )
        )
    CheckIn.objects.bulk_create(made, batch_size=batch_size)
    return len(made)
