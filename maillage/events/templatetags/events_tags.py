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
def time_span(event) -> str:
    """ "18:00–21:00", and "20:00–02:00 (next day)" for an evening that goes past midnight."""
    from django.utils.translation import gettext

    from maillage.core.templatetags.dates import date as date_filter  # remembers what it wrote

    start, end = local_start(event), local_end(event)
    span = f"{date_filter(start, 'H:i')}–{date_filter(end, 'H:i')}"
    days = (end.date() - start.date()).days
    if days == 1:
        return gettext("%(span)s (next day)") % {"span": span}
    if days > 1:
        return gettext("%(span)s (until %(day)s)") % {
            "span": span,
            "day": date_filter(end, "l j F"),
        }
    return span


@register.filter
def initial(name: str) -> str:
    return (name or "?").strip()[:1].upper()


@register.filter
def fill_percent(event) -> int:
    if not event.capacity:
        return 0
    return min(100, round(100 * event.going_count / event.capacity))
