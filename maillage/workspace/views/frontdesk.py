"""The front desk of a space: who is here today, check someone in or out, guests, and the
entrance poster with today's QR code."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import access as core_access
from maillage.core.collation import by_name
from maillage.core.errors import DomainError
from maillage.core.models import Member
from maillage.workspace import access, selectors, services
from maillage.workspace.forms import DeskGuestForm
from maillage.workspace.models import CheckIn, CheckInVia


def _space(request: HttpRequest, record):
    spaces = list(core_access.spaces_managed_by(request.viewer, record.operator_id))
    wanted = request.GET.get("space") or request.POST.get("space") or ""
    by_id = {s.pk: s for s in spaces}
    space = by_id.get(int(wanted)) if wanted.isdigit() else None
    return space or by_id.get(record.home_space_id) or spaces[0], spaces


def _members(record):
    return (
        Member.objects.active()
        .filter(operator_id=record.operator_id)
        .select_related("user")
        .order_by(by_name("user__full_name"), "pk")
    )


@login_required
def frontdesk(request: HttpRequest) -> HttpResponse:
    record = core_access.staff_record(request.viewer)
    space, spaces = _space(request, record)
    here = selectors.here_today(space)
    # Someone still checked in from the morning cannot be checked in a second time today.
    present = {c.member_id for c in here.present + here.unclosed}
    context = {
        "space": space,
        "spaces": spaces,
        "here": here,
        "members": [m for m in _members(record) if m.pk not in present],
        "guest_form": DeskGuestForm(
            spaces=access.bookable_spaces(request.viewer, record.operator_id),
            members=_members(record),
            initial={"day": here.day},
        ),
        "record": record,
    }
    if request.htmx and request.GET.get("part") == "present":
        return render(request, "workspace/partials/frontdesk_present.html", context)
    return render(request, "workspace/frontdesk.html", context)


def _back(space) -> HttpResponse:
    return redirect(reverse("frontdesk") + f"?space={space.pk}")


@login_required
@require_POST
def frontdesk_checkin(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.space_for_frontdesk(request.viewer, space_id)
    record = core_access.staff_record(request.viewer, space.operator_id)
    member_id = request.POST.get("member", "")
    member, _by = access.booking_subject(
        request.viewer, space.operator_id, int(member_id) if member_id.isdigit() else -1
    )
    try:
        done = services.checkin_open(member=member, space=space, via=CheckInVia.DESK, by=record)
    except DomainError as exc:
        messages.error(request, f"{member.user.get_full_name()}: {exc.message}")
    else:
        note = _(" (billed: beyond the plan's days)") if done.billable else ""
        messages.success(
            request,
            _("%(name)s is checked in.") % {"name": member.user.get_full_name()} + note,
        )
    return _back(space)


@login_required
@require_POST
def frontdesk_checkout(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = CheckIn.objects.select_related("space", "member__user").filter(pk=checkin_id).first()
    space = access.space_for_frontdesk(request.viewer, checkin.space_id if checkin else 0)
    try:
        services.checkin_close(member=checkin.member)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s is checked out.") % {"name": checkin.member.user.get_full_name()}
        )
    return _back(space)


@login_required
@require_POST
def frontdesk_guest(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.space_for_frontdesk(request.viewer, space_id)
    record = core_access.staff_record(request.viewer, space.operator_id)
    form = DeskGuestForm(
        request.POST,
        spaces=access.bookable_spaces(request.viewer, record.operator_id),
        members=_members(record),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(space)
    data = form.cleaned_data
    try:
        guest = services.guest_register(
            space=space,
            name=data["name"],
            email=data["email"],
            company_name=data["company_name"],
            kind=data["kind"],
            day=data["day"],
            host=data["host"],
            by=record,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is registered.") % {"name": guest.name})
    return _back(space)


@login_required
@require_POST
def frontdesk_guest_arrived(request: HttpRequest, guest_id: int) -> HttpResponse:
    guest = access.guest_for_viewer(request.viewer, guest_id, "change")
    try:
        services.guest_arrive(guest=guest)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Welcome, %(name)s!") % {"name": guest.name})
    return _back(guest.space)


def qr_svg(data: str) -> str:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
def frontdesk_poster(request: HttpRequest, space_id: int) -> HttpResponse:
    """The entrance poster: today's QR code, for a screen at the door (it reloads itself, so
    the code changes at midnight) or printed for the day."""
    space = access.space_for_frontdesk(request.viewer, space_id)
    day = selectors.today_in(space)
    token = services.checkin_token(space=space, day=day)
    url = request.build_absolute_uri(reverse("checkin_qr", args=[space.pk, token]))
    return render(
        request,
        "workspace/frontdesk_poster.html",
        {"space": space, "day": day, "url": url, "qr": mark_safe(qr_svg(url))},  # noqa: S308 (our SVG)
    )
