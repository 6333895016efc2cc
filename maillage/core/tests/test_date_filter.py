"""The builtin `date` filter that remembers what it wrote (core/templatetags/dates.py) says
exactly what Django's does, in every language and time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from maillage.core.templatetags.dates import date

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
INSTANT = dt.datetime(2026, 11, 24, 12, 30, tzinfo=dt.UTC)
FORMATS = (None, "j N Y, H:i", "l j F", "c", "M", "SHORT_DATE_FORMAT", "e T")
FIRSTS = (None, "j N Y, H:i", "l j F")  # a day before a month's name


def test_it_writes_the_first_of_a_month_the_french_way():
    first = dt.date(2026, 12, 1)
    with translation.override("fr"):
        assert date(first, "l j F Y") == "mardi 1er décembre 2026"
        assert date(first) == "1er décembre 2026"  # DATE_FORMAT
        assert date(first, "j/m") == "1/12"  # no month's name after it
        assert date(first, r"\j j F") == "j 1er décembre"  # an escaped j stays a letter
        assert date(dt.date(2026, 12, 2), "j F") == "2 décembre"
        moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
        assert date(moment, "j F, H:i") == "1er décembre, 09:00"
    with translation.override("en"):
        assert date(first, "j F") == "1 December"


def outcome(function, value, fmt):
    """What a filter gives, or the error it raises (a time format on a date, say)."""
    try:
        return function(value, fmt)
    except (TypeError, ValueError) as exc:
        return type(exc), str(exc)


def test_it_agrees_with_djangos_filter_in_both_languages_and_any_time_zone():
    values = [
        INSTANT,
        INSTANT.astimezone(PARIS),
        INSTANT.astimezone(MONTREAL),  # the same instant: equal datetimes, not the same text
        INSTANT.replace(tzinfo=None),
        dt.date(2026, 3, 1),
        dt.time(9, 5),
    ]
    for language in ("fr", "en"):
        with translation.override(language):
            for value in values:
                for fmt in FORMATS:
                    expected = outcome(django_date, value, fmt)
                    if (
                        language == "fr"
                        and isinstance(expected, str)
                        and fmt in FIRSTS
                        and (value == dt.date(2026, 3, 1))
                    ):
                        expected = expected.replace("1 ", "1er ", 1)  # the one difference
                    assert outcome(date, value, fmt) == expected, (language, value, fmt)
    with translation.override("fr"):
        assert date(INSTANT.astimezone(PARIS), "H:i") == "13:30"
        assert date(INSTANT.astimezone(MONTREAL), "H:i") == "07:30"
        assert date(dt.date(2026, 3, 1), "F") == "mars"
    with translation.override("en"):
        assert date(dt.date(2026, 3, 1), "F") == "March"


def test_templates_use_it_and_still_show_the_current_time_zone():
    template = engines["django"].from_string('{{ when|date:"H:i" }} {{ nothing|date:"H:i" }}.')
    with timezone.override(PARIS):
        assert template.render({"when": INSTANT, "nothing": None}) == "13:30 ."
    with timezone.override(MONTREAL):
        assert template.render({"when": INSTANT, "nothing": ""}) == "07:30 ."
    assert engines["django"].engine.template_builtins[-1].filters["date"] is date


def test_what_it_does_not_remember_still_agrees_with_django(settings):
    """Fixed offsets compare equal whatever their name, and naive datetimes are formatted with
    the default time zone: those go to Django's filter every time; a change of settings makes
    it forget everything (formats, time zones)."""
    cet, unnamed = dt.timezone(dt.timedelta(hours=1), "CET"), dt.timezone(dt.timedelta(hours=1))
    first = dt.datetime(2026, 1, 5, 10, 0, tzinfo=cet)
    second = first.replace(tzinfo=unnamed)
    assert first == second  # the trap: equal, yet not written the same
    assert date(first, "H:i T") == "10:00 CET"
    assert date(second, "H:i T") == django_date(second, "H:i T") != "10:00 CET"
    naive = dt.datetime(2026, 7, 1, 12, 0)
    settings.TIME_ZONE = "Europe/Paris"
    assert date(naive, "O") == django_date(naive, "O") == "+0200"
    settings.TIME_ZONE = "America/Montreal"
    assert date(naive, "O") == django_date(naive, "O") == "-0400"
    day = dt.date(2026, 3, 1)
    with translation.override(None):  # no language: the DATE_FORMAT setting applies
        settings.DATE_FORMAT = "d/m/Y"
        assert date(day) == "01/03/2026"
        settings.DATE_FORMAT = "Y-m-d"
        assert date(day) == django_date(day) == "2026-03-01"


def test_messages_and_emails_write_the_first_of_a_month_the_french_way_too():
    from maillage.core.dates import date_format

    with translation.override("fr"):
        assert date_format(dt.date(2026, 12, 1), "l j F Y") == "mardi 1er décembre 2026"
        assert date_format(dt.date(2026, 12, 3), "l j F Y") == "jeudi 3 décembre 2026"
    with translation.override("en"):
        assert date_format(dt.date(2026, 12, 1), "l j F Y") == "Tuesday 1 December 2026"
