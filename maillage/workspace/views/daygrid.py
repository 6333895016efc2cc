"""The day calendar's rows, kept in memory between requests while nothing they show changes.

A day of 50 rooms is some 150 bookings read, 400 blocks cut and as many HTML fragments: about
8 ms a request, where the rest of the page takes 4. Many members look at the same space's
day (today, tomorrow), and bookings change far less often than they are looked at, so each
process keeps the rows it drew, under a key made of everything they show:

- the space, the day, the filter, the language, whether names are shown (staff);
- the time: the quarter-hour before which the day is past, and today the minute of "now";
- the space's time zone and its opening hours that day, its closure that day;
- each resource as the calendar draws it (name, kind, capacity, seats, rate), with a stamp
  of its bookings overlapping the day: how many (of any status), the largest id and the sum
  of their `sequence`. A booking made adds one; a cancellation bumps its sequence. Both are
  read in the same query as the resources, from the database, so every process sees a
  change at once (nothing to invalidate, nothing to share between processes).

Rows are drawn once for a viewer with no booking of their own; a row holding one of the
viewer's bookings is drawn again for them ("You", its title, a link), and their version of
the rows kept under the same key with their member id. Names of who booked
(staff only) may change without touching a booking: an entry lives `TTL` seconds at most.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from maillage.core import sql
from maillage.core.models import Member, Space
from maillage.workspace.models import Booking, ClosedDay, Resource, ResourceKind
from maillage.workspace.selectors import DayCalendar, day_calendar
from maillage.workspace.selectors.calendar import (
    Line,
    ResourceRow,
    _line_blocks,
    _not_before,
    _window,
)
from maillage.workspace.selectors.common import _day_bounds, local, today_in
from maillage.workspace.views.timeline import _now_marker, _row_html, _Texts

TTL = 300.0  # seconds: how stale a name on a staff calendar may be
SIZE = 256  # entries per process (a few hundred kilobytes each at most)


@dataclass(frozen=True, slots=True)
class _Entry:
    calendar: DayCalendar  # drawn for nobody in particular; read-only once cached
    rows: tuple[str, ...]
    owners: tuple[frozenset[int], ...]  # per row: members with a booking drawn there
    born: float


class _Cache:
    """A small least-recently-used map, safe across the server's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> _Entry | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None or time.monotonic() - entry.born > TTL:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, entry: _Entry) -> None:
        with self._lock:
            self._items[key] = entry
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


cache = _Cache(SIZE)


def _resources(space: Space, day: dt.date, kind: str | None) -> tuple[list[tuple], str | None]:
    """The bookable resources of the space (as the calendar draws them: ResourceRow's fields),
    each followed by the stamp of its bookings on `day`, and the reason the space is closed
    that day (None: open); one query.

    Written in SQL once per process: built by the ORM (three filtered aggregates over a join)
    it cost 2 ms a request to compile, for a query the database answers in a tenth of that."""
    start, end = _day_bounds(space, day)
    ops = connection.ops
    params = [space.pk, ops.adapt_datefield_value(day)]
    params += [ops.adapt_datetimefield_value(end), ops.adapt_datetimefield_value(start)]
    params += [space.pk, True, ResourceKind.FIXED_DESK.value]
    if kind:
        params.append(kind)
    with connection.cursor() as cursor:
        cursor.execute(_resources_sql(connection.vendor, bool(kind)), params)
        rows = cursor.fetchall()
    if not rows:  # no resource to carry the closure: ask for it alone
        closed = ClosedDay.objects.filter(space=space, date=day).first()
        return [], None if closed is None else closed.reason
    return [(*row[1:6], _decimal(row[6]), *row[7:]) for row in rows], rows[0][0]


def _decimal(value) -> Decimal | None:
    # SQLite hands a decimal column back as a number: the calendar reads a Decimal.
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


@functools.cache
def _resources_sql(vendor: str, with_kind: bool) -> str:
    qn = connection.ops.quote_name

    def r(name: str) -> str:
        return sql.column(Resource, name, "r")

    def b(name: str) -> str:
        return sql.column(Booking, name, "b")

    def c(name: str) -> str:
        return sql.column(ClosedDay, name)

    shown = ", ".join(r(f) for f in ("id", "kind", "name", "capacity", "seats", "credits_per_hour"))
    closed = (
        f"(SELECT {c('reason')} FROM {qn(ClosedDay._meta.db_table)} "  # noqa: S608
        f"WHERE {c('space')} = %s AND {c('date')} = %s)"
    )
    # Only names from the models' metadata go into the text; every value is a parameter.
    return (
        f"SELECT {closed}, {shown}, COUNT({b('id')}), MAX({b('id')}), SUM({b('sequence')}) "  # noqa: S608
        f"FROM {qn(Resource._meta.db_table)} r "
        f"LEFT JOIN {qn(Booking._meta.db_table)} b ON {b('resource')} = {r('id')} "
        f"AND {b('starts_at')} < %s AND {b('ends_at')} > %s "
        f"WHERE {r('space')} = %s AND {r('is_active')} = %s AND {r('kind')} <> %s"
        + (f" AND {r('kind')} = %s" if with_kind else "")
        + f" GROUP BY {r('id')} ORDER BY {r('space')}, {r('position')}, {r('name')}"
    )


def day_grid(
    *,
    space: Space,
    day: dt.date,
    viewer_record: Member,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[DayCalendar, SafeString]:
    """The day calendar of `space` for this viewer and its rows' HTML (1 query when the rows
    are in memory, 2 when they are drawn)."""
    now = now or timezone.now()
    staff = viewer_record.is_staff
    resources, closed_reason = _resources(space, day, kind)
    ranges = space.hours_on(day.weekday())
    not_before = _not_before(space, day, now)
    minute = None
    if day == today_in(space, now):
        moment = local(now, space)
        minute = moment.hour * 60 + moment.minute
    key = (
        space.pk, str(space.tz), day, kind or "", translation.get_language(), staff,
        not_before, minute, tuple(tuple(r) for r in ranges),
        closed_reason, tuple(resources),
    )  # fmt: skip
    texts = _Texts.now()
    entry = cache.get(key)
    if entry is None:
        rows = [ResourceRow(*r[:6], space=space) for r in resources]
        calendar = day_calendar(
            space=space, day=day, viewer_record=None, resources=rows, now=now,
            show_names=staff,
            closed=None if closed_reason is None else ClosedDay(space=space, date=day, reason=closed_reason),
        )  # fmt: skip
        now_marker = _now_marker(calendar)
        entry = _Entry(
            calendar=calendar,
            rows=tuple(_row_html(line, texts, now_marker, staff=staff) for line in calendar.lines),
            owners=tuple(_owners(line) for line in calendar.lines),
            born=time.monotonic(),
        )
        cache.put(key, entry)
    calendar = entry.calendar
    mine = viewer_record.pk
    if not any(mine in owners for owners in entry.owners):
        return calendar, mark_safe("\n".join(entry.rows))  # noqa: S308 (escaped when drawn)
    # Rows holding the viewer's own bookings, drawn again for them (and kept for them).
    personal_key = (*key, "viewer", mine)
    personal = cache.get(personal_key)
    if personal is not None:
        return calendar, mark_safe(personal.rows[0])  # noqa: S308 (escaped when drawn)
    window = _window([ranges])
    now_marker = _now_marker(calendar)
    out = list(entry.rows)
    for i, owners in enumerate(entry.owners):
        if mine not in owners:
            continue
        line = calendar.lines[i]
        bookings = [b.booking for b in line.blocks if b.booking is not None]
        blocks = _line_blocks(
            resource=line.resource, day=day, ranges=ranges, window=window, bookings=bookings,
            viewer_record=viewer_record, not_before=not_before, show_names=staff,
        )  # fmt: skip
        out[i] = _row_html(Line(line.resource, day, blocks), texts, now_marker, staff=staff)
    html = "\n".join(out)
    cache.put(personal_key, _Entry(calendar, (html,), (), time.monotonic()))
    return calendar, mark_safe(html)  # noqa: S308 (escaped when drawn)


def _owners(line: Line) -> frozenset[int]:
    """Members who would see a booking of theirs on this row (its member, who booked it)."""
    ids: set[int] = set()
    for block in line.blocks:
        if block.booking is not None:
            ids.add(block.booking.member_id)
            if block.booking.booked_by_id is not None:
                ids.add(block.booking.booked_by_id)
    return frozenset(ids)
