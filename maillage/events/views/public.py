"""What visitors see: a space's public events, the RSVP form of a public event (name and
email, confirmed by a link), and the pages that link opens. The links' pages confirm or
cancel on a button (POST), never on GET: mail scanners open links by themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.core.errors import DomainError
from maillage.core.models import Space
from maillage.events import access, forms, ical, selectors, services
from maillage.events.models import Event, EventStatus, EventVisibility, RsvpStatus
from maillage.members.markdown import render_markdown


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


@require_POST
def event_public_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_viewer(request.viewer, event_id)
    if event.visibility != EventVisibility.PUBLIC:
        raise Http404
    form = forms.PublicRsvpForm(request.POST, max_guests=event.max_guests)
    if form.is_valid():
        try:
            services.public_rsvp_request(
                event=event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                guests=form.cleaned_data.get("guests") or 0,
                ip=client_ip(request),
                honeypot=form.cleaned_data.get("website", ""),
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return render(request, "events/public_sent.html", {"event": event})
    context = {
        "event": event,
        "record": None,
        "public_form": form,
        "description": render_markdown(event.description) if event.description else "",
        "people": selectors.people_going(event, request.viewer),
        "seats_label": selectors.seats_label(event),
        "is_open": event.is_published and event.starts_at > timezone.now(),
        "hosts": list(event.hosts.all()),
    }
    return render(request, "events/event_public.html", context, status=400)


def _token_page(request: HttpRequest, token: str, action: str) -> HttpResponse:
    try:
        rsvp = services.rsvps.public_rsvp_for_token(token)
    except DomainError as exc:
        return render(request, "events/public_link.html", {"error": exc.message}, status=404)
    if request.method == "POST":
        try:
            if action == "confirm":
                rsvp = services.public_rsvp_confirm(token=token)
            else:
                rsvp = services.public_rsvp_cancel(token=token)
        except services.Refused as exc:
            messages.info(request, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(request.path)
    return render(
        request,
        "events/public_link.html",
        {"rsvp": rsvp, "event": rsvp.event, "action": action, "token": token},
    )


def event_public_confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, "confirm")


def event_public_cancel(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, "cancel")


def _public_space(slug: str) -> Space:
    space = Space.objects.select_related("operator").filter(slug=slug).first()
    if space is None:
        raise Http404
    return space


def _public_events(space: Space):
    return Event.objects.filter(
        space=space,
        visibility=EventVisibility.PUBLIC,
        status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED),
    )


@require_GET
def event_space(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's public events, for anyone."""
    space = _public_space(slug)
    events = list(
        _public_events(space)
        .filter(ends_at__gt=timezone.now())
        .select_related("space", "room")
        .order_by("starts_at")[:60]
    )
    for event in events:
        event.seats_label = selectors.seats_label(event)
    return render(request, "events/space_events.html", {"space": space, "events": events})


@require_GET
def event_space_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The public iCalendar feed of a space's public events."""
    space = _public_space(slug)
    body = ical.calendar_bytes(
        name=_("Events — %(space)s") % {"space": space.name},
        events=ical.feed_events(_public_events(space)),
        url_for=ical.event_url,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{space.slug}-events.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def status_label(status: str) -> str:
    return {
        RsvpStatus.PENDING: _("waiting for your confirmation"),
        RsvpStatus.GOING: _("confirmed: you are going"),
        RsvpStatus.WAITLISTED: _("on the waiting list"),
        RsvpStatus.NOT_GOING: _("cancelled"),
    }.get(status, status)
