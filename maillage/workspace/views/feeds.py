"""The secret iCalendar URLs: no log-in, the token in the URL is the key."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.workspace import ical, services
from maillage.workspace.models import Booking, CalendarFeed


@require_GET
def calendar_feed(request: HttpRequest, feed_id: int, token: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.select_related("owner__user", "owner__home_space", "resource__space")
        .filter(pk=feed_id)
        .first()
    )
    if feed is None or not services.feed_token_matches(feed, token):
        raise Http404
    if feed.revoked_at is not None:
        return HttpResponse(
            _("This calendar link was revoked. Get the new one from your bookings page."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    owner = feed.owner
    if owner.left_on is not None:  # they left the community: its calendars are no longer theirs
        return HttpResponse(
            _("This calendar link no longer works: its owner has left the community."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    host = request.get_host().split(":")[0] or "maillage"
    with translation.override(owner.user.language or None):
        if feed.resource is None:
            bookings = Booking.objects.filter(member=owner)
            name = _("My bookings — %(operator)s") % {"operator": owner.operator.name}

            def summary(booking: Booking) -> str:
                return booking.title or booking.resource.name

            def url(booking: Booking) -> str:
                return request.build_absolute_uri(reverse("booking_detail", args=[booking.pk]))
        else:
            resource = feed.resource
            bookings = Booking.objects.filter(resource=resource)
            name = f"{resource.name} — {resource.space.name}"
            show_names = owner.is_staff and owner.operator_id == resource.space.operator_id
            booked = _("Booked")

            def summary(booking: Booking) -> str:
                if show_names:
                    return booking.member.user.get_full_name() + (
                        f" — {booking.title}" if booking.title else ""
                    )
                if booking.member_id == owner.pk:
                    return booking.title or booking.resource.name
                return booked

            url = None
        body = ical.calendar_bytes(
            name=name,
            bookings=ical.feed_bookings(bookings),
            host=host,
            summary_for=summary,
            url_for=url,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="maillage.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
