"""Plans (what an operator sells) and memberships (who holds which plan, when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from maillage.core.dates import date_format
from maillage.core.errors import DomainError
from maillage.core.models import Member, Operator
from maillage.members.models import Company
from maillage.workspace.models import Membership, Plan, PlanPeriod

PLAN_FIELDS = {
    "name", "description", "period", "access_days", "credits", "guest_days", "monthly_price",
    "day_price", "allow_overage", "is_active", "position",
}  # fmt: skip


def _check_plan(plan: Plan) -> None:
    plan.name = " ".join((plan.name or "").split())
    if not plan.name:
        raise DomainError(_("A plan needs a name."), field="name")
    if plan.period not in PlanPeriod.values:
        raise DomainError(_("Choose how the allowances are counted."), field="period")
    for field in ("credits", "monthly_price", "day_price"):
        value = getattr(plan, field)
        if value is not None and Decimal(value) < 0:
            raise DomainError(_("Amounts cannot be negative."), field=field)


@transaction.atomic
def plan_create(*, operator: Operator, name: str, **fields: Any) -> Plan:
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise ValueError(f"Unknown plan fields: {', '.join(sorted(unknown))}")
    plan = Plan(operator=operator, name=name, **fields)
    _check_plan(plan)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise DomainError(
            _("There is already a plan called %(name)s.") % {"name": plan.name}, field="name"
        ) from None
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, **fields: Any) -> Plan:
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise ValueError(f"Unknown plan fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_plan(plan)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise DomainError(
            _("There is already a plan called %(name)s.") % {"name": plan.name}, field="name"
        ) from None
    return plan


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


@transaction.atomic
def membership_start(
    *,
    member: Member,
    plan: Plan,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    company: Company | None = None,
    by: Member | None = None,
) -> Membership:
    """Give `member` the `plan` from `starts_on` (to `ends_on`, inclusive, if given).

    Switching plans: an open-ended membership that started earlier ends the day before.
    Any other overlap with a membership of the member is refused.
    """
    if plan.operator_id != member.operator_id:
        raise DomainError(_("This plan belongs to another community."), field="plan")
    if not plan.is_active:
        raise DomainError(_("This plan is no longer offered."), field="plan")
    if company is not None and company.operator_id != member.operator_id:
        raise DomainError(_("This company is not part of this community."), field="company")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("The end must be on or after the start."), field="ends_on")
    # Lock the member's memberships: two staff members starting plans at once see each other.
    mine = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(member=member)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        .select_related("plan")
    )
    for other in mine:
        if other.ends_on is None and other.starts_on < starts_on:
            other.ends_on = starts_on - dt.timedelta(days=1)
            other.save(update_fields=["ends_on"])
            continue
        if ends_on is None or other.starts_on <= ends_on:
            raise DomainError(
                _("%(name)s already has the %(plan)s plan from %(start)s; end it first.")
                % {"name": member.user, "plan": other.plan.name, "start": _day(other.starts_on)},
                field="starts_on",
            )
    return Membership.objects.create(
        member=member,
        plan=plan,
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )


@transaction.atomic
def membership_pause(
    *, membership: Membership, paused_from: dt.date, paused_until: dt.date | None = None
) -> Membership:
    """Suspend the allowances from `paused_from` to `paused_until` (inclusive; empty: until
    resumed). Use during the pause is billable."""
    if paused_until is not None and paused_until < paused_from:
        raise DomainError(_("The pause must end on or after its start."), field="paused_until")
    if not membership.covers(paused_from):
        raise DomainError(_("The pause must start while the membership runs."), field="paused_from")
    membership.paused_from, membership.paused_until = paused_from, paused_until
    membership.save(update_fields=["paused_from", "paused_until"])
    return membership


@transaction.atomic
def membership_resume(*, membership: Membership, on: dt.date) -> Membership:
    """End the pause: the allowances apply again from `on`."""
    if membership.paused_from is None:
        raise DomainError(_("This membership is not paused."))
    if on <= membership.paused_from:
        membership.paused_from = membership.paused_until = None
    else:
        membership.paused_until = on - dt.timedelta(days=1)
    membership.save(update_fields=["paused_from", "paused_until"])
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, ends_on: dt.date) -> Membership:
    """End the membership on `ends_on` (its last day)."""
    if ends_on < membership.starts_on:
        raise DomainError(_("The end must be on or after the start."), field="ends_on")
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    return membership


@dataclass(frozen=True)
class MembershipRow:
    """One membership to create in bulk (imports, the demo)."""

    member_id: int
    plan_id: int
    starts_on: dt.date
    ends_on: dt.date | None = None
    company_id: int | None = None


@transaction.atomic
def membership_start_many(rows: Iterable[MembershipRow], *, batch_size: int = 5_000) -> int:
    """Create many memberships at once, for members who have none yet (same rules as
    `membership_start` for plan and operator; no switching). Returns how many were made."""
    rows = list(rows)
    plan_operator = dict(Plan.objects.values_list("pk", "operator_id"))
    member_operator = dict(
        Member.objects.filter(pk__in={r.member_id for r in rows}).values_list("pk", "operator_id")
    )
    taken = set(
        Membership.objects.filter(member_id__in=member_operator).values_list("member_id", flat=True)
    )
    memberships = []
    for row in rows:
        if plan_operator.get(row.plan_id) != member_operator.get(row.member_id):
            raise DomainError(_("This plan belongs to another community."), field="plan")
        if row.ends_on is not None and row.ends_on < row.starts_on:
            raise DomainError(_("The end must be on or after the start."), field="ends_on")
        if row.member_id in taken:
            continue
        taken.add(row.member_id)
        memberships.append(
            Membership(
                member_id=row.member_id,
                plan_id=row.plan_id,
                company_id=row.company_id,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=batch_size)
    return len(memberships)
