"""The staff's event pages (and the hosts' attendance list): proposals to approve, the
events of their spaces with no-show rates, attendance with one tap per person, the QR code
to show at the event."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import access as core_access
from maillage.core.errors import DomainError
from maillage.events import access, forms, selectors, services
from maillage.events.views.common import rooms_of


@login_required
def staff_events(request: HttpRequest) -> HttpResponse:
    record = core_access.staff_record(request.viewer)
    events = access.events_for_staff(request.viewer, record.operator_id)
    space_id = request.GET.get("space", "")
    if space_id.isdigit():
        events = events.filter(space_id=int(space_id))
    lists = selectors.staff_lists(events)
    for event in lists["past"]:
        event.rate_label = selectors.ratio_label(event.no_show_rate)
    return render(
        request,
        "events/staff_events.html",
        {
            **lists,
            "record": record,
            "spaces": core_access.spaces_managed_by(request.viewer, record.operator_id),
            "space_id": space_id,
            "rooms": rooms_of(record.operator_id),
        },
    )


@login_required
@require_POST
def staff_event_decide(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id, "approve")
    record = core_access.staff_record(request.viewer, event.operator_id)
    form = forms.DecisionForm(request.POST, rooms=rooms_of(event.operator_id))
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to decline."))
        return redirect("staff_events")
    try:
        if form.cleaned_data["decision"] == "approve":
            services.event_approve(event=event, by=record, room=form.cleaned_data["room"])
            messages.success(request, _("“%(title)s” is published.") % {"title": event.title})
        else:
            services.event_decline(event=event, by=record, note=form.cleaned_data["note"])
            messages.success(request, _("“%(title)s” is declined.") % {"title": event.title})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or reverse("staff_events"))


@login_required
def event_attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id, "change")
    sheet = selectors.attendance_sheet(event)
    for row in sheet["rows"]:
        row.rate_label = _rate_label(row.no_show_rate)
    return render(
        request,
        "events/event_attendance.html",
        {
            "event": event,
            **sheet,
            "rate_label": selectors.ratio_label(sheet["rate"]),
            "started": event.starts_at <= timezone.now(),
            "feedback": selectors.feedback_summary(event),
        },
    )


def _rate_label(rate: float | None) -> str:
    """A member's no-show rate, shown only when they missed something."""
    return selectors.ratio_label(rate) if rate else ""


@login_required
@require_POST
def event_attendance_mark(request: HttpRequest, event_id: int, rsvp_id: int) -> HttpResponse:
    """One tap: here / not here. Answers the row alone to htmx, the page otherwise."""
    rsvp = access.rsvp_for_attendance(request.viewer, rsvp_id)
    if rsvp.event_id != event_id:
        return redirect("event_attendance", event_id=event_id)
    record = access.rsvp_record(request.viewer, rsvp.event)
    error = ""
    try:
        rsvp = services.attendance_mark(
            rsvp=rsvp, present=request.POST.get("present") == "1", by=record
        )
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        rsvp.rate_label = _rate_label(
            selectors.member_no_show_rates([rsvp.member_id]).get(rsvp.member_id)
            if rsvp.member_id
            else None
        )
        return render(
            request,
            "events/partials/attendance_row.html",
            {"row": rsvp, "event": rsvp.event, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect("event_attendance", event_id=event_id)


@login_required
@require_POST
def event_attendance_close(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id, "change")
    try:
        counts = services.attendance_close(event=event)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Attendance closed: %(attended)d came, %(no_show)d did not.") % counts,
        )
    return redirect("event_attendance", event_id=event.pk)


def _qr_svg(data: str) -> str:
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
def event_qr(request: HttpRequest, event_id: int) -> HttpResponse:
    """The QR code to show at the event (on a screen or printed): scanning it checks in."""
    event = access.event_for_viewer(request.viewer, event_id, "change")
    url = request.build_absolute_uri(
        reverse("event_checkin", args=[event.pk, services.checkin_token(event)])
    )
    return render(
        request,
        "events/event_qr.html",
        {"event": event, "url": url, "svg": mark_safe(_qr_svg(url))},  # noqa: S308 (our own SVG)
    )
