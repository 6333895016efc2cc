"""Django's `date` filter, remembering what it wrote (a builtin: every template has it), and
writing the first of a month the French way ("1er décembre", where Django writes "1 décembre").

A page shows the same few dates again and again (an event's day and hours on every home
page, the ledger's recent lines), and Django formats each anew: a translated month name, the
format string parsed, 20 to 50 µs a date, a few dozen per page. The result depends only on
the value (with its time zone), the format and the active language, so it is kept in a
bounded cache (`functools.lru_cache`, thread-safe); anything unusual goes to Django's filter.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import date as django_date
from django.utils.translation import get_language

from maillage.core.dates import french_first

register = template.Library()


def _date(value, arg):
    return django_date(value, french_first(value, arg))


@functools.lru_cache(maxsize=8192)
def _formatted(value, tzinfo, fold: int, arg, language: str | None) -> str:
    return _date(value, arg)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """Formats and time zones come from settings: forget everything when one changes (tests)."""
    _formatted.cache_clear()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """As `django.template.defaultfilters.date`.

    Remembered: plain dates, and datetimes in a named time zone (what templates show once
    Django has put them in the current one), the zone being part of the key. Others (naive
    datetimes, formatted with the default time zone; fixed offsets, which compare equal
    whatever their name; times) go to Django's filter each time."""
    if arg is None or isinstance(arg, str):
        if isinstance(value, dt.datetime):
            if isinstance(value.tzinfo, zoneinfo.ZoneInfo):
                return _formatted(value, value.tzinfo, value.fold, arg, get_language())
        elif isinstance(value, dt.date):
            return _formatted(value, None, 0, arg, get_language())
    return _date(value, arg)
