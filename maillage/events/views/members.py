"""Members' event pages: the list, an event, answering it, proposing and changing one,
feedback after it, self check-in, "my events", notification preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.errors import DomainError
from maillage.events import access, forms, ical, selectors, services
from maillage.events.models import (
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    Rsvp,
    RsvpStatus,
)
from maillage.events.services.common import local_interval, tz_of
from maillage.events.views.common import apply_error, current_record, rooms_of
from maillage.events.views.feeds import feed_url
from maillage.members.markdown import render_markdown

PAGE_SIZE = 40


def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events the viewer may see, soonest first, by day."""
    viewer = request.viewer
    if viewer.current is None:
        if not viewer.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        raise Http404
    record = viewer.current
    space_id = request.GET.get("space", "")
    kind = request.GET.get("kind", "")
    events = selectors.upcoming_for_viewer(
        viewer,
        space_id=int(space_id) if space_id.isdigit() else None,
        kind=kind if kind in EventKind.values else "",
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(page.object_list)
    answers = selectors.answers_of(record, events)
    for event in events:
        event.my_answer = answers.get(event.pk)
        event.seats_label = selectors.seats_label(event)
        event.local_day = event.starts_at.astimezone(event.tz).date()
    return render(
        request,
        "events/event_list.html",
        {
            "events": events,
            "page": page,
            "spaces": access.spaces_for_events(viewer, record.operator_id),
            "kinds": EventKind.choices,
            "space_id": space_id,
            "kind": kind,
            "record": record,
            "space_feed_url": feed_url(request, record, record.home_space),
        },
    )


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    viewer = request.viewer
    event = access.event_for_viewer(viewer, event_id)
    record = access.rsvp_record(viewer, event) if viewer.is_authenticated else None
    answer = selectors.answers_of(record, [event]).get(event.pk)
    now = timezone.now()
    context = {
        "event": event,
        "record": record,
        "answer": answer,
        "description": render_markdown(event.description) if event.description else "",
        "people": selectors.people_going(event, viewer),
        "seats_label": selectors.seats_label(event),
        "is_open": event.is_published and event.starts_at > now,
        "is_past": event.ends_at <= now,
        "can_change": viewer.is_authenticated and access.may_change(viewer, event),
        "can_approve": viewer.is_authenticated and access.may_approve(viewer, event),
        "hosts": list(event.hosts.all()),
        "host_ids": access.host_ids(event),
        "guest_range": range(0, event.max_guests + 1),
    }
    if record is None:
        context["public_form"] = forms.PublicRsvpForm(max_guests=event.max_guests)
        return render(request, "events/event_public.html", context)
    if context["is_past"] and record is not None:
        context["feedback_blocked"] = services.feedback_allowed(event, record, now)
    if answer is not None and answer.status == RsvpStatus.WAITLISTED:
        context["waiting_ahead"] = selectors.waiting_ahead(answer)
    return render(request, "events/event_detail.html", context)


@login_required
@require_POST
def event_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id, "rsvp")
    record = access.rsvp_record(request.viewer, event)
    form = forms.RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose going, maybe or not going."))
        return redirect("event_detail", event_id=event.pk)
    # Whether giving up a place hands it to someone: only a place held, with people waiting.
    held = Rsvp.objects.filter(event=event, member=record, status=RsvpStatus.GOING).exists()
    waited = held and Rsvp.objects.filter(event=event, status=RsvpStatus.WAITLISTED).exists()
    try:
        rsvp = services.event_rsvp(
            event=event,
            member=record,
            status=form.cleaned_data["status"],
            guests=form.cleaned_data["guests"],
        )
    except services.Refused as exc:
        messages.info(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _answer_message(rsvp.status, place_freed=waited))
    return redirect("event_detail", event_id=event.pk)


def _answer_message(status: str, *, place_freed: bool = False) -> str:
    if status == RsvpStatus.NOT_GOING:
        if place_freed:
            return _("Noted: you are not going. Your place goes to the next person.")
        return _("Noted: you are not going.")
    return {
        RsvpStatus.GOING: _("You are going. A confirmation is on its way, with the calendar file."),
        RsvpStatus.WAITLISTED: _(
            "The event is full: you are on the waiting list. We will email you if a place frees up."
        ),
        RsvpStatus.MAYBE: _("Noted: maybe."),
    }[status]


def _form_kwargs(request: HttpRequest, record, event: Event | None = None) -> dict:
    viewer = request.viewer
    spaces = access.spaces_for_events(viewer, record.operator_id)
    can_repeat = record.is_staff
    return {
        "spaces": spaces,
        "rooms": rooms_of(record.operator_id),
        "can_repeat": can_repeat,
        "editing": event is not None,
    }


def _details(form: forms.EventForm) -> dict:
    data = form.cleaned_data
    space = data.get("space")
    starts_at, ends_at = local_interval(
        tz=tz_of(space), day=data["day"], start=data["start"], end=data["end"]
    )
    return {
        "space": space,
        "title": data["title"],
        "kind": data["kind"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": data.get("description", ""),
        "location": data.get("location", ""),
        "room": data.get("room"),
        "capacity": data.get("capacity"),
        "max_guests": data.get("max_guests") or 0,
        "visibility": data["visibility"],
        "interests": list(data.get("interests") or []),
        "cover": data.get("cover"),
    }


@login_required
def event_propose(request: HttpRequest) -> HttpResponse:
    """A member proposes an event (the staff approve it); staff publish at once."""
    record = current_record(request.viewer)
    kwargs = _form_kwargs(request, record)
    initial = {"space": record.home_space_id, "visibility": EventVisibility.MEMBERS}
    form = forms.EventForm(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            details = _details(form)
            event = services.event_propose(
                proposer=record,
                operator=record.operator,
                recurrence=form.recurrence_rule() if form.can_repeat else "",
                exceptions=form.cleaned_data.get("exceptions") or (),
                **details,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            if event.status == EventStatus.PUBLISHED:
                messages.success(request, _("The event is published."))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! The team of the space will look at your proposal and publish it."
                    ),
                )
            return redirect("event_detail", event_id=event.pk)
    return render(
        request, "events/event_form.html", {"form": form, "record": record, "event": None}
    )


@login_required
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id, "change")
    record = access.rsvp_record(request.viewer, event)
    kwargs = _form_kwargs(request, record, event)
    local_start = event.starts_at.astimezone(event.tz)
    initial = {
        "title": event.title,
        "kind": event.kind,
        "space": event.space_id,
        "room": event.room_id,
        "location": event.location,
        "day": local_start.date(),
        "start": local_start.time(),
        "end": event.ends_at.astimezone(event.tz).time(),
        "capacity": event.capacity,
        "max_guests": event.max_guests,
        "visibility": event.visibility,
        "description": event.description,
        "interests": [i.pk for i in event.interests.all()],
    }
    form = forms.EventForm(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            details = _details(form)
            if details["space"] != event.space:
                raise DomainError(
                    _("An event cannot move to another space: cancel it and create a new one."),
                    field="space",
                )
            details.pop("space")
            if details["cover"] is None:
                details.pop("cover")
            services.event_update(event=event, by=record, **details)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Changes saved. The people who answered are told."))
            return redirect("event_detail", event_id=event.pk)
    return render(
        request, "events/event_form.html", {"form": form, "record": record, "event": event}
    )


@login_required
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id, "change")
    record = access.rsvp_record(request.viewer, event)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = services.event_cancel(
                event=event,
                by=record,
                reason=form.cleaned_data["reason"],
                following=form.cleaned_data["following"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Cancelled (%(n)d dates). Everyone who answered is told.") % {"n": len(cancelled)}
                if len(cancelled) > 1
                else _("The event is cancelled. Everyone who answered is told."),
            )
        return redirect("event_detail", event_id=event.pk)
    return render(request, "events/event_cancel.html", {"event": event, "form": form})


@login_required
def event_feedback(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id)
    record = access.rsvp_record(request.viewer, event)
    if record is None:
        raise Http404
    blocked = services.feedback_allowed(event, record, timezone.now())
    people = [m for m in services.attendees(event) if m.pk != record.pk]
    form = forms.FeedbackForm(request.POST or None, people=people)
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            services.feedback_give(
                event=event,
                member=record,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                met=form.met_members(),
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Thank you for your feedback!"))
            return redirect("event_mine")
    return render(
        request,
        "events/event_feedback.html",
        {"event": event, "form": form, "blocked": blocked, "people": people},
    )


@login_required
def event_checkin(request: HttpRequest, event_id: int, token: str) -> HttpResponse:
    """The page the event's QR code opens: checks the member in (GET is enough: the code is
    scanned with a phone camera; the token is the proof of presence)."""
    event = access.event_for_viewer(request.viewer, event_id)
    record = access.rsvp_record(request.viewer, event)
    if record is None:
        raise Http404
    status, message = "ok", ""
    try:
        services.event_self_checkin(event=event, member=record, token=token)
        message = _("You are checked in. Enjoy the event!")
    except services.AlreadyCheckedIn as exc:
        message = exc.message
    except DomainError as exc:
        status, message = "error", exc.message
    return render(
        request,
        "events/event_checkin.html",
        {"event": event, "status": status, "message": message},
        status=200 if status == "ok" else 400,
    )


def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id)
    if event.status not in access.VISIBLE_STATUSES:
        raise Http404
    response = HttpResponse(ical.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
def event_mine(request: HttpRequest) -> HttpResponse:
    record = current_record(request.viewer)
    lists = selectors.member_events(record)
    answers = selectors.answers_of(record, lists["coming"])
    for event in lists["coming"]:
        event.my_answer = answers.get(event.pk)
    return render(
        request,
        "events/event_mine.html",
        {**lists, "record": record, "feed_url": feed_url(request, record)},
    )


@login_required
def event_notifications(request: HttpRequest) -> HttpResponse:
    record = current_record(request.viewer)
    preferences = services.preferences_for(record)
    form = forms.PreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_update(
            member=record, **{k: form.cleaned_data[k] for k in form.Meta.fields}
        )
        messages.success(request, _("Your email choices are saved."))
        return redirect("event_notifications")
    return render(request, "events/event_notifications.html", {"form": form})


@login_required
def event_for_you(request: HttpRequest) -> HttpResponse:
    """The home page's "upcoming events for you" card alone (htmx refreshes it)."""
    record = current_record(request.viewer)
    return render(
        request,
        "events/includes/for_you.html",
        {"events_for_you": selectors.for_you(record), "member": record},
    )
