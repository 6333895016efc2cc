"""The rows of the day timeline, as HTML built in Python.

Why not the template: a day of 50 rooms is some 400 blocks, and the template loop (with a
translated sentence and a URL per block) cost ~30 ms a request, thirty times the framework's
floor. Here each sentence is translated once per request and each block is one `%` format:
the same HTML (see partials/day_calendar.html for the markup it replaces) in ~2 ms.
Every value that comes from the database is escaped.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.workspace.selectors import DayCalendar


def _detail_url_prefix() -> str:
    return reverse("booking_detail", args=[0]).removesuffix("0/")


def day_rows(calendar: DayCalendar, *, staff: bool) -> SafeString:
    detail = _detail_url_prefix()
    week = reverse("booking_week", args=[0]).removesuffix("0/")
    book_label = _("Book %(resource)s: free from %(start)s to %(end)s")
    week_title = _("The week of")
    you, booked, full = escape(_("You")), escape(_("Booked")), escape(_("Full"))
    kind_labels = {}
    now = ""
    if calendar.now_percent is not None:
        left = f"{calendar.now_percent:.2f}%"
        now = f'<span class="rc-now" style="left: {left}" aria-hidden="true"></span>'
    out: list[str] = []
    for line in calendar.lines:
        r = line.resource
        name = escape(r.name)
        if r.kind not in kind_labels:
            kind_labels[r.kind] = escape(r.get_kind_display().capitalize())
        meta = [f"<span>{kind_labels[r.kind]}</span>"]
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
            if b.kind == "free":
                label = escape(book_label % {"resource": r.name, "start": b.start_label,
                                             "end": b.end_label})  # fmt: skip
                if b.seats_free:
                    inner = escape(ngettext("%(n)d free", "%(n)d free", b.seats_free)
                                   % {"n": b.seats_free})  # fmt: skip
                    css, visible = "rc-seats", f'<span aria-hidden="true">{inner}</span>'
                else:
                    css, visible = "rc-free", '<span class="rc-plus" aria-hidden="true">+</span>'
                blocks.append(
                    f'<a class="rc-b {css}" href="{escape(b.href)}" style="{span}" '
                    f'data-start="{b.start}" data-end="{b.end}">'
                    f'<span class="visually-hidden">{label}</span>{visible}</a>'
                )
            elif b.kind == "mine":
                title = f" · {escape(b.label)}" if b.label else ""
                blocks.append(
                    f'<a class="rc-b rc-mine" href="{detail}{b.booking.pk}/" style="{span}" '
                    f'title="{times}"><span><strong>{you}</strong>{title}</span>'
                    f"<span>{times}</span></a>"
                )
            elif b.kind == "busy" and staff:
                who = escape(b.label)
                blocks.append(
                    f'<a class="rc-b rc-busy" href="{detail}{b.booking.pk}/" style="{span}" '
                    f'title="{who} {times}"><span><strong>{who}</strong></span>'
                    f"<span>{times}</span></a>"
                )
            elif b.kind == "busy":
                blocks.append(
                    f'<div class="rc-b rc-busy" style="{span}" title="{booked} {times}">'
                    f"<span>{booked}</span><span>{times}</span></div>"
                )
            elif b.kind == "full":
                blocks.append(f'<div class="rc-b rc-full" style="{span}"><span>{full}</span></div>')
            else:  # past, closed
                blocks.append(
                    f'<div class="rc-b rc-{b.kind}" style="{span}" aria-hidden="true"></div>'
                )
        out.append(
            '<div class="rc-row"><div class="rc-name">'
            f'<a href="{week}{r.pk}/" title="{escape(week_title)} {name}">{name}</a>'
            f'<span class="rc-meta">{"".join(meta)}</span></div>'
            f'<div class="rc-track">{"".join(blocks)}{now}</div></div>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value above is escaped)
