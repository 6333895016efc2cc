"""iCalendar (RFC 5545) for events: feeds (a space's events, "my events") and the single
event attached to confirmation emails. Same conventions as `maillage.workspace.ical`:

- DTSTART/DTEND in the space's time zone (TZID) with its VTIMEZONE.
- UID `event-<id>@<site host>`: the same in the feed and in the email's attachment, so a
  calendar app that got both keeps one event.
- SEQUENCE is the event's `sequence` (it goes up when the time, place or title changes, and
  on cancellation); DTSTAMP and LAST-MODIFIED its `updated_at`.
- A cancelled event stays in feeds for `CANCELLED_DAYS` with STATUS:CANCELLED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from maillage.events.models import Event, EventStatus, RsvpStatus

CANCELLED_DAYS = 30
PAST_DAYS = 90
PRODID = "-//Maillage//Events//FR"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "maillage"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{site_host()}"


def feed_events(events, *, now: dt.datetime | None = None):
    now = now or timezone.now()
    return (
        events.filter(
            ends_at__gte=now - dt.timedelta(days=PAST_DAYS),
            status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED),
        )
        .exclude(
            status=EventStatus.CANCELLED,
            cancelled_at__lt=now - dt.timedelta(days=CANCELLED_DAYS),
        )
        .select_related("space", "room")
        .order_by("starts_at")
    )


def calendar_bytes(
    *,
    name: str,
    events: Iterable[Event],
    url_for: Callable[[Event], str] | None = None,
    method: str = "PUBLISH",
    waiting: Mapping[int, str] | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """`waiting`: event id → a word on the person's place ("Waiting list", "Maybe") for the
    events their seat is not sure at: TENTATIVE, the word before the title. `stamp`: the
    DTSTAMP (default: when the event last changed)."""
    waiting = waiting or {}
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    years = set()
    for event in events:
        tz = event.tz
        item = icalendar.Event()
        item.add("uid", event_uid(event))
        item.add("dtstamp", (stamp or event.updated_at).astimezone(dt.UTC))
        item.add("created", event.created_at.astimezone(dt.UTC))
        item.add("last-modified", event.updated_at.astimezone(dt.UTC))
        item.add("sequence", event.sequence)
        item.add("dtstart", event.starts_at.astimezone(tz))
        item.add("dtend", event.ends_at.astimezone(tz))
        unsure = waiting.get(event.pk)
        item.add("summary", f"({unsure}) {event.title}" if unsure else event.title)
        place = event.place
        if event.space_id and event.space.address:
            place = f"{place}, {event.space.address}"
        if place:
            item.add("location", place)
        if event.description:
            item.add("description", event.description[:2000])
        cancelled = event.status == EventStatus.CANCELLED
        item.add("status", "CANCELLED" if cancelled else "TENTATIVE" if unsure else "CONFIRMED")
        item.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        if url_for is not None:
            item.add("url", url_for(event))
        calendar.add_component(item)
        years.add(event.starts_at.year)
    if years:
        calendar.add_missing_timezones(
            first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
        )
    return calendar.to_ical()


def event_url(event: Event) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("event_detail", args=[event.pk])


def unsure_word(status: str) -> str | None:
    """The word before the title of an event someone's seat is not sure at (in the language
    active), or None: a place on the waiting list, or a "maybe"."""
    from django.utils.translation import gettext

    if status == RsvpStatus.WAITLISTED:
        return gettext("Waiting list")
    if status == RsvpStatus.MAYBE:
        return gettext("Maybe")
    return None


def event_ics(event: Event, *, status: str = RsvpStatus.GOING) -> bytes:
    """One event as a file (the email attachment, the "add to my calendar" link), as the
    person's answer stands (`status`): TENTATIVE for a place not sure. Stamped now: a place
    confirmed after a TENTATIVE file (same event, same SEQUENCE) is then the newer one, which
    calendar programs take instead of ignoring it as a copy."""
    word = unsure_word(status)
    return calendar_bytes(
        name=event.title,
        events=[event],
        url_for=event_url,
        waiting={event.pk: word} if word else None,
        stamp=timezone.now(),
    )
