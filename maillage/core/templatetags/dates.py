"""Django's `date` filter, remembering what it wrote (a builtin: every template has it).

A page shows the same few dates again and again (an event's day and hours on every home
page, the ledger's recent lines), and Django formats each anew: a translated month name, the
format string parsed, 20 to 50 µs a date, a few dozen per page. The result depends only on
the value (with its time zone), the format and the active language, so it is kept in a
bounded cache (`functools.lru_cache`, thread-safe); anything unusual goes to Django's filter.
"""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.translation import get_language

register = template.Library()


@functools.lru_cache(maxsize=8192)
def _formatted(value, tzinfo, fold: int, arg, language: str | None) -> str:
    return django_date(value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """As `django.template.defaultfilters.date`."""
    if isinstance(value, (dt.date, dt.time)) and (arg is None or isinstance(arg, str)):
        tzinfo = getattr(value, "tzinfo", None)
        return _formatted(value, tzinfo, getattr(value, "fold", 0), arg, get_language())
    return django_date(value, arg)
