"""Dates written the French way where Django's formats do not: the first of a month is
"1er décembre", not "1 décembre" (every other day is written as Django writes it)."""

from __future__ import annotations

import re

from django.utils import formats
from django.utils.translation import get_language

# The day of the month (`j`, not escaped) before a month's name.
_DAY_BEFORE_MONTH = re.compile(r"(?<!\\)\bj(?= [FNEbM])")


def french_first(value, fmt: str | None) -> str | None:
    """The format, with "er" after the day when the value is a 1st and French is on."""
    if getattr(value, "day", None) != 1 or not (get_language() or "").startswith("fr"):
        return fmt
    if fmt is None or fmt in formats.FORMAT_SETTINGS:
        fmt = formats.get_format(fmt or "DATE_FORMAT")
    return _DAY_BEFORE_MONTH.sub(r"j\\e\\r", fmt)


def date_format(value, format: str | None = None, use_l10n=None) -> str:
    """As `django.utils.formats.date_format`, with the French first of the month."""
    return formats.date_format(value, french_first(value, format), use_l10n)
