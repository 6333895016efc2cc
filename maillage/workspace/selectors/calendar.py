"""The day and week calendars, availability across spaces, a member's bookings."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone

from maillage.core import sql
from maillage.core.models import Member, Space
from maillage.workspace import rules
from maillage.workspace.allowances import Allowance, allowance_for
from maillage.workspace.models import (
    Booking,
    BookingStatus,
    ClosedDay,
    Resource,
    ResourceKind,
)
from maillage.workspace.selectors.common import (
    QUARTER,
    _day_bounds,
    _hhmm,
    _minute_of,
    local,
    today_in,
)

# --- the day and week calendars --------------------------------------------------------------

_READ = object()  # day_calendar(closed=...): not given, read it


# What a calendar reads of a booking (not its amounts: fewer columns, no Decimal conversions).
CALENDAR_FIELDS = (
    "id", "resource_id", "seat", "member_id", "booked_by_id", "title", "starts_at", "ends_at",
    "status",
)  # fmt: skip


@dataclass(slots=True)
class ResourceRow:
    """What a day calendar reads of a resource: a plain row, much cheaper than a model
    instance (a day of 50 rooms is read on every calendar page)."""

    pk: int
    kind: str
    name: str
    capacity: int
    seats: int
    credits_per_hour: Decimal | None
    space: Space

    def get_kind_display(self) -> str:
        return str(ResourceKind(self.kind).label)


@dataclass(slots=True)
class BookingRow:
    """What a calendar reads of a booking."""

    pk: int
    resource_id: int
    seat: int
    member_id: int
    booked_by_id: int | None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    member_name: str = ""


def _who(booking) -> str:
    if isinstance(booking, BookingRow):
        return booking.member_name
    return booking.member.user.get_full_name()


@dataclass
class Block:
    """A run of time on a resource's line: free (a link to book it), booked, closed or past."""

    kind: str  # "free", "mine", "busy", "full", "closed", "past"
    start: int  # minutes since local midnight
    end: int
    label: str = ""
    booking: Booking | None = None
    href: str = ""
    seats_free: int | None = None
    col_start: int = 1  # CSS grid lines of the block in the calendar's window
    col_end: int = 2

    @property
    def start_label(self) -> str:
        return _hhmm(self.start)

    @property
    def end_label(self) -> str:
        return _hhmm(self.end)


@dataclass
class Line:
    """One resource on one day, as blocks between the window's opening and closing."""

    resource: Resource
    day: dt.date
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Window:
    opens: int  # minutes since midnight
    closes: int

    @property
    def quarters(self) -> int:
        return max(1, (self.closes - self.opens) // QUARTER)

    def column(self, minute: int) -> int:
        """The CSS grid line (1-based) of a minute of the day."""
        return (min(max(minute, self.opens), self.closes) - self.opens) // QUARTER + 1

    def hours(self) -> list[tuple[str, int]]:
        first = -(-self.opens // 60) * 60
        return [(_hhmm(m), self.column(m)) for m in range(first, self.closes, 60)]


def _window(ranges: Iterable[Sequence[Sequence[str]]]) -> Window | None:
    pairs = [(rules.minutes_of(a), rules.minutes_of(b)) for day in ranges for a, b in day]
    if not pairs:
        return None
    opens = min(a for a, _ in pairs) // 60 * 60
    closes = -(-max(b for _, b in pairs) // 60) * 60
    return Window(opens, min(closes, 1440))


def book_href(resource_id: int, day: dt.date, start: int, end: int) -> str:
    # Written out rather than urlencode()d: the values are an id, an ISO date and HH:MM times,
    # none of which needs quoting, and this runs for every free block of a calendar.
    return (
        f"/bookings/new/?resource={resource_id}&day={day.isoformat()}"
        f"&start={_hhmm(start)}&end={_hhmm(end)}"
    )


def _free_between(
    open_pairs: list[tuple[int, int]], spans: list, window: Window, not_before: int
) -> list[Block]:
    """A room's day without its bookings: closed, past and free runs, in one pass (the
    bookings themselves are drawn apart). `spans` are (start, end, booking), in start order."""
    out: list[Block] = []

    def add(kind: str, start: int, end: int) -> None:
        if start >= end:
            return
        if out and out[-1].kind == kind and out[-1].end == start:
            out[-1].end = end
        else:
            out.append(Block(kind, start, end))

    def add_open(start: int, end: int) -> None:
        cut = min(max(not_before, start), end)
        add("past", start, cut)
        add("free", cut, end)

    busy = sorted((s, e) for s, e, _b in spans)
    cursor = window.opens
    for a, b in open_pairs:
        a, b = max(a, window.opens), min(b, window.closes)
        if a >= b:
            continue
        add("closed", cursor, a)
        position = a
        for s, e in busy:
            if e <= position or s >= b:
                continue
            add_open(position, min(s, b))
            position = max(position, e)
        add_open(position, b)
        cursor = max(cursor, b)
    add("closed", cursor, window.closes)
    return out


def _line_blocks(
    *,
    resource: Resource,
    day: dt.date,
    ranges: Sequence[Sequence[str]],
    window: Window,
    bookings: Sequence[Booking],
    viewer_record: Member | None,
    not_before: int,
    show_names: bool,
) -> list[Block]:
    """Cut the window of one resource's day into blocks.

    Rooms: each booking is a block; free time between them is a link. Hot desks: the day is
    cut where the number of seats taken changes; "full" where none is left.
    """
    space = resource.space
    open_pairs = sorted((rules.minutes_of(a), rules.minutes_of(b)) for a, b in ranges)
    # Points where something changes: opening edges, booking edges, "now".
    spans = [
        (_minute_of(b.starts_at, space, day), _minute_of(b.ends_at, space, day), b)
        for b in bookings
    ]
    blocks: list[Block] = []
    if resource.seats == 1:
        for s, e, booking in spans:
            mine = viewer_record is not None and viewer_record.pk in (
                booking.member_id,
                booking.booked_by_id,
            )
            if mine:
                label = booking.title
            elif show_names:
                label = _who(booking)
            else:
                label = ""
            start, end = max(s, window.opens), min(e, window.closes)
            if start < end:
                kind = "mine" if mine else "busy"
                blocks.append(Block(kind, start, end, label=label, booking=booking))
    if resource.seats == 1:
        segments = _free_between(open_pairs, spans, window, not_before)
    else:
        cuts = {window.opens, window.closes, not_before}
        for a, b in open_pairs:
            cuts.update((a, b))
        for s, e, _b in spans:
            cuts.update((s, e))
        points = sorted(c for c in cuts if window.opens <= c <= window.closes)

        def is_open(minute: int) -> bool:
            return any(a <= minute < b for a, b in open_pairs)

        segments: list[Block] = []
        for start, end in itertools.pairwise(points):
            if start >= end:
                continue
            taken = [b for s, e, b in spans if s <= start < e]
            if not is_open(start):
                kind = "closed"
            elif resource.seats == 1 and taken:
                continue  # drawn above as the booking's own block
            elif end <= not_before:
                kind = "past"
            elif resource.seats > 1 and len(taken) >= resource.seats:
                kind = "full"
            else:
                kind = "free"
            # A past run is one block, however many seats were taken along it.
            seats_free = resource.seats - len(taken) if resource.seats > 1 else None
            if kind == "past":
                seats_free = None
            previous = segments[-1] if segments else None
            if (
                previous is not None
                and previous.kind == kind
                and previous.end == start
                and previous.seats_free == seats_free
            ):
                previous.end = end
            else:
                segments.append(Block(kind, start, end, seats_free=seats_free))
    blocks.extend(segments)
    for block in blocks:
        block.col_start, block.col_end = window.column(block.start), window.column(block.end)
        if block.kind == "free":
            block.href = book_href(resource.pk, day, block.start, min(block.end, block.start + 60))
    blocks.sort(key=lambda b: (b.start, b.end))
    return blocks


@dataclass
class DayCalendar:
    space: Space
    day: dt.date
    window: Window | None
    lines: list[Line]
    closed_reason: str | None  # None: open; "" closed without a reason
    now_minute: int | None  # where "now" is, today, within the window

    @property
    def now_percent(self) -> float | None:
        if self.now_minute is None or self.window is None:
            return None
        span = self.window.closes - self.window.opens
        return round(100 * (self.now_minute - self.window.opens) / span, 2)

    @property
    def is_closed(self) -> bool:
        return self.closed_reason is not None


def day_calendar(
    *,
    space: Space,
    day: dt.date,
    viewer_record: Member | None,
    kind: str | None = None,
    resources: Sequence[Resource] | None = None,
    now: dt.datetime | None = None,
    show_names: bool | None = None,
    closed: ClosedDay | object | None = _READ,
) -> DayCalendar:
    """Every bookable resource of `space` on local `day` (3 queries).

    `show_names` (default: whether the viewer is staff) puts who booked on others' blocks;
    `closed`, when the caller has read it, is the space's closure that day (or None)."""
    now = now or timezone.now()
    if resources is None:
        qs = Resource.objects.filter(space=space, is_active=True).exclude(
            kind=ResourceKind.FIXED_DESK
        )
        if kind:
            qs = qs.filter(kind=kind)
        resources = [
            ResourceRow(*row, space=space)
            for row in qs.values_list("pk", "kind", "name", "capacity", "seats", "credits_per_hour")
        ]
    else:
        for resource in resources:
            resource.space = space
    if closed is _READ:
        closed = ClosedDay.objects.filter(space=space, date=day).first()
    ranges = space.hours_on(day.weekday())
    if closed is not None or not ranges:
        reason = closed.reason if closed is not None else ""
        return DayCalendar(space, day, None, [Line(r, day) for r in resources], reason, None)
    window = _window([ranges])
    if show_names is None:
        show_names = viewer_record is not None and viewer_record.is_staff
    start, end = _day_bounds(space, day)
    fields = [f for f in CALENDAR_FIELDS if f != "status"]
    if show_names:
        fields.append("member__user__full_name")
    rows = (
        Booking.objects.confirmed()
        .filter(resource__in=[r.pk for r in resources])
        .overlapping(start, end)
        .order_by("starts_at")
        .values_list(*fields)
    )
    by_resource: dict[int, list[BookingRow]] = defaultdict(list)
    for row in rows:
        booking = BookingRow(*row)
        by_resource[booking.resource_id].append(booking)
    not_before = _not_before(space, day, now)
    lines = [
        Line(
            resource,
            day,
            _line_blocks(
                resource=resource,
                day=day,
                ranges=ranges,
                window=window,
                bookings=by_resource.get(resource.pk, []),
                viewer_record=viewer_record,
                not_before=not_before,
                show_names=show_names,
            ),
        )
        for resource in resources
    ]
    now_minute = None
    if day == today_in(space, now):
        moment = local(now, space)
        minute = moment.hour * 60 + moment.minute
        if window.opens <= minute < window.closes:
            now_minute = minute
    return DayCalendar(space, day, window, lines, None, now_minute)


def _not_before(space: Space, day: dt.date, now: dt.datetime) -> int:
    """The minute of `day` before which its time is past (on a quarter-hour)."""
    today = today_in(space, now)
    if day < today:
        return 1440
    if day == today:
        moment = local(now, space)
        return moment.hour * 60 + moment.minute // QUARTER * QUARTER
    return 0


@dataclass
class WeekDay:
    day: dt.date
    blocks: list[Block]
    closed_reason: str | None
    is_today: bool


@dataclass
class WeekCalendar:
    resource: Resource
    monday: dt.date
    window: Window | None
    days: list[WeekDay]


def week_calendar(
    *,
    resource: Resource,
    monday: dt.date,
    viewer_record: Member | None,
    now: dt.datetime | None = None,
) -> WeekCalendar:
    """One resource over the week starting `monday` (2 queries)."""
    now = now or timezone.now()
    space = resource.space
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    closed = dict(
        ClosedDay.objects.filter(space=space, date__gte=days[0], date__lte=days[-1]).values_list(
            "date", "reason"
        )
    )
    window = _window([space.hours_on(d.weekday()) for d in days])
    start, _ = _day_bounds(space, days[0])
    _, end = _day_bounds(space, days[-1])
    show_names = viewer_record is not None and viewer_record.is_staff
    bookings = (
        Booking.objects.confirmed()
        .filter(resource=resource)
        .overlapping(start, end)
        .only(*CALENDAR_FIELDS)
    )
    if show_names:
        bookings = bookings.select_related("member__user")
    bookings = list(bookings.order_by("starts_at"))
    today = today_in(space, now)
    moment = local(now, space)
    out = []
    for day in days:
        ranges = space.hours_on(day.weekday())
        reason = closed.get(day)
        if window is None or reason is not None or not ranges:
            out.append(WeekDay(day, [], reason or "", day == today))
            continue
        day_start, day_end = _day_bounds(space, day)
        mine = [b for b in bookings if b.starts_at < day_end and b.ends_at > day_start]
        if day < today:
            not_before = 1440
        elif day == today:
            not_before = moment.hour * 60 + moment.minute // QUARTER * QUARTER
        else:
            not_before = 0
        blocks = _line_blocks(
            resource=resource,
            day=day,
            ranges=ranges,
            window=window,
            bookings=mine,
            viewer_record=viewer_record,
            not_before=not_before,
            show_names=show_names,
        )
        out.append(WeekDay(day, blocks, None, day == today))
    return WeekCalendar(resource, monday, window, out)


# --- availability across the operator's spaces ------------------------------------------------


@dataclass(frozen=True)
class Available:
    resource: Resource
    seats_free: int


def free_resources(
    *,
    resources: QuerySet[Resource],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int = 1,
) -> list[Available]:
    """Resources (of several spaces) with a seat free over [starts_at, ends_at), open then and
    not closed that day (3 queries)."""
    candidates = list(
        resources.filter(is_bookable=True, capacity__gte=capacity).select_related("space")
    )
    taken = dict(
        Booking.objects.confirmed()
        .filter(resource__in=[r.pk for r in candidates])
        .overlapping(starts_at, ends_at)
        .values("resource")
        .annotate(n=Count("pk"))
        .values_list("resource", "n")
    )
    days = {r.space_id: local(starts_at, r.space).date() for r in candidates}
    closed = set(
        ClosedDay.objects.filter(space_id__in=days, date__in=set(days.values())).values_list(
            "space_id", "date"
        )
    )
    out = []
    for resource in candidates:
        space = resource.space
        day = days[space.pk]
        if (space.pk, day) in closed:
            continue
        if not rules.within_opening(starts_at, ends_at, space.tz, space.hours_on(day.weekday())):
            continue
        free = resource.seats - taken.get(resource.pk, 0)
        if free > 0:
            out.append(Available(resource, free))
    return out


# --- a member's bookings ---------------------------------------------------------------------


_UPCOMING_PARTS = ((Booking, "b"), (Resource, "r", "b", "resource"), (Space, "s", "r", "space"))


@functools.cache
def _upcoming_sql(vendor: str) -> str:
    col = sql.column
    return (
        f"SELECT {sql.columns(_UPCOMING_PARTS)} {sql.source(_UPCOMING_PARTS)} "
        f"WHERE {col(Booking, 'member', 'b')} = %s AND {col(Booking, 'status', 'b')} = %s "
        f"AND {col(Booking, 'ends_at', 'b')} > %s "
        f"ORDER BY {col(Booking, 'starts_at', 'b')}, {col(Booking, 'id', 'b')} LIMIT %s"
    )


def member_upcoming_bookings(member: Member, *, limit: int = 5, now: dt.datetime | None = None):
    """The member's confirmed bookings not over yet, soonest first, with resource and space.
    Every home page asks: written in SQL once (core/sql.py), the ORM took longer to compile."""
    params = [
        member.pk,
        str(BookingStatus.CONFIRMED),
        sql.prep(Booking, "ends_at", now or timezone.now()),
        limit,
    ]
    rows = sql.fetch(_upcoming_sql(connection.vendor), params)
    return [booking for booking, *_ in sql.instances(_UPCOMING_PARTS, rows)]


def member_past_bookings(member: Member, *, limit: int = 20, now: dt.datetime | None = None):
    return list(
        Booking.objects.filter(member=member, ends_at__lte=now or timezone.now())
        .select_related("resource__space")
        .order_by("-starts_at")[:limit]
    )


def member_cancelled_bookings(member: Member, *, limit: int = 10, now: dt.datetime | None = None):
    return list(
        Booking.objects.filter(
            member=member, status=BookingStatus.CANCELLED, ends_at__gt=now or timezone.now()
        )
        .select_related("resource__space")
        .order_by("starts_at")[:limit]
    )


@dataclass(frozen=True)
class Estimate:
    """What a booking would cost, before it is made (the booking form's aside)."""

    minutes: int
    credits: Decimal
    price: Decimal
    allowance: Allowance


def booking_estimate(
    *, resource: Resource, member: Member, starts_at: dt.datetime, ends_at: dt.datetime
) -> Estimate:
    minutes = rules.elapsed_minutes(starts_at, ends_at)
    day = local(starts_at, resource.space).date()
    return Estimate(
        minutes=minutes,
        credits=rules.cost(
            minutes,
            resource.credits_per_hour,
            resource.credits_per_half_day,
            resource.credits_per_day,
        ),
        price=rules.cost(
            minutes, resource.price_per_hour, resource.price_per_half_day, resource.price_per_day
        ),
        allowance=allowance_for(member, day),
    )
