"""The rows of the day timeline, as HTML built in Python.

Why not the template: a day of 50 rooms is some 400 blocks, and the template loop (with a
translated sentence and a URL per block) cost ~30 ms a request, thirty times the framework's
floor. Here each sentence is translated once per request and each block is one `%` format:
the same HTML (see partials/day_calendar.html for the markup it replaces) in ~2 ms.
Every value that comes from the database is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from maillage.workspace.selectors import DayCalendar
from maillage.workspace.selectors.calendar import Line


def _detail_url_prefix() -> str:
    return reverse("booking_detail", args=[0]).removesuffix("0/")


def _size(minutes: int) -> str:
    """The CSS class of a booked block too narrow for its whole text."""
    if minutes <= 30:
        return " rc-tiny"
    if minutes < 90:
        return " rc-short"
    return ""


def _visible(label: str, when: str, size: str) -> str:
    """What a booked block shows (its title says it all): a tiny one only its start time."""
    if size == " rc-tiny":
        return f'<span aria-hidden="true">{when}</span>'
    return f'<span aria-hidden="true">{label}</span><span aria-hidden="true">{when}</span>'


@dataclass(frozen=True, slots=True)
class _Texts:
    """The words and URLs of a day's rows, translated once per request (in its language)."""

    detail: str
    week: str
    book_label: str
    week_title: str
    you: str
    booked: str
    full: str
    past: str
    past_title: str

    @classmethod
    def now(cls) -> _Texts:
        return cls(
            detail=_detail_url_prefix(),
            week=reverse("booking_week", args=[0]).removesuffix("0/"),
            book_label=_("Book %(resource)s: free from %(start)s to %(end)s"),
            week_title=escape(_("The week of")),
            you=escape(_("You")),
            booked=escape(_("Booked")),
            full=escape(_("Full")),
            past=escape(pgettext("calendar time", "Past")),
            past_title=escape(_("Past: no longer bookable")),
        )


def day_rows(calendar: DayCalendar, *, staff: bool) -> SafeString:
    texts = _Texts.now()
    now = _now_marker(calendar)
    rows = [_row_html(line, texts, now, staff=staff) for line in calendar.lines]
    return mark_safe("\n".join(rows))  # noqa: S308 (every value in the rows is escaped)


def hours_html(calendar: DayCalendar) -> SafeString:
    """The hour labels above the rows (numbers only)."""
    if calendar.window is None:
        return mark_safe("")
    return mark_safe(  # noqa: S308 (times and integers)
        "".join(
            f'<span style="grid-column: {column} / span 4">{label}</span>'
            for label, column in calendar.window.hours()
        )
    )


def _now_marker(calendar: DayCalendar) -> str:
    if calendar.now_percent is None:
        return ""
    left = f"{calendar.now_percent:.2f}%"
    return f'<span class="rc-now" style="left: {left}" aria-hidden="true"></span>'


def _row_html(line: Line, texts: _Texts, now: str, *, staff: bool) -> str:
    """One resource's row. Every value that comes from the database is escaped here."""
    detail, you, booked, full = texts.detail, texts.you, texts.booked, texts.full
    past, past_title, book_label = texts.past, texts.past_title, texts.book_label
    r = line.resource
    name = escape(r.name)
    meta = [f"<span>{escape(r.get_kind_display().capitalize())}</span>"]
    if r.seats > 1:
        desks = ngettext("%(n)d desk", "%(n)d desks", r.seats) % {"n": r.seats}
        meta.append(f"<span>{escape(desks)}</span>")
    elif r.capacity > 1:
        meta.append(
            '<span><svg class="icon" aria-hidden="true"><use href="#i-people"></use></svg> '
            f"{r.capacity}</span>"
        )
    if r.credits_per_hour:
        rate = _("%(c)s cr/h") % {"c": f"{r.credits_per_hour.normalize():f}"}
        meta.append(f"<span>{escape(rate)}</span>")
    blocks = []
    for b in line.blocks:
        span = f"grid-column: {b.col_start} / {b.col_end}"
        times = f"{b.start_label}–{b.end_label}"
        # A booked block shows what fits (a short one: its start time only); its title
        # (and, for screen readers, a hidden copy) carries the whole text.
        size, when = _size(b.end - b.start), times
        if size:
            when = b.start_label
        if b.kind == "free":
            label = escape(book_label % {"resource": r.name, "start": b.start_label,
                                         "end": b.end_label})  # fmt: skip
            if b.seats_free:
                inner = escape(ngettext("%(n)d free", "%(n)d free", b.seats_free)
                               % {"n": b.seats_free})  # fmt: skip
                shown = inner if b.end - b.start >= 60 else str(b.seats_free)
                css, extra = "rc-seats", f' title="{inner}"'
                visible = f'<span aria-hidden="true">{shown}</span>'
            else:
                css, extra = "rc-free", ""
                visible = '<span class="rc-plus" aria-hidden="true">+</span>'
            blocks.append(
                f'<a class="rc-b {css}" href="{escape(b.href)}" style="{span}"{extra} '
                f'data-start="{b.start}" data-end="{b.end}">'
                f'<span class="visually-hidden">{label}</span>{visible}</a>'
            )
        elif b.kind == "mine":
            title = f" · {escape(b.label)}" if b.label else ""
            blocks.append(
                f'<a class="rc-b rc-mine{size}" href="{detail}{b.booking.pk}/" style="{span}" '
                f'title="{you}{title} · {times}">'
                f'<span class="visually-hidden">{you}{title} · {times}</span>'
                f"{_visible(f'<strong>{you}</strong>{title}', when, size)}</a>"
            )
        elif b.kind == "busy" and staff:
            who = escape(b.label)
            blocks.append(
                f'<a class="rc-b rc-busy{size}" href="{detail}{b.booking.pk}/" style="{span}" '
                f'title="{who} · {times}"><span class="visually-hidden">{who} · {times}</span>'
                f"{_visible(f'<strong>{who}</strong>', when, size)}</a>"
            )
        elif b.kind == "busy":
            blocks.append(
                f'<div class="rc-b rc-busy{size}" style="{span}" title="{booked} · {times}">'
                f'<span class="visually-hidden">{booked} · {times}</span>'
                f"{_visible(booked, when, size)}</div>"
            )
        elif b.kind == "full":
            blocks.append(
                f'<div class="rc-b rc-full{size}" style="{span}" title="{full} · {times}">'
                f"<span>{full}</span></div>"
            )
        elif b.kind == "past":
            blocks.append(
                f'<div class="rc-b rc-past" style="{span}" title="{past_title}">'
                f'<span aria-hidden="true">{past}</span></div>'
            )
        else:  # closed
            blocks.append(f'<div class="rc-b rc-{b.kind}" style="{span}" aria-hidden="true"></div>')
    return (
        '<div class="rc-row"><div class="rc-name">'
        f'<a href="{texts.week}{r.pk}/" title="{texts.week_title} {name}">{name}</a>'
        f'<span class="rc-meta">{"".join(meta)}</span></div>'
        f'<div class="rc-track">{"".join(blocks)}{now}</div></div>'
    )
