"""Plans and memberships: a member's plan and statements; staff pages for plans, memberships
and the monthly usage statements (HTML and CSV)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core import access as core_access
from maillage.core.collation import by_name
from maillage.core.errors import DomainError
from maillage.core.mail import deliverable
from maillage.core.models import Member
from maillage.members.models import Company
from maillage.workspace import access, selectors, services
from maillage.workspace.forms import MembershipForm, PauseForm, PlanForm
from maillage.workspace.models import Membership, Plan
from maillage.workspace.selectors.common import FIRST_DAY, LAST_DAY


def _month(value: str | None, default: dt.date) -> dt.date:
    """The month `YYYY-MM` names, or the default's (for anything else, and for years beyond
    the calendars': their neighbours would overflow)."""
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)
    return first if FIRST_DAY <= first <= LAST_DAY else default.replace(day=1)


def _months_around(month: dt.date) -> tuple[dt.date, dt.date]:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return previous, following


def _last_months(month: dt.date, n: int) -> list[dt.date]:
    months = [month]
    while len(months) < n:
        months.append(_months_around(months[-1])[0])
    return months


def _french() -> bool:
    return (get_language() or "").startswith("fr")


def _csv_number(value, places: int | None = 2) -> str:
    """A number as the reader's spreadsheet reads it: "12,50" in French, "12.50" in English
    (a French Excel takes "12.50" for text, or a date)."""
    text = f"{value:.{places}f}" if places is not None else f"{value:f}"
    return text.replace(".", ",") if _french() else text


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """A CSV file for a spreadsheet: UTF-8 with a BOM (so accents survive), and in French the
    ";" that French spreadsheets split on (their "," is the decimal mark)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(response, delimiter=";" if _french() else ",")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _statement_csv(statement: selectors.Statement, filename: str) -> HttpResponse:
    header = [
        _("date"), _("member"), _("what"), _("detail"), _("quantity"),
        _("included"), _("billable (€)"),
    ]  # fmt: skip
    kinds = {"day": _("day here"), "booking": _("booking"), "guest": _("guest")}
    rows = [
        [
            line.day.isoformat(),
            line.member.user.get_full_name() if line.member else "",
            kinds.get(line.kind, line.kind),
            line.detail,
            line.quantity,
            _csv_number(line.included, None)
            if isinstance(line.included, Decimal)
            else line.included,
            "" if line.billable is None else _csv_number(line.billable),
        ]
        for line in statement.lines
    ]
    return _csv_response(filename, header, rows)


# --- the member's side -------------------------------------------------------------------------


@login_required
def my_plan(request: HttpRequest) -> HttpResponse:
    record = access.current_record(request.viewer)
    today = selectors.today_in(record.home_space)
    month = today.replace(day=1)
    memberships = selectors.member_memberships(record)
    for membership in memberships:
        membership.status = membership.status_on(today)
    return render(
        request,
        "workspace/my_plan.html",
        {
            "record": record,
            "allowance": selectors.member_allowance(record),
            "memberships": memberships,
            "statement": selectors.member_statement(record, month),
            "months": _last_months(month, 3),
            "guests": selectors.member_guests(record),
            "today": today,
        },
    )


@login_required
def my_statement(request: HttpRequest, month: str) -> HttpResponse:
    record = access.current_record(request.viewer)
    first = _month(month, selectors.today_in(record.home_space))
    statement = selectors.member_statement(record, first)
    if request.GET.get("format") == "csv":
        return _statement_csv(statement, f"maillage-{first:%Y-%m}.csv")
    previous, following = _months_around(first)
    return render(
        request,
        "workspace/statement.html",
        {"statement": statement, "month": first, "csv_url": "?format=csv", "mine": True,
         "previous_url": reverse("my_statement", args=[f"{previous:%Y-%m}"]),
         "following_url": reverse("my_statement", args=[f"{following:%Y-%m}"])},
    )  # fmt: skip


# --- staff: plans ------------------------------------------------------------------------------


@login_required
def staff_plans(request: HttpRequest) -> HttpResponse:
    record = core_access.staff_record(request.viewer)
    plans = access.plans_for_viewer(request.viewer, record.operator_id)
    form = PlanForm(request.POST or None) if record.is_admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = services.plan_create(operator=record.operator, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Plan %(name)s created.") % {"name": plan.name})
                return redirect("staff_plans")
    counts = selectors.plan_member_counts(plans, selectors.today_in(record.home_space))
    rows = [(plan, counts.get(plan.pk, 0)) for plan in plans]
    return render(
        request,
        "workspace/staff_plans.html",
        {"rows": rows, "form": form, "record": record, "operator": record.operator},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def staff_plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    core_access.staff_record(request.viewer)
    plan = access.plan_for_viewer(request.viewer, plan_id, "change")
    # The form edits a copy: a refused change must not leave half-changed data on `plan`.
    form = PlanForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("staff_plans")
    return render(request, "workspace/staff_plan_edit.html", {"form": form, "plan": plan})


# --- staff: memberships ------------------------------------------------------------------------


@login_required
def staff_plan_memberships(request: HttpRequest) -> HttpResponse:
    record = core_access.staff_record(request.viewer)
    spaces = core_access.spaces_managed_by(request.viewer, record.operator_id)
    members = (
        Member.objects.active()
        .filter(operator_id=record.operator_id, home_space__in=spaces)
        .select_related("user", "home_space")
        .order_by(by_name("user__full_name"), "pk")
    )
    plans = access.plans_for_viewer(request.viewer, record.operator_id).filter(is_active=True)
    companies = Company.objects.filter(operator_id=record.operator_id)
    today = selectors.today_in(record.home_space)
    form = MembershipForm(
        request.POST or None,
        members=members,
        plans=plans,
        companies=companies,
        initial={"starts_on": today, "member": request.GET.get("member")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = access.member_for_membership(request.viewer, record.operator_id, data["member"].pk)
        try:
            services.membership_start(
                member=member,
                plan=data["plan"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                company=data["company"],
                by=record,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s now has the %(plan)s plan.")
                % {"name": member.user.get_full_name(), "plan": data["plan"].name},
            )
            return redirect("staff_plan_memberships")
    query = request.GET.get("q", "").strip()[:100]
    memberships = (
        Membership.objects.filter(member__in=members)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("member__user", "member__home_space", "plan", "company")
        .order_by(by_name("member__user__full_name"), "-starts_on")
    )
    if query:
        memberships = memberships.filter(member__user__full_name__icontains=query)
    return render(
        request,
        "workspace/staff_memberships.html",
        {"form": form, "memberships": memberships[:300], "today": today, "query": query},
        status=400 if form.errors else 200,
    )


@login_required
def staff_plan_membership(request: HttpRequest, membership_id: int) -> HttpResponse:
    core_access.staff_record(request.viewer)
    membership = access.membership_for_viewer(request.viewer, membership_id, "change")
    today = selectors.today_in(membership.member.home_space)
    form = PauseForm(request.POST or None, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "pause":
                services.membership_pause(
                    membership=membership, paused_from=data["on"], paused_until=data["until"]
                )
                messages.success(request, _("Membership paused."))
            elif data["action"] == "resume":
                services.membership_resume(membership=membership, on=data["on"])
                messages.success(request, _("Membership resumed."))
            else:
                services.membership_end(membership=membership, ends_on=data["on"])
                messages.success(request, _("Membership ended."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff_plan_membership", membership_id=membership.pk)
    return render(
        request,
        "workspace/staff_membership.html",
        {
            "membership": membership,
            "form": form,
            "today": today,
            "status": membership.status_on(today),
            "allowance": selectors.member_allowance(membership.member),
        },
    )


# --- staff: usage statements -------------------------------------------------------------------


@login_required
def staff_usage(request: HttpRequest) -> HttpResponse:
    record = core_access.staff_record(request.viewer)
    tz = record.home_space.tz
    month = _month(request.GET.get("month"), selectors.today_in(record.home_space))
    # A space manager sees the members of the spaces they run (the member records' rule).
    members = core_access.members_for_viewer(request.viewer, record.operator_id)
    rows = selectors.operator_usage(record.operator_id, month, tz, members=members)
    companies = (
        selectors.operator_companies_usage(record.operator_id, month, tz)
        if access.may_see_companies_usage(request.viewer, record.operator_id)
        else []
    )
    if request.GET.get("format") == "csv":
        header = [
            _("member"), _("email"), _("home space"), _("days here"), _("billable days"),
            _("credits"), _("billable credits"), _("guests"), _("billable (€)"),
        ]  # fmt: skip
        return _csv_response(
            f"usage-{month:%Y-%m}.csv",
            header,
            [
                [
                    r.member.user.get_full_name(),
                    r.member.user.email if deliverable(r.member.user.email) else "",
                    r.member.home_space.name,
                    r.days, r.days_billable, _csv_number(r.credits),
                    _csv_number(r.credits_billable), r.guests, _csv_number(r.amount),
                ]
                for r in rows
            ],
        )  # fmt: skip
    previous, following = _months_around(month)
    return render(
        request,
        "workspace/staff_usage.html",
        {
            "rows": rows,
            "companies": companies,
            "month": month,
            "previous": previous,
            "following": following,
            "operator": record.operator,
        },
    )


@login_required
def staff_usage_member(request: HttpRequest, member_id: int) -> HttpResponse:
    core_access.staff_record(request.viewer)
    member = core_access.member_for_viewer(request.viewer, member_id)
    month = _month(request.GET.get("month"), selectors.today_in(member.home_space))
    statement = selectors.member_statement(member, month)
    if request.GET.get("format") == "csv":
        return _statement_csv(statement, f"usage-{member.pk}-{month:%Y-%m}.csv")
    previous, following = _months_around(month)
    return render(
        request,
        "workspace/statement.html",
        {"statement": statement, "month": month, "csv_url": f"?month={month:%Y-%m}&format=csv",
         "previous_url": f"?month={previous:%Y-%m}", "following_url": f"?month={following:%Y-%m}"},
    )  # fmt: skip


@login_required
def staff_usage_company(request: HttpRequest, company_id: int) -> HttpResponse:
    record = core_access.staff_record(request.viewer)
    company = access.company_for_statement(request.viewer, record.operator_id, company_id)
    tz = record.home_space.tz
    month = _month(request.GET.get("month"), selectors.today_in(record.home_space))
    statement = selectors.company_statement(company, month, tz)
    if request.GET.get("format") == "csv":
        return _statement_csv(statement, f"usage-company-{company.pk}-{month:%Y-%m}.csv")
    previous, following = _months_around(month)
    return render(
        request,
        "workspace/statement.html",
        {"statement": statement, "month": month, "csv_url": f"?month={month:%Y-%m}&format=csv",
         "previous_url": f"?month={previous:%Y-%m}", "following_url": f"?month={following:%Y-%m}"},
    )  # fmt: skip
