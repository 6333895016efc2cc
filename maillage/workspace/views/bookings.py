"""Booking pages: the day calendar of a space, a resource's week, finding a free room across
the operator's spaces, booking, a booking's page and cancelling, "my bookings"."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.collation import by_name
from maillage.core.errors import DomainError
from maillage.core.models import Member
from maillage.workspace import access, rules, selectors, services
from maillage.workspace.forms import BookingForm, FindForm, parse_hhmm
from maillage.workspace.models import CalendarFeed, ResourceKind
from maillage.workspace.selectors.common import FIRST_DAY, LAST_DAY
from maillage.workspace.views.daygrid import day_grid
from maillage.workspace.views.timeline import hours_html

KINDS = [(k, label) for k, label in ResourceKind.choices if k != ResourceKind.FIXED_DESK]


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if FIRST_DAY <= day <= LAST_DAY else default  # see selectors.common


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _pick_space(request: HttpRequest, record, spaces):
    wanted = _int(request.GET.get("space"))
    by_id = {s.pk: s for s in spaces}
    return by_id.get(wanted) or by_id.get(record.home_space_id) or spaces[0]


@login_required
def booking_calendar(request: HttpRequest) -> HttpResponse:
    record = access.current_record(request.viewer)
    spaces = access.bookable_space_list(request.viewer, record.operator_id)
    space = _pick_space(request, record, spaces)
    today = selectors.today_in(space)
    day = _date(request.GET.get("day"), today)
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(KINDS) else ""
    calendar, rows = day_grid(space=space, day=day, viewer_record=record, kind=kind or None)
    context = {
        "calendar": calendar,
        "space": space,
        "spaces": spaces,
        "day": day,
        "today": today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        # Written once here: the partial links to these days a dozen times.
        "day_iso": day.isoformat(),
        "previous_iso": (day - dt.timedelta(days=1)).isoformat(),
        "next_iso": (day + dt.timedelta(days=1)).isoformat(),
        "hours": hours_html(calendar),
        "kind": kind,
        "kinds": KINDS,
        "record": record,
        "rows": rows,
    }
    template = "workspace/booking_calendar.html"
    if request.htmx and not request.htmx.boosted:
        template = "workspace/partials/day_calendar.html"
    return render(request, template, context)


@login_required
def booking_week(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = access.resource_for_viewer(request.viewer, resource_id)
    record = access.record_for_operator(request.viewer, resource.space.operator_id)
    today = selectors.today_in(resource.space)
    day = _date(request.GET.get("week"), today)
    monday = day - dt.timedelta(days=day.weekday())
    week = selectors.week_calendar(resource=resource, monday=monday, viewer_record=record)
    feed = CalendarFeed.objects.filter(
        owner=record, resource=resource, revoked_at__isnull=True
    ).first()
    context = {
        "week": week,
        "resource": resource,
        "space": resource.space,
        "today": today,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "feed": feed,
        "feed_url": _feed_url(request, feed),
        "record": record,
    }
    template = "workspace/booking_week.html"
    if request.htmx and not request.htmx.boosted:
        template = "workspace/partials/week_calendar.html"
    return render(request, template, context)


@login_required
def booking_find(request: HttpRequest) -> HttpResponse:
    """Free rooms and desks across the operator's spaces for a time slot."""
    record = access.current_record(request.viewer)
    space = record.home_space
    today = selectors.today_in(space)
    initial = {"day": today + dt.timedelta(days=1), "start": "10:00", "end": "11:00", "people": 1}
    form = FindForm(request.GET if "day" in request.GET else None, initial=initial)
    results, error = None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            starts_at, ends_at = services.booking_interval(
                space=space,
                day=data["day"],
                start=parse_hhmm(data["start"]),
                end=parse_hhmm(data["end"]),
            )
        except DomainError as exc:
            error = exc.message
        else:
            resources = access.resources_for_viewer(request.viewer, record.operator_id).exclude(
                kind=ResourceKind.FIXED_DESK
            )
            if data["kind"]:
                resources = resources.filter(kind=data["kind"])
            results = selectors.free_resources(
                resources=resources,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=data["people"] or 1,
            )
    template = "workspace/booking_find.html"
    if request.htmx and not request.htmx.boosted:
        template = "workspace/partials/find_results.html"
    return render(
        request, template, {"form": form, "results": results, "error": error, "space": space}
    )


def _booking_form(request: HttpRequest, record, data=None, initial=None) -> BookingForm:
    resources = access.resources_for_viewer(request.viewer, record.operator_id).exclude(
        kind=ResourceKind.FIXED_DESK
    )
    if not record.is_staff:
        resources = resources.filter(is_bookable=True)
    members = None
    if record.is_staff:
        members = (
            Member.objects.active()
            .filter(operator_id=record.operator_id)
            .select_related("user")
            .order_by(by_name("user__full_name"), "pk")
        )
    companies = access.companies_for_booking(request.viewer, record, record)
    return BookingForm(
        data,
        initial=initial,
        resources=resources.order_by("space__name", "position", "name"),
        members=members,
        companies=companies,
    )


def _initial(request: HttpRequest, record) -> dict:
    today = selectors.today_in(record.home_space)
    initial = {
        "day": _date(request.GET.get("day"), today + dt.timedelta(days=1)),
        "start": request.GET.get("start", "10:00"),
        "end": request.GET.get("end", "11:00"),
        "count": 4,
    }
    if _int(request.GET.get("resource")):
        initial["resource"] = int(request.GET["resource"])
    if _int(request.GET.get("member")):
        initial["member"] = int(request.GET["member"])
    return initial


@login_required
def booking_new(request: HttpRequest) -> HttpResponse:
    record = access.current_record(request.viewer)
    form = _booking_form(
        request,
        record,
        request.POST or None,
        initial=None if request.POST else _initial(request, record),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resource = access.resource_for_viewer(request.viewer, data["resource"].pk)
        member_id = data["member"].pk if data.get("member") else None
        member, by = access.booking_subject(request.viewer, resource.space.operator_id, member_id)
        company = None
        if data.get("company"):
            company = access.company_for_booking(request.viewer, member, by, data["company"].pk)
        try:
            if data.get("repeat"):
                bookings = services.booking_create_recurring(
                    resource=resource,
                    member=member,
                    day=data["day"],
                    start=data["start_time"],
                    end=data["end_time"],
                    frequency=data["repeat"],
                    count=data["count"],
                    booked_by=by,
                    company=company,
                    title=data["title"],
                )
            else:
                starts_at, ends_at = services.booking_interval(
                    space=resource.space,
                    day=data["day"],
                    start=data["start_time"],
                    end=data["end_time"],
                )
                bookings = [
                    services.booking_create(
                        resource=resource,
                        member=member,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        booked_by=by,
                        company=company,
                        title=data["title"],
                    )
                ]
        except services.SlotTaken as exc:
            # The whole slot is taken, not one field wrong: say it at the top of the form.
            form.add_error(None, exc.message)
            status = 409
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 400
        else:
            first = bookings[0]
            if len(bookings) > 1:
                messages.success(
                    request,
                    _("%(n)d bookings of %(resource)s made.")
                    % {"n": len(bookings), "resource": resource.name},
                )
            else:
                messages.success(request, _("Booked: %(resource)s.") % {"resource": resource.name})
            return redirect("booking_detail", booking_id=first.pk)
    elif request.method == "POST":
        status = 400
    chosen = _chosen(form, record)
    context = {
        "form": form,
        "quote": _quote(request, record, form, chosen),
        "record": record,
        "hours_key": _offer_times(form, chosen[1], chosen[2]),
    }
    return render(request, "workspace/booking_new.html", context, status=status)


def _chosen(form: BookingForm, record) -> tuple:
    """The resource (or None), space and day the form is about, as filled in so far."""
    source = form.data if form.is_bound else form.initial
    resource_id = _int(str(source.get("resource") or ""))
    resource = None
    if resource_id is not None:
        resource = (
            form.fields["resource"].queryset.filter(pk=resource_id).select_related("space").first()
        )
    space = resource.space if resource is not None else record.home_space
    return resource, space, _date(str(source.get("day") or ""), selectors.today_in(space))


def _offer_times(form: BookingForm, space, day: dt.date) -> str:
    """Offer the times of the space's opening hours that day; returns what they depend on
    (the form sends it back, so that the aside redraws the time fields only when it changes)."""
    ranges = space.hours_on(day.weekday())
    form.offer_times(ranges, space_name=space.name)
    return f"{space.pk}:" + ",".join(f"{a}-{b}" for a, b in ranges)


def _quote(request: HttpRequest, record, form: BookingForm, chosen=None) -> dict | None:
    """The chosen resource and what the booking would cost (for the aside of the form)."""
    source = form.data if form.is_bound else form.initial
    resource, _space, day = chosen or _chosen(form, record)
    if resource is None:
        return None
    quote = {"resource": resource}
    try:
        starts_at, ends_at = services.booking_interval(
            space=resource.space,
            day=day,
            start=parse_hhmm(str(source.get("start"))),
            end=parse_hhmm(str(source.get("end"))),
        )
    except (DomainError, ValueError, TypeError):
        return quote
    quote["estimate"] = selectors.booking_estimate(
        resource=resource, member=record, starts_at=starts_at, ends_at=ends_at
    )
    return quote


@login_required
def booking_quote(request: HttpRequest) -> HttpResponse:
    """The aside of the booking form, refreshed by htmx as the form changes."""
    record = access.current_record(request.viewer)
    form = _booking_form(request, record, request.GET)
    chosen = _chosen(form, record)
    hours_key = _offer_times(form, chosen[1], chosen[2])
    context = {
        "quote": _quote(request, record, form, chosen),
        "form": form,
        "hours_key": hours_key,
        # Another space or weekday: redraw the time fields with its opening hours (out of band).
        "redraw_times": request.GET.get("hours") != hours_key,
    }
    return render(request, "workspace/partials/booking_quote.html", context)


@login_required
def booking_detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access.booking_for_viewer(request.viewer, booking_id)
    record = request.viewer.record_for(booking.resource.space.operator_id)
    free_until = booking.starts_at - dt.timedelta(hours=booking.resource.free_cancel_hours)
    return render(
        request,
        "workspace/booking_detail.html",
        {
            "booking": booking,
            "space": booking.resource.space,
            "record": record,
            "free_until": free_until,
            "cancel_is_free": rules.cancellation_is_free(
                booking.starts_at, dt.datetime.now(dt.UTC), booking.resource.free_cancel_hours
            ),
            "is_future": booking.ends_at > dt.datetime.now(dt.UTC),
        },
    )


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access.booking_for_viewer(request.viewer, booking_id, "change")
    record = request.viewer.record_for(booking.resource.space.operator_id)
    try:
        booking = services.booking_cancel(booking=booking, by=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if booking.late_cancellation:
            messages.warning(
                request,
                _("Booking cancelled. It was less than %(h)d hours before the start, so it still "
                  "counts against your allowance.")
                % {"h": booking.resource.free_cancel_hours},
            )  # fmt: skip
        else:
            messages.success(request, _("Booking cancelled."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("booking_detail", booking_id=booking.pk)


@login_required
def booking_mine(request: HttpRequest) -> HttpResponse:
    record = access.current_record(request.viewer)
    feed = CalendarFeed.objects.filter(
        owner=record, resource__isnull=True, revoked_at__isnull=True
    ).first()
    return render(
        request,
        "workspace/booking_mine.html",
        {
            "record": record,
            "upcoming": selectors.member_upcoming_bookings(record, limit=50),
            "past": selectors.member_past_bookings(record, limit=20),
            "cancelled": selectors.member_cancelled_bookings(record),
            "feed": feed,
            "feed_url": _feed_url(request, feed),
        },
    )


def _feed_url(request: HttpRequest, feed: CalendarFeed | None) -> str:
    if feed is None:
        return ""
    path = reverse("calendar_feed", kwargs={"feed_id": feed.pk, "token": services.feed_token(feed)})
    return request.build_absolute_uri(path)


@login_required
@require_POST
def booking_feed_create(request: HttpRequest) -> HttpResponse:
    """Make (or show again) a secret calendar link: the member's, or a resource's."""
    record = access.current_record(request.viewer)
    resource = None
    if _int(request.POST.get("resource")):
        resource = access.resource_for_viewer(request.viewer, int(request.POST["resource"]))
        record = access.record_for_operator(request.viewer, resource.space.operator_id)
    services.calendar_feed_get_or_create(owner=record, resource=resource)
    if resource is not None:
        return redirect(reverse("booking_week", args=[resource.pk]) + "#calendar-link")
    return redirect(reverse("booking_mine") + "#calendar-link")


@login_required
@require_POST
def booking_feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = access.feed_for_viewer(request.viewer, feed_id)
    services.calendar_feed_revoke(feed=feed)
    messages.success(
        request,
        _("The old calendar link no longer works. Here is a new one: update your calendar app."),
    )
    if feed.resource_id:
        return redirect(reverse("booking_week", args=[feed.resource_id]) + "#calendar-link")
    return redirect(reverse("booking_mine") + "#calendar-link")
