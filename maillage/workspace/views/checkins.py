"""A member checks in and out (home-page button, entrance QR code) and registers guests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.dates import date_format
from maillage.core.errors import DomainError
from maillage.workspace import access, selectors, services
from maillage.workspace.forms import GuestForm
from maillage.workspace.models import CheckInVia, Guest


def _answer(request: HttpRequest, record, level: int, text: str) -> HttpResponse:
    """htmx swaps the home page's check-in card (with the notice in it); otherwise a message
    and back to the home page."""
    if request.htmx:
        return render(
            request,
            "workspace/partials/checkin_card.html",
            {
                **selectors.member_checkin_card(record),
                "member": record,
                "notice": text,
                "notice_level": messages.DEFAULT_TAGS[level],
            },
        )
    messages.add_message(request, level, text)
    return redirect("home")


@login_required
@require_POST
def checkin(request: HttpRequest) -> HttpResponse:
    record = access.current_record(request.viewer)
    space = record.home_space
    if (request.POST.get("space") or "").isdigit():
        space = access.space_for_booking(request.viewer, int(request.POST["space"]))
    try:
        done = services.checkin_open(member=record, space=space, via=CheckInVia.BUTTON)
    except services.AlreadyCheckedIn as exc:
        return _answer(request, record, messages.INFO, exc.message)
    except DomainError as exc:
        return _answer(request, record, messages.ERROR, exc.message)
    time = selectors.local(done.checked_in_at, space).strftime("%H:%M")
    text = _("Welcome to %(space)s! Checked in at %(time)s.") % {
        "space": done.space.name,
        "time": time,
    }
    return _answer(request, record, messages.SUCCESS, text)


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    record = access.current_record(request.viewer)
    try:
        done = services.checkin_close(member=record)
    except DomainError as exc:
        return _answer(request, record, messages.ERROR, exc.message)
    time = selectors.local(done.checked_out_at, done.space).strftime("%H:%M")
    return _answer(
        request,
        record,
        messages.SUCCESS,
        _("Checked out at %(time)s. See you soon!") % {"time": time},
    )


@login_required
def checkin_qr(request: HttpRequest, space_id: int, token: str) -> HttpResponse:
    """The entrance QR code's URL: a page that checks the member in (one tap, or at once with
    JavaScript). A forged or expired code says so; a second scan says when they came in."""
    space = access.space_for_booking(request.viewer, space_id)
    record = access.record_for_operator(request.viewer, space.operator_id)
    context = {"space": space, "token": token}
    try:
        services.checkin_token_check(space=space, token=token)
    except DomainError as exc:
        return render(
            request, "workspace/checkin_qr.html", {**context, "error": exc.message}, status=400
        )
    if request.method != "POST":
        return render(request, "workspace/checkin_qr.html", {**context, "confirm": True})
    try:
        done = services.checkin_open(member=record, space=space, via=CheckInVia.QR)
    except services.AlreadyCheckedIn as exc:
        return render(
            request,
            "workspace/checkin_qr.html",
            {**context, "already": exc.message, "checkin": exc.checkin},
        )
    except DomainError as exc:
        return render(
            request, "workspace/checkin_qr.html", {**context, "error": exc.message}, status=400
        )
    return render(request, "workspace/checkin_qr.html", {**context, "checkin": done, "done": True})


@login_required
def guest_new(request: HttpRequest) -> HttpResponse:
    record = access.current_record(request.viewer)
    spaces = access.bookable_spaces(request.viewer, record.operator_id)
    today = selectors.today_in(record.home_space)
    form = GuestForm(
        request.POST or None,
        spaces=spaces,
        initial={"day": today, "space": record.home_space_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        space = access.space_for_booking(request.viewer, data["space"].pk)
        try:
            guest = services.guest_register(
                space=space,
                name=data["name"],
                email=data["email"],
                company_name=data["company_name"],
                kind=data["kind"],
                day=data["day"],
                by=record,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            message = _("%(name)s is expected at %(space)s.") % {
                "name": guest.name,
                "space": space.name,
            }
            if guest.billable:
                message += " " + _("Your guest days are used: this day will be billed.")
            messages.success(request, message)
            return redirect("my_plan")
    return render(
        request,
        "workspace/guest_new.html",
        {"form": form, "guests": selectors.member_guests(record), "record": record},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def guest_cancel(request: HttpRequest, guest_id: int) -> HttpResponse:
    """A member takes a guest of theirs off the list (someone else's guest is not found)."""
    record = access.current_record(request.viewer)
    guest = get_object_or_404(Guest, pk=guest_id, host=record)
    try:
        services.guest_cancel(guest=guest, by=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer expected on %(day)s.")
            % {"name": guest.name, "day": date_format(guest.day, "l j F")},
        )
    return redirect("guest_new")
