"""Template helpers of the event pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def local_start(event) -> dt.datetime:
    """The event's start in its space's time zone (a list may mix time zones)."""
    return event.starts_at.astimezone(event.tz)


@register.filter
def local_end(event) -> dt.datetime:
    return event.ends_at.astimezone(event.tz)


@register.filter
def initial(name: str) -> str:
    return (name or "?").strip()[:1].upper()


@register.filter
def fill_percent(event) -> int:
    if not event.capacity:
        return 0
    return min(100, round(100 * event.going_count / event.capacity))
