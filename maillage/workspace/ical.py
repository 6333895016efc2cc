"""iCalendar (RFC 5545) feeds of bookings, written with the `icalendar` library.

- Times: DTSTART/DTEND in the space's time zone (TZID=Europe/Paris) with its VTIMEZONE, so a
  calendar app shows 10:00 in Paris whatever its own zone, on both sides of a clock change.
- UID: `booking-<id>@<host>`, stable for the life of the booking.
- Changes: SEQUENCE is the booking's `sequence` (it goes up when the booking is cancelled),
  DTSTAMP and LAST-MODIFIED its `updated_at`.
- Cancellations: a cancelled booking stays in the feed for `CANCELLED_DAYS` with
  STATUS:CANCELLED and the higher SEQUENCE (RFC 5545 §3.8.1.11), rather than vanishing: an app
  that refreshes the subscription then marks or drops the event explicitly, and one that
  imported it once still has a way to learn it is off. After that, it is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from maillage.workspace.models import Booking, BookingStatus

CANCELLED_DAYS = 30
PAST_DAYS = 90
PRODID = "-//Maillage//Bookings//FR"


def booking_uid(booking: Booking, host: str) -> str:
    return f"booking-{booking.pk}@{host}"


def feed_bookings(bookings, *, now: dt.datetime | None = None):
    """The bookings a feed shows: from `PAST_DAYS` ago on, cancelled ones for a while."""
    now = now or timezone.now()
    return (
        bookings.filter(ends_at__gte=now - dt.timedelta(days=PAST_DAYS))
        .exclude(
            status=BookingStatus.CANCELLED,
            cancelled_at__lt=now - dt.timedelta(days=CANCELLED_DAYS),
        )
        .select_related("resource__space", "member__user")
        .order_by("starts_at")
    )


def calendar_bytes(
    *,
    name: str,
    bookings: Iterable[Booking],
    host: str,
    summary_for,
    url_for=None,
) -> bytes:
    """An iCalendar file of `bookings`. `summary_for(booking)` is the event's title (a room's
    feed for a member says "Booked", not who booked)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    years = set()
    for booking in bookings:
        space = booking.resource.space
        tz = space.tz
        event = icalendar.Event()
        event.add("uid", booking_uid(booking, host))
        event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
        event.add("created", booking.created_at.astimezone(dt.UTC))
        event.add("last-modified", booking.updated_at.astimezone(dt.UTC))
        event.add("sequence", booking.sequence)
        event.add("dtstart", booking.starts_at.astimezone(tz))
        event.add("dtend", booking.ends_at.astimezone(tz))
        event.add("summary", summary_for(booking))
        event.add("location", f"{booking.resource.name}, {space.name}" + (
            f", {space.address}" if space.address else ""
        ))  # fmt: skip
        cancelled = booking.status == BookingStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        if url_for is not None:
            event.add("url", url_for(booking))
        calendar.add_component(event)
        years.add(booking.starts_at.year)
    if years:
        # VTIMEZONE definitions covering the feed's years (not 1970–2038: smaller files).
        calendar.add_missing_timezones(
            first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
        )
    return calendar.to_ical()
