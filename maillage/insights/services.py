"""Recompute the pre-aggregated insights of an operator from the activity ledger.

`insights_recompute(operator=..., full=False)` is the one write of this app; the nightly
command, the task and the tests call it. Three steps, each in SQL where the data is big:

1. **Daily counts.** The ledger is condensed into `DailyActivityCount` with one
   `INSERT … SELECT … GROUP BY` (member, space, local day, kind). Full: every line of the
   operator. Incremental: the ledger lines after the watermark (`InsightsState.counted_up_to`,
   the largest ledger id counted) say which days changed; those days are counted again
   entirely, so a line written late with an earlier date is counted too and running twice
   changes nothing.
2. **Engagement snapshots.** The daily counts of the days to compute (the month ends of a
   full run together, then today) are read once, summed by member, day and kind in SQL and
   streamed in member order; each member's lines are binned in weeks back from each day and
   go through the pure `engagement` module. Cohort figures (seasonality, roaming) take one
   query for all the days (conditional aggregation). Today's run starts its levels from the
   previous snapshot (hysteresis); month ends are computed once, and again on a full run.
3. **Indicators.** For the current and previous months (the last `history_months` on a full
   run) and quarters: aggregates per space in SQL, one GROUP BY per window for all its
   periods (the period is one more key), over the daily counts and the snapshots; then the
   pure `indicators` registry, small-cell suppression, and rows of `IndicatorValue`.

Writes are plain tuples sent in batches (`COPY` on PostgreSQL), not model instances; the
three derived tables do not have the database check their foreign keys again (see
`models.py`). Memory stays bounded: nothing holds more than one member's lines and one batch
of rows, besides the operator's member records (ids, dates, home space) for each day.
"""

from __future__ import annotations

import calendar
import collections
import datetime as dt
import functools
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, IntegerField, Max, Min, Q, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from maillage.core import sql
from maillage.core.mail import deliverable
from maillage.core.models import Activity, ActivityKind, Member, Operator, Role, Space
from maillage.insights import engagement as eng
from maillage.insights import indicators as ind
from maillage.insights import offer as offers
from maillage.insights.models import (
    DailyActivityCount,
    EngagementSettings,
    IndicatorValue,
    InsightsState,
    MemberEngagementSnapshot,
)

logger = logging.getLogger(__name__)

MEMBER_ROLES = (Role.MEMBER, Role.GUEST)  # staff are not segmented
WRITE_BATCH = 5_000  # rows per executemany where there is no COPY
HISTORY_MONTHS = 12
PREVIOUS_LEVEL_MAX_AGE = 35  # days: an older snapshot is too stale to start hysteresis from
EVENT_KINDS = (ActivityKind.ATTENDED, ActivityKind.HOSTED)


@dataclass
class RecomputeReport:
    operator_id: int
    as_of: dt.date
    full: bool
    counted_lines: int = 0  # ledger lines read into daily counts
    recounted_days: int = 0
    snapshots: int = 0
    snapshot_days: list[dt.date] = field(default_factory=list)
    indicator_values: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)


def engagement_config(operator: Operator | int) -> eng.EngagementConfig:
    """The operator's engagement configuration: the defaults with its own changes."""
    operator_id = operator if isinstance(operator, int) else operator.pk
    # Read on every member home page: SQL written once (core/sql.py).
    found = sql.select(EngagementSettings, [("operator", "=", operator_id)], limit=1)
    settings = found[0] if found else None
    if settings is None or not settings.overrides:
        return eng.DEFAULT_CONFIG
    return eng.DEFAULT_CONFIG.with_overrides(settings.overrides)


def offer_declared(operator: Operator | int) -> tuple[str, ...]:
    """The parts of its offer the operator declared. By default every measurable part, but
    roaming for an operator with a single space (nobody could use it: it would cap everyone's
    share)."""
    operator_id = operator if isinstance(operator, int) else operator.pk
    settings = EngagementSettings.objects.filter(operator_id=operator_id).first()
    if settings is not None and settings.offer:
        return offers.declared(settings.offer)
    parts = offers.declared(None)
    if Space.objects.filter(operator_id=operator_id).count() < 2:
        parts = tuple(p for p in parts if not offers.BY_KEY[p].roaming)
    return parts


def offer_update(*, by: Member, keys: Iterable[str]) -> tuple[str, ...]:
    """Declare what the operator's offer contains (admins only: checked by the view's gate).
    At least one part; unknown parts are refused. The operator's figures are recomputed by a
    task (this month's; past months keep the offer they were computed with)."""
    from maillage.core.errors import DomainError
    from maillage.insights import tasks

    keys = list(dict.fromkeys(keys))
    if not keys:
        raise DomainError(gettext("Choose at least one part of your offer."), field="offer")
    try:
        parts = offers.declared(keys)
    except offers.OfferError as error:
        unknown = ", ".join(sorted(set(keys) - set(offers.BY_KEY)))
        raise DomainError(
            gettext("Unknown parts of the offer: %(keys)s.") % {"keys": unknown}, field="offer"
        ) from error
    if not offers.measured(parts):
        raise DomainError(
            gettext(
                "Tick at least one part Maillage can see (the workspace, events…): the share "
                "of the offer used is counted over those."
            ),
            field="offer",
        )
    with transaction.atomic():
        settings, _ = EngagementSettings.objects.get_or_create(operator_id=by.operator_id)
        settings.offer = list(parts)
        settings.save(update_fields=["offer", "updated_at"])
        operator_id = by.operator_id
        transaction.on_commit(lambda: tasks.insights_recompute.enqueue(operator_id=operator_id))
    return parts


def insights_recompute(
    *,
    operator: Operator,
    full: bool = False,
    today: dt.date | None = None,
    history_months: int = HISTORY_MONTHS,
    progress: Callable[[str], None] | None = None,
) -> RecomputeReport:
    """Bring the operator's daily counts, snapshots and indicators up to `today`.

    Incremental by default (only the days with new ledger lines are counted again); `full`
    counts the whole ledger again and recomputes `history_months` months of history.
    """
    started = time.monotonic()
    today = today or timezone.localdate()
    say = progress or (lambda message: None)
    config = engagement_config(operator)
    report = RecomputeReport(operator_id=operator.pk, as_of=today, full=full)
    state, _ = InsightsState.objects.get_or_create(operator=operator)
    first_run = state.refreshed_at is None
    full = full or first_run

    def step(name: str, began: float) -> None:
        report.steps[name] = round(time.monotonic() - began, 3)
        say(f"  {name}: {report.steps[name]:.1f} s")

    began = time.monotonic()
    report.counted_lines, report.recounted_days = _refresh_counts(operator, state, full=full)
    refresh_statistics(DailyActivityCount)
    step("daily counts", began)

    began = time.monotonic()
    # Segments need weeks of history: none for month ends too close to the ledger's start.
    first_day = DailyActivityCount.objects.filter(operator=operator).aggregate(first=Min("day"))[
        "first"
    ]
    warm_up = dt.timedelta(days=7 * config.window_weeks)
    month_ends = [
        day
        for day in _month_ends(today, history_months if full else 1)
        if first_day is not None and day >= first_day + warm_up
    ]
    existing = set(
        MemberEngagementSnapshot.objects.filter(operator=operator, day__in=month_ends)
        .values_list("day", flat=True)
        .distinct()
    )
    past = [day for day in month_ends if full or day not in existing]
    report.snapshots += _snapshot(operator, past, config, current=False)  # one pass for all
    report.snapshots += _snapshot(operator, [today], config, current=True)
    report.snapshot_days += [*past, today]
    _prune_snapshots(operator, today)
    refresh_statistics(MemberEngagementSnapshot)
    step("engagement", began)

    began = time.monotonic()
    report.indicator_values = _indicators(operator, today, history_months if full else 1)
    step("indicators", began)

    report.seconds = time.monotonic() - started
    state.as_of = today
    state.refreshed_at = timezone.now()
    if full:
        state.full_at = state.refreshed_at
    state.seconds = report.seconds
    state.save()
    return report


def refresh_statistics(model) -> None:
    """On PostgreSQL, gather the planner's statistics of a table the recompute rewrites in bulk
    once more than a tenth of it changed since they were last gathered. Autovacuum would too,
    but later: meanwhile the next operator's queries would be planned for a table a fraction
    of its size (operator by operator, a full recompute fills it from empty)."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables "
            "WHERE relid = %s::regclass",
            [table],
        )
        changed, rows = cursor.fetchone() or (0, 0)
        if changed > 1_000 + rows // 10:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


# --- 1. daily counts -------------------------------------------------------------------------


def _count_rows(ledger) -> tuple[str, list]:
    """The SELECT that condenses ledger lines into daily counts, in the table's column order."""
    rows = (
        ledger.exclude(kind=ActivityKind.JOINED)
        .annotate(day=TruncDate("occurred_at"))
        .values("operator_id", "member_id", "space_id", "day", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _insert_counts(ledger) -> int:
    sql, params = _count_rows(ledger)
    table = DailyActivityCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (operator_id, member_id, space_id, day, kind, n) {sql}",
            params,
        )
        return max(cursor.rowcount, 0)


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, zone)
    return start, end


def _refresh_counts(operator: Operator, state: InsightsState, *, full: bool) -> tuple[int, int]:
    """Count the ledger into daily counts; return (ledger lines read, days counted again)."""
    top = Activity.objects.aggregate(top=Max("id"))["top"] or 0
    ledger = Activity.objects.filter(operator=operator, id__lte=top)
    with transaction.atomic():
        if full:
            DailyActivityCount.objects.filter(operator=operator).delete()
            _insert_counts(ledger)
            lines = ledger.count()
            days = -1
        else:
            fresh = ledger.filter(id__gt=state.counted_up_to)
            changed = sorted(
                set(
                    fresh.annotate(day=TruncDate("occurred_at"))
                    .values_list("day", flat=True)
                    .distinct()
                    .order_by()
                )
            )
            lines = fresh.count() if changed else 0
            for first, last in _runs(changed):
                start, _ = local_day_bounds(first)
                _, end = local_day_bounds(last)
                DailyActivityCount.objects.filter(
                    operator=operator, day__gte=first, day__lte=last
                ).delete()
                _insert_counts(ledger.filter(occurred_at__gte=start, occurred_at__lt=end))
            days = len(changed)
        state.counted_up_to = top
        state.save(update_fields=["counted_up_to"])
    return lines, days


def _runs(days: list[dt.date]) -> Iterator[tuple[dt.date, dt.date]]:
    """Consecutive days grouped into (first, last) ranges."""
    if not days:
        return
    first = last = days[0]
    for day in days[1:]:
        if day == last + dt.timedelta(days=1):
            last = day
            continue
        yield first, last
        first = last = day
    yield first, last


# --- 2. engagement snapshots -----------------------------------------------------------------


def _month_ends(today: dt.date, months: int) -> list[dt.date]:
    """The last days of the `months` months before today's, oldest first."""
    out = []
    year, month = today.year, today.month
    for _ in range(months):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return sorted(out)


def _week_expression(as_of: dt.date) -> RawSQL:
    """Whole weeks between a count's day and `as_of` (0 for the 7 days ending on it)."""
    # Constant SQL (our own table's column); the date is a bound parameter.
    column = f'"{DailyActivityCount._meta.db_table}"."day"'
    if connection.vendor == "postgresql":
        return RawSQL(f"((%s::date - {column}) / 7)", [as_of])  # noqa: S611
    sqlite = f"CAST((julianday(%s) - julianday({column})) / 7 AS INTEGER)"
    return RawSQL(sqlite, [as_of.isoformat()])  # noqa: S611


def _population(
    operator: Operator, as_of: dt.date, config: eng.EngagementConfig, first: dt.date | None = None
):
    """Member records segmented on `as_of`: members and guests who had joined, and had not
    left before the window (someone who left long ago is no longer "gone", just past). With
    `first`, those of every day from `first` to `as_of` together."""
    window_start = (first or as_of) - dt.timedelta(days=config.window_weeks * 7)
    return Member.objects.filter(
        operator=operator, role__in=MEMBER_ROLES, joined_on__lte=as_of
    ).filter(Q(left_on__isnull=True) | Q(left_on__gt=window_start))


def operator_seasonality(operator: Operator, as_of: dt.date, config: eng.EngagementConfig) -> float:
    """`engagement.seasonality` in SQL: days present per week lately vs in the baseline weeks,
    over members there for the whole baseline and still members."""
    return seasonalities(operator, [as_of], config)[0]


def seasonalities(
    operator: Operator, days: list[dt.date], config: eng.EngagementConfig
) -> list[float]:
    """`operator_seasonality` of each of `days`, in one query (two filtered counts a day)."""
    recent_weeks, base_weeks = config.drift_recent_weeks, config.drift_baseline_weeks
    windows = []
    for as_of in days:
        recent_start = as_of - dt.timedelta(days=7 * recent_weeks)
        base_start = recent_start - dt.timedelta(days=7 * base_weeks)
        cohort = Q(member__joined_on__lte=base_start + dt.timedelta(days=1)) & (
            Q(member__left_on__isnull=True) | Q(member__left_on__gt=as_of)
        )
        windows.append((base_start, recent_start, as_of, cohort))
    totals = DailyActivityCount.objects.filter(
        operator=operator,
        kind=ActivityKind.CHECKED_IN,
        day__gt=min(w[0] for w in windows),
        day__lte=max(days),
        member__role__in=MEMBER_ROLES,
    ).aggregate(
        **{
            f"{key}_{i}": Count("id", filter=cohort & Q(day__gt=low, day__lte=high))
            for i, (base_start, recent_start, as_of, cohort) in enumerate(windows)
            for key, low, high in (
                ("recent", recent_start, as_of),
                ("baseline", base_start, recent_start),
            )
        }
    )
    out = []
    for i in range(len(days)):
        recent, baseline = totals[f"recent_{i}"] or 0, totals[f"baseline_{i}"] or 0
        if not recent or not baseline:
            out.append(1.0)
        else:
            out.append((recent / recent_weeks) / (baseline / base_weeks))
    return out


@dataclass
class SnapshotDay:
    """What one day's snapshot needs besides each member's own activity."""

    as_of: dt.date
    members: dict[int, tuple]  # the population: {id: (joined_on, left_on, home_space_id)}
    seasonality: float = 1.0
    previous: dict[int, int] = field(default_factory=dict)  # levels to start hysteresis from
    last_event: dict[int, dt.date] = field(default_factory=dict)
    roamed: set[int] = field(default_factory=set)


def stream_activities(
    operator: Operator, days: list[SnapshotDay], config: eng.EngagementConfig, population
) -> Iterator[tuple[SnapshotDay, eng.MemberActivity]]:
    """Each member's weeks before each of `days` (week 0: the 7 days ending on that day), for
    the members of that day's population: the daily counts of all the days are read once, in
    member order (summed by member, day and kind in SQL), and binned in weeks here; then the
    members who did nothing in a day's window. `population`: a queryset holding at least
    every day's members (a subquery here, not 100,000 parameters)."""
    weeks = config.weeks_needed
    first = min(d.as_of for d in days) - dt.timedelta(days=7 * weeks)
    rows = (
        DailyActivityCount.objects.filter(
            operator=operator,
            day__gt=first,
            day__lte=max(d.as_of for d in days),
            member__in=population.values("pk"),
        )
        .values_list("member_id", "day", "kind")
        .annotate(total=Sum("n"))
        .order_by("member_id")
    )
    seen: list[set[int]] = [set() for _ in days]
    current: int | None = None
    lines: list[tuple[int, str, int]] = []  # the current member's (day ordinal, kind, total)

    def member_weeks() -> Iterator[tuple[SnapshotDay, eng.MemberActivity]]:
        for day, seen_on_day in zip(days, seen, strict=True):
            if current in day.members:
                activity = _binned(current, day, lines, weeks)
                if activity is not None:
                    seen_on_day.add(current)
                    yield day, activity

    for member_id, day, kind, total in _raw_rows(rows):
        if member_id != current:
            if current is not None:
                yield from member_weeks()
            current, lines = member_id, []
        lines.append((_as_date(day).toordinal(), kind, total))
    if current is not None:
        yield from member_weeks()
    for day, seen_on_day in zip(days, seen, strict=True):
        for member_id, (joined_on, left_on, _) in day.members.items():
            if member_id not in seen_on_day:
                activity = eng.MemberActivity(
                    member_id=member_id, joined_on=joined_on, left_on=left_on
                )
                yield day, activity


def _binned(
    member_id: int, day: SnapshotDay, lines: list[tuple[int, str, int]], weeks: int
) -> eng.MemberActivity | None:
    """A member's `MemberActivity` as of `day` from their daily counts (None when none of
    them falls in the `weeks` before it): lines by kind and week, days present by week."""
    end = day.as_of.toordinal()
    counts: dict[str, list[int]] = {}
    presence = [0] * weeks
    last_seen = None
    checked_in = str(ActivityKind.CHECKED_IN)
    for ordinal, kind, total in lines:
        back = end - ordinal
        if not 0 <= back < 7 * weeks:
            continue
        week = back // 7
        if kind == checked_in:
            presence[week] += 1  # one line per member, day and kind: one day present
        series = counts.get(kind)
        if series is None:
            series = counts[kind] = [0] * weeks
        series[week] += total
        if last_seen is None or ordinal > last_seen:
            last_seen = ordinal
    if last_seen is None:
        return None
    joined_on, left_on, _ = day.members[member_id]
    return eng.MemberActivity(
        member_id=member_id,
        joined_on=joined_on,
        counts=counts,
        presence=presence,
        last_seen_on=dt.date.fromordinal(last_seen),
        left_on=left_on,
    )


def _raw_rows(queryset, chunk: int = 20_000) -> Iterator[tuple]:
    """The queryset's rows as the database sends them, without Django's per-value converters
    (a quarter of the time on millions of rows), through a server-side cursor on PostgreSQL."""
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk):
            yield from batch


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _load_population(operator: Operator, as_of: dt.date, config: eng.EngagementConfig):
    """{id: (joined_on, left_on, home_space_id)} of the population, and its queryset."""
    queryset = _population(operator, as_of, config)
    members = {
        pk: (joined_on, left_on, space_id)
        for pk, joined_on, left_on, space_id in queryset.values_list(
            "pk", "joined_on", "left_on", "home_space_id"
        ).iterator(chunk_size=20_000)
    }
    return members, queryset


def _previous_levels(operator: Operator, as_of: dt.date) -> dict[int, int]:
    day = (
        MemberEngagementSnapshot.objects.filter(
            operator=operator,
            day__lt=as_of,
            day__gte=as_of - dt.timedelta(days=PREVIOUS_LEVEL_MAX_AGE),
        )
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if day is None:
        return {}
    return dict(
        MemberEngagementSnapshot.objects.filter(operator=operator, day=day).values_list(
            "member_id", "level"
        )
    )


def _snapshot_days(
    operator: Operator, days: list[dt.date], config: eng.EngagementConfig, *, current: bool
) -> list[SnapshotDay]:
    """The population of each day and what their engagement needs from the whole operator."""
    out = []
    roamed = _roamed(operator, days, config)
    for as_of, season in zip(days, seasonalities(operator, days, config), strict=True):
        members, _ = _load_population(operator, as_of, config)
        day = SnapshotDay(as_of=as_of, members=members, seasonality=season, roamed=roamed[as_of])
        if current:
            day.previous = _previous_levels(operator, as_of)
            day.last_event = dict(
                DailyActivityCount.objects.filter(
                    operator=operator, kind__in=EVENT_KINDS, day__lte=as_of
                )
                .values_list("member_id")
                .annotate(last=Max("day"))
                .order_by()
            )
        out.append(day)
    return out


def _snapshot(
    operator: Operator, days: list[dt.date], config: eng.EngagementConfig, *, current: bool
) -> int:
    """Compute and store every member's engagement on each of `days`, reading the daily
    counts once for them all. `current`: today's run, which starts levels from the previous
    snapshot and records the last event attended."""
    if not days:
        return 0
    contexts = _snapshot_days(operator, days, config, current=current)
    declared = offer_declared(operator)
    population = _population(operator, max(days), config, first=min(days))

    def row(day: SnapshotDay, activity: eng.MemberActivity) -> tuple:
        result = eng.engagement(
            activity,
            day.as_of,
            config,
            previous_level=day.previous.get(activity.member_id),
            seasonality=day.seasonality,
        )
        used: tuple[str, ...] = ()
        share = None
        if result.segment != eng.GONE:
            used = offers.used_components(
                _window_totals(activity, config.window_weeks),
                roamed=activity.member_id in day.roamed,
                declared_keys=declared,
            )
            share = offers.share(used, declared)
        return _snapshot_row(
            operator,
            day.as_of,
            day.members[activity.member_id][2],
            activity,
            result,
            day.last_event.get(activity.member_id),
            used,
            share,
        )

    rows = (row(day, a) for day, a in stream_activities(operator, contexts, config, population))
    with transaction.atomic():
        MemberEngagementSnapshot.objects.filter(operator=operator, day__in=days).delete()
        return write_rows(MemberEngagementSnapshot, SNAPSHOT_FIELDS, rows)


def _window_totals(activity: eng.MemberActivity, weeks: int) -> dict[str, int]:
    totals = {kind: sum(series[:weeks]) for kind, series in activity.counts.items()}
    totals[ActivityKind.CHECKED_IN] = sum(activity.presence[:weeks])
    return totals


def _roamed(
    operator: Operator, days: list[dt.date], config: eng.EngagementConfig
) -> dict[dt.date, set[int]]:
    """For each day, the members who checked in at a space of the operator other than their
    home in the window before it (one query for all the days: roaming is rare)."""
    window = dt.timedelta(days=7 * config.window_weeks)
    roaming = (
        DailyActivityCount.objects.filter(
            operator=operator,
            kind=ActivityKind.CHECKED_IN,
            day__gt=min(days) - window,
            day__lte=max(days),
            space__isnull=False,
            member__role__in=MEMBER_ROLES,
        )
        .exclude(space_id=F("member__home_space_id"))
        .values_list("member_id", "day")
        .distinct()
    )
    out: dict[dt.date, set[int]] = {day: set() for day in days}
    for member_id, seen in roaming:
        for day in days:
            if day - window < seen <= day:
                out[day].add(member_id)
    return out


SNAPSHOT_FIELDS = (
    "operator_id",
    "member_id",
    "home_space_id",
    "day",
    "level",
    "previous_level",
    "score",
    "trend",
    "segment",
    "reasons",
    "facts",
    "offer_used",
    "offer_share",
    "last_seen_on",
    "last_event_on",
)


def _snapshot_row(
    operator, as_of, home_space_id, activity, result, last_event_on, offer_used, offer_share
) -> tuple:
    """One `MemberEngagementSnapshot` as a plain tuple, in `SNAPSHOT_FIELDS` order."""
    return (
        operator.pk,
        result.member_id,
        home_space_id,
        as_of,
        result.level,
        result.previous_level,
        result.score,
        result.trend,
        result.segment,
        [list(code) for code in result.reason_codes],
        dict(result.facts),
        list(offer_used),
        offer_share,
        activity.last_seen_on,
        last_event_on,
    )


def write_rows(
    model, fields: Sequence[str], rows: Iterable[tuple], batch: int = WRITE_BATCH
) -> int:
    """Insert rows given as plain tuples (values in `fields` order, JSON fields as Python
    values) without building a model instance per row, `batch` rows at a time (the rows may
    come from a query still being read on the same connection): `COPY … FROM STDIN` on
    PostgreSQL, `executemany` elsewhere. Returns how many rows were written."""
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    # Constant SQL: our own table and column names.
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in columns)
    if connection.vendor == "postgresql":
        write = functools.partial(_copy_rows, f"COPY {table} ({names}) FROM STDIN", columns)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        write = functools.partial(_insert_rows, sql, columns)
    written = 0
    for chunk in _batched(rows, batch):
        write(chunk)
        written += len(chunk)
    return written


def _copy_rows(statement: str, columns, rows: list[tuple]) -> None:
    """PostgreSQL's COPY (JSON values sent as their text)."""
    is_json = [field.get_internal_type() == "JSONField" for field in columns]
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(v) if j and v is not None else v
                    for v, j in zip(row, is_json, strict=True)
                ]
            )


def _insert_rows(sql: str, columns, rows: list[tuple]) -> None:
    """One `executemany`, each value prepared by its field as Django would."""
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [f.get_db_prep_save(v, connection) for f, v in zip(columns, row, strict=True)]
                for row in rows
            ],
        )


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _prune_snapshots(operator: Operator, today: dt.date) -> None:
    """Keep month ends, and the last week's days (the previous level comes from them)."""
    days = (
        MemberEngagementSnapshot.objects.filter(
            operator=operator, day__lt=today - dt.timedelta(days=7)
        )
        .values_list("day", flat=True)
        .distinct()
    )
    stale = [d for d in days if (d + dt.timedelta(days=1)).day != 1]
    if stale:
        MemberEngagementSnapshot.objects.filter(operator=operator, day__in=stale).delete()


# --- 3. indicators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive: the period's last day, or today for the current one
    window: str


def periods(today: dt.date, months: int) -> list[Period]:
    """The current month and the `months` before it; the current quarter and enough before
    it to cover the same span."""
    out = []
    year, month = today.year, today.month
    for back in range(months + 1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        m += 1
        last = dt.date(y, m, calendar.monthrange(y, m)[1])
        out.append(Period(dt.date(y, m, 1), min(last, today), ind.MONTH))
    quarter_month = (today.month - 1) // 3 * 3 + 1
    for back in range(max(1, (months + 2) // 3 + 1)):
        y, m = divmod(year * 12 + quarter_month - 1 - 3 * back, 12)
        m += 1
        end_month = m + 2
        last = dt.date(y, end_month, calendar.monthrange(y, end_month)[1])
        out.append(Period(dt.date(y, m, 1), min(last, today), ind.QUARTER))
    return out


def period_aggregates(operator: Operator, period: Period) -> dict[int | None, dict]:
    """The `indicators.Aggregates` of each home space (key: space id) and of the operator
    (key: None) for one period, from the daily counts and the snapshots."""
    return aggregates_by_period(operator, [period])[period]


def aggregates_by_period(
    operator: Operator, periods: Sequence[Period]
) -> dict[Period, dict[int | None, dict]]:
    """`period_aggregates` of several periods that do not overlap (months, or quarters): each
    GROUP BY over the daily counts, the members and the snapshots runs once for them all,
    the period being one more key of the group (rows in space order, so that secondary
    suppression breaks ties the same way whatever the database)."""
    if not periods:
        return {}
    cells = {
        period: collections.defaultdict(
            lambda: {"contributions": [], "segments": collections.Counter()}
        )
        for period in periods
    }
    _count_aggregates(operator, periods, cells)
    _newcomers(operator, periods, cells)
    _segments(operator, periods, cells)
    for period in periods:
        spaces = cells[period]
        end_snapshots = MemberEngagementSnapshot.objects.filter(operator=operator, day=period.end)
        if period.window == ind.QUARTER:
            _conversion(operator, period, spaces)
            _business(operator, period, spaces)
        else:
            _answers(operator, period, spaces)
        _add_up(spaces)
        if period.window == ind.QUARTER:
            _ties(operator, period, end_snapshots, spaces)  # pairs across spaces: not a sum
    return {period: dict(spaces) for period, spaces in cells.items()}


def _period_of(field_name: str, periods: Sequence[Period], *, end: bool = False) -> Case:
    """SQL: the index in `periods` of the one holding the date in `field_name` (else NULL);
    with `end`, that period's last day instead."""
    return Case(
        *(
            When(
                **{f"{field_name}__gte": p.start, f"{field_name}__lte": p.end},
                then=Value(p.end if end else i),
            )
            for i, p in enumerate(periods)
        ),
        default=None,
        output_field=DateField() if end else IntegerField(),
    )


def _count_aggregates(operator: Operator, periods: Sequence[Period], cells: dict) -> None:
    """From the daily counts, by period and the member's home space: members active, present,
    at events, introduced (conditional aggregation), and each contributor's contributions."""
    counts = DailyActivityCount.objects.filter(
        operator=operator,
        day__gte=min(p.start for p in periods),
        day__lte=max(p.end for p in periods),
    ).annotate(period=_period_of("day", periods))
    distinct_member = lambda **q: Count("member_id", distinct=True, filter=Q(**q))  # noqa: E731
    # A member at the end of the row's period (joined by then, not left yet): active members
    # are among `members` (lines from before someone joined do not make them one).
    period_end = _period_of("day", periods, end=True)
    member_at_end = Q(member__joined_on__lte=period_end) & (
        Q(member__left_on__isnull=True) | Q(member__left_on__gt=period_end)
    )
    for row in (
        counts.filter(member__role__in=MEMBER_ROLES)
        .values("period", "member__home_space_id")
        .annotate(
            active_members=Count("member_id", distinct=True, filter=member_at_end),
            members_checked_in=distinct_member(kind=ActivityKind.CHECKED_IN),
            checkin_days=Count("id", filter=Q(kind=ActivityKind.CHECKED_IN)),
            members_attended=Count(
                "member_id", distinct=True, filter=Q(kind=ActivityKind.ATTENDED) & member_at_end
            ),
            attended=Sum("n", filter=Q(kind=ActivityKind.ATTENDED)),
            no_shows=Sum("n", filter=Q(kind=ActivityKind.NO_SHOW)),
            members_with_outcome=distinct_member(
                kind__in=(ActivityKind.ATTENDED, ActivityKind.NO_SHOW)
            ),
            introductions_accepted=Sum("n", filter=Q(kind=ActivityKind.INTRODUCTION_ACCEPTED)),
            members_accepted_introduction=distinct_member(kind=ActivityKind.INTRODUCTION_ACCEPTED),
        )
        .order_by("period", "member__home_space_id")
    ):
        index, space = row.pop("period"), row.pop("member__home_space_id")
        if index is not None:
            cells[periods[index]][space].update({k: v or 0 for k, v in row.items()})
    for index, space, _, contributed in (
        counts.filter(kind__in=ind.CONTRIBUTION_KINDS)
        .values_list("period", "member__home_space_id", "member_id")
        .annotate(total=Sum("n"))
        .order_by("period", "member__home_space_id", "member_id")
    ):
        if index is not None:
            cells[periods[index]][space]["contributions"].append(contributed)


def _newcomers(operator: Operator, periods: Sequence[Period], cells: dict) -> None:
    """Members (not staff) who joined in each period, by home space."""
    for index, space, n in (
        Member.objects.filter(
            operator=operator,
            role__in=MEMBER_ROLES,
            joined_on__gte=min(p.start for p in periods),
            joined_on__lte=max(p.end for p in periods),
        )
        .annotate(period=_period_of("joined_on", periods))
        .values_list("period", "home_space_id")
        .annotate(n=Count("id"))
        .order_by("period", "home_space_id")
    ):
        if index is not None:
            cells[periods[index]][space]["newcomers"] = n


def _segments(operator: Operator, periods: Sequence[Period], cells: dict) -> None:
    """From the snapshots of each period's last day: members by segment, current members, and
    who used which part of the offer, by home space."""
    by_end = {p.end: p for p in periods}
    snapshots = MemberEngagementSnapshot.objects.filter(operator=operator, day__in=list(by_end))
    for day, space, segment, n in (
        snapshots.values_list("day", "home_space_id", "segment")
        .annotate(n=Count("id"))
        .order_by("day", "home_space_id", "segment")
    ):
        cells[by_end[_as_date(day)]][space]["segments"][segment] += n
    for day, space, n in (
        # Members at that day: not left yet *then* (one who left later still counted).
        snapshots.filter(Q(member__left_on__isnull=True) | Q(member__left_on__gt=F("day")))
        .values_list("day", "home_space_id")
        .annotate(n=Count("id"))
        .order_by("day", "home_space_id")
    ):
        cells[by_end[_as_date(day)]][space]["members"] = n
    _offer_usage(operator, snapshots, {end: cells[p] for end, p in by_end.items()})


def _add_up(spaces: dict) -> None:
    """The operator's cell (key None) as the sum of its spaces' cells."""
    total = spaces[None]
    for space, cell in list(spaces.items()):
        if space is None:
            continue
        for key, value in cell.items():
            if key in ("contributions", "answer_hours"):
                total.setdefault(key, []).extend(value)
            elif isinstance(value, collections.Counter):
                total.setdefault(key, collections.Counter()).update(value)
            elif key == "offer_components":
                total[key] = value
            else:
                total[key] = total.get(key, 0) + value


def _period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return local_day_bounds(period.start)[0], local_day_bounds(period.end)[1]


def _answers(operator: Operator, period: Period, spaces: dict) -> None:
    """Hours from each ask posted in the period (by a member) to its first answer, by the
    asker's home space. Asks are told apart by the target of their "posted" line."""
    start, end = _period_bounds(period)
    ledger = Activity.objects.filter(operator=operator)
    posts = ledger.filter(
        kind=ActivityKind.POSTED,
        occurred_at__gte=start,
        occurred_at__lt=end,
        member__role__in=MEMBER_ROLES,
        target_id__isnull=False,
    )
    firsts = {
        (target_type, target_id): first
        for target_type, target_id, first in ledger.filter(
            kind=ActivityKind.ANSWERED,
            target_id__in=posts.values("target_id"),
            occurred_at__gte=start,
        )
        .values_list("target_type", "target_id")
        .annotate(first=Min("occurred_at"))
        .order_by()
    }
    askers: dict[int | None, set[int]] = collections.defaultdict(set)
    for target_type, target_id, member_id, space, posted in posts.values_list(
        "target_type", "target_id", "member_id", "member__home_space_id", "occurred_at"
    ):
        first = firsts.get((target_type, target_id))
        if first is None or first < posted:
            continue
        spaces[space].setdefault("answer_hours", []).append((first - posted).total_seconds() / 3600)
        askers[space].add(member_id)
    for space, members in askers.items():
        spaces[space]["askers_answered"] = len(members)


def _amount(payload) -> float | None:
    try:
        value = float((payload or {}).get("amount"))
    except (TypeError, ValueError):
        return None
    return value if value == value and value >= 0 else None  # not NaN, not negative


def _business(operator: Operator, period: Period, spaces: dict) -> None:
    """The amounts of the outcomes members recorded in the period, by their home space."""
    start, end = _period_bounds(period)
    declared: dict[int | None, set[int]] = collections.defaultdict(set)
    for member_id, space, payload in Activity.objects.filter(
        operator=operator,
        kind=ActivityKind.OUTCOME_RECORDED,
        occurred_at__gte=start,
        occurred_at__lt=end,
        member__role__in=MEMBER_ROLES,
    ).values_list("member_id", "member__home_space_id", "payload"):
        amount = _amount(payload)
        if amount is None:
            continue
        cell = spaces[space]
        cell["business_amount"] = cell.get("business_amount", 0.0) + amount
        declared[space].add(member_id)
    for space, members in declared.items():
        spaces[space]["members_declared_business"] = len(members)


def _ties(operator: Operator, period: Period, end_snapshots, spaces: dict) -> None:
    """Pairs of current members with a "met" line between them by the period's end: within
    each home space (both ends), and across the operator; with their companies."""
    from maillage.members.models import Profile

    _, end = _period_bounds(period)
    # Members at the period's end (one who left later still counted), as `members` counts them.
    at_end = Q(member__left_on__isnull=True) | Q(member__left_on__gt=period.end)
    home = dict(end_snapshots.filter(at_end).values_list("member_id", "home_space_id"))
    pairs = set()
    for a, b in (
        Activity.objects.filter(
            operator=operator,
            kind=ActivityKind.MET,
            occurred_at__lt=end,
            target_type="core.member",
            target_id__isnull=False,
        )
        .values_list("member_id", "target_id")
        .distinct()
        .order_by()
    ):
        if a != b and a in home and b in home:
            pairs.add((min(a, b), max(a, b)))
    ends = {m for pair in pairs for m in pair}
    company = (
        dict(
            Profile.objects.filter(member_id__in=ends, company__isnull=False).values_list(
                "member_id", "company_id"
            )
        )
        if ends
        else {}
    )
    for cell in spaces.values():
        for key in ("ties", "ties_companies_known", "ties_across_companies"):
            cell[key] = 0
    known_members: dict[int | None, set[int]] = collections.defaultdict(set)
    for a, b in pairs:
        cells = [None] + ([home[a]] if home[a] == home[b] else [])
        both_known = a in company and b in company
        for key in cells:
            cell = spaces[key]
            cell["ties"] += 1
            if both_known:
                cell["ties_companies_known"] += 1
                cell["ties_across_companies"] += company[a] != company[b]
                known_members[key].update((a, b))
    for key, members in known_members.items():
        spaces[key]["members_with_company_ties"] = len(members)


def _offer_usage(operator: Operator, snapshots, cells_by_day: dict) -> None:
    """Who used which declared part of the offer, by day, home space and segment (members
    not gone, who have a share)."""
    components = offers.measured(offer_declared(operator))
    for day, space, segment, used, share in (
        snapshots.filter(offer_share__isnull=False)
        .values_list("day", "home_space_id", "segment", "offer_used", "offer_share")
        .order_by("day", "home_space_id", "member_id")
    ):
        cell = cells_by_day[_as_date(day)][space]
        cell["offer_components"] = components
        cell["offer_members"] = cell.get("offer_members", 0) + 1
        cell["offer_share_sum"] = cell.get("offer_share_sum", 0.0) + share
        by_component = cell.setdefault("offer_used", collections.Counter())
        by_segment = cell.setdefault("offer_used_by_segment", collections.Counter())
        segment_members = cell.setdefault("offer_segment_members", collections.Counter())
        segment_members[segment] += 1
        segment_shares = cell.setdefault("offer_share_sum_by_segment", collections.Counter())
        segment_shares[segment] += share
        for component in used:
            by_component[component] += 1
            by_segment[f"{segment}:{component}"] += 1


def _conversion(operator: Operator, period: Period, spaces: dict) -> None:
    """Tenants at the quarter's start (the snapshot of the day before) still members at its
    end, and those of them who are coworkers at the end, by home space at the end."""
    start_day = period.start - dt.timedelta(days=1)
    snapshots = MemberEngagementSnapshot.objects.filter(operator=operator)
    if not snapshots.filter(day=start_day).exists():
        return
    tenants = snapshots.filter(day=start_day, segment=eng.TENANT).values("member_id")
    for space, segment, n in (
        snapshots.filter(day=period.end, member_id__in=tenants)
        .filter(Q(member__left_on__isnull=True) | Q(member__left_on__gt=period.end))
        .values_list("home_space_id", "segment")
        .annotate(n=Count("id"))
        .order_by()
    ):
        cell = spaces[space]
        cell["tenants_at_start"] = cell.get("tenants_at_start", 0) + n
        if segment == eng.COWORKER:
            cell["tenants_now_coworkers"] = cell.get("tenants_now_coworkers", 0) + n


def _indicators(operator: Operator, today: dt.date, months: int) -> int:
    written = 0
    snapshot_days = set(
        MemberEngagementSnapshot.objects.filter(operator=operator)
        .values_list("day", flat=True)
        .distinct()
    )
    wanted = periods(today, months)
    by_period: dict[Period, dict] = {}
    for window in (ind.MONTH, ind.QUARTER):
        by_period.update(aggregates_by_period(operator, [p for p in wanted if p.window == window]))
    for period in wanted:
        aggregates = by_period[period]
        indicators = []
        for indicator in ind.ready():
            if indicator.window != period.window:
                continue
            if indicator.uses_segments and period.end not in snapshot_days:
                continue  # no segments on that day (before the ledger had enough history)
            if indicator.id == "tenant_coworker_conversion" and not any(
                "tenants_at_start" in a for a in aggregates.values()
            ):
                continue  # no snapshot at the quarter's start: nothing to compare with
            indicators.append(indicator)
        rows = _period_rows(operator, period, indicators, aggregates)
        with transaction.atomic():
            IndicatorValue.objects.filter(
                operator=operator,
                period_start=period.start,
                indicator_id__in=[i.id for i in ind.ready() if i.window == period.window],
            ).delete()
            written += write_rows(IndicatorValue, VALUE_FIELDS, rows)
    return written


VALUE_FIELDS = (
    "operator_id",
    "space_id",
    "indicator_id",
    "version",
    "breakdown",
    "period_start",
    "period_end",
    "value",
    "cohort",
    "suppressed",
    "computed_at",
)


def _period_rows(operator, period: Period, indicators, aggregates) -> list:
    """The cells of the period's indicators (each space's and the operator's), after
    suppression, as tuples in `VALUE_FIELDS` order. The indicators are suppressed together
    (`ind.period_table`): some add up to others (members and its segments, for instance)."""
    cells: dict[tuple[str, int | None, str], ind.Computed] = {}
    for indicator in indicators:
        for space, aggregate in aggregates.items():
            for breakdown, computed in indicator.cells(aggregate).items():
                cells[(indicator.id, space, breakdown)] = computed
    hidden = ind.suppress(ind.period_table(cells), lambda key: ind.get(key[0]).min_cohort)
    now = timezone.now()
    return [
        (
            operator.pk,
            space,
            indicator_id,
            ind.get(indicator_id).version,
            breakdown,
            period.start,
            period.end,
            None if key in hidden else computed.value,
            computed.cohort,
            key in hidden,
            now,
        )
        for key, computed in cells.items()
        for indicator_id, space, breakdown in (key,)
    ]


def insights_recompute_all(
    *, full: bool = False, today: dt.date | None = None, progress=None
) -> list[RecomputeReport]:
    """Recompute every operator; one operator's failure (logged, with its traceback) does not
    keep the others' figures from being computed."""
    reports = []
    for operator in Operator.objects.order_by("pk"):
        if progress:
            progress(f"{operator.name}:")
        try:
            reports.append(
                insights_recompute(operator=operator, full=full, today=today, progress=progress)
            )
        except Exception:
            logger.exception("insights: the recompute of operator %s failed", operator.pk)
            if progress:
                progress(f"{operator.name}: failed (see the log)")
    return reports


# --- actions: inviting a list of members to an event ----------------------------------------


def invitable_events(operator: Operator, space=None, now: dt.datetime | None = None):
    """Published events of the operator still to come (of one space, or network-wide ones)."""
    from maillage.events.models import Event

    events = Event.objects.filter(operator=operator).published().upcoming(now)
    if space is not None:
        events = events.filter(Q(space=space) | Q(space__isnull=True))
    return events.select_related("space").order_by("starts_at")


def event_invite(*, by: Member, event, members: Iterable[Member], now=None) -> int:
    """Invite members to a published upcoming event of the same operator: one invitation
    per member and event (those already invited are skipped), emailed by a task after
    commit. Returns how many were newly invited."""
    from maillage.core.errors import DomainError
    from maillage.events.models import EventStatus
    from maillage.insights import tasks
    from maillage.insights.models import EventInvitation

    now = now or timezone.now()
    if event.operator_id != by.operator_id:
        raise DomainError(gettext("This event is not one of yours."), field="event")
    if event.status != EventStatus.PUBLISHED or event.ends_at <= now:
        raise DomainError(gettext("Choose a published event still to come."), field="event")
    members = [m for m in members if m.operator_id == event.operator_id and m.is_active]
    if not members:
        raise DomainError(gettext("Nobody to invite."))
    with transaction.atomic():
        already = set(
            EventInvitation.objects.filter(
                event=event, member_id__in=[m.pk for m in members]
            ).values_list("member_id", flat=True)
        )
        fresh = [
            EventInvitation(
                operator_id=event.operator_id,
                event=event,
                member=m,
                invited_by=by,
                created_at=now,
            )
            for m in members
            if m.pk not in already
        ]
        EventInvitation.objects.bulk_create(fresh, ignore_conflicts=True)
        if fresh:
            event_id = event.pk
            transaction.on_commit(lambda: tasks.invitations_send.enqueue(event_id=event_id))
    return len(fresh)


def _send_each(pending, compose) -> int:
    """Email each pending invitation (`compose(invitation)` → an EmailMessage), in its
    member's language, and mark it sent: running twice sends once. Returns how many."""
    from django.conf import settings
    from django.utils import translation

    sent = 0
    for invitation in pending:
        if not deliverable(invitation.member.user.email):
            continue
        with translation.override(invitation.member.user.language or settings.LANGUAGE_CODE):
            compose(invitation).send()
        type(invitation).objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def _invited_by(invitation) -> str:
    return invitation.invited_by.user.get_short_name() if invitation.invited_by else ""


def invitations_send(*, event_id: int) -> int:
    """Email the invitations to an event not sent yet (idempotent). Returns how many."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    from maillage.core.dates import date_format
    from maillage.events import ical
    from maillage.insights.models import EventInvitation

    def compose(invitation):
        event, user = invitation.event, invitation.member.user
        start = event.starts_at.astimezone(event.tz)
        context = {
            "name": user.get_short_name(),
            "event": event,
            "day": date_format(start, "l j F Y"),
            "start": date_format(start, "H:i"),
            "place": event.place,
            "url": ical.event_url(event),
            "by": _invited_by(invitation),
        }
        return EmailMessage(
            subject=" ".join(
                (gettext("You are invited: %(title)s") % {"title": event.title}).split()
            ),
            body=render_to_string("insights/email/invitation.txt", context),
            to=[user.email],
            reply_to=[event.space.contact_email]
            if event.space_id and event.space.contact_email
            else None,
        )

    pending = EventInvitation.objects.filter(event_id=event_id, sent_at__isnull=True)
    return _send_each(
        pending.select_related("event__space", "member__user", "invited_by__user"), compose
    )


# --- actions: inviting a list of members to the lunch roulette ------------------------------


def roulette_invite(*, by: Member, members: Iterable[Member], now=None) -> int:
    """Invite members to join their home space's lunch roulette (matching): one invitation
    per member and space; those already taking part, or invited already, are skipped. The
    emails go out from a task after commit. Returns how many were newly invited."""
    from maillage.core.errors import DomainError
    from maillage.insights import tasks
    from maillage.insights.models import RouletteInvitation
    from maillage.matching.models import RouletteOptIn
    from maillage.matching.selectors import opted_out_ids

    now = now or timezone.now()
    # Never those who asked not to be suggested to anyone: the roulette would not seat them.
    opted_out = opted_out_ids(by.operator_id)
    members = [
        m
        for m in members
        if m.operator_id == by.operator_id
        and m.is_active
        and m.home_space_id
        and m.pk not in opted_out
    ]
    if not members:
        raise DomainError(gettext("Nobody to invite."))
    ids = [m.pk for m in members]
    with transaction.atomic():
        taking_part = set(
            RouletteOptIn.objects.filter(member_id__in=ids, is_active=True).values_list(
                "member_id", "space_id"
            )
        )
        already = set(
            RouletteInvitation.objects.filter(member_id__in=ids).values_list(
                "member_id", "space_id"
            )
        )
        skip = taking_part | already
        fresh = [
            RouletteInvitation(
                operator_id=by.operator_id,
                space_id=m.home_space_id,
                member=m,
                invited_by=by,
                created_at=now,
            )
            for m in members
            if (m.pk, m.home_space_id) not in skip
        ]
        # Two clicks at once: the second's rows already exist, and are skipped.
        RouletteInvitation.objects.bulk_create(fresh, ignore_conflicts=True)
        if fresh:
            operator_id = by.operator_id
            transaction.on_commit(
                lambda: tasks.roulette_invitations_send.enqueue(operator_id=operator_id)
            )
    return len(fresh)


def roulette_invitations_send(*, operator_id: int) -> int:
    """Email the operator's roulette invitations not sent yet (idempotent). Returns how many."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse

    from maillage.insights.models import RouletteInvitation

    def compose(invitation):
        space, user = invitation.space, invitation.member.user
        context = {
            "name": user.get_short_name(),
            "space": space.name,
            "url": settings.SITE_URL + reverse("matching_roulette"),
            "by": _invited_by(invitation),
        }
        return EmailMessage(
            subject=gettext("Lunch roulette at %(space)s: meet someone new")
            % {"space": space.name},
            body=render_to_string("insights/email/roulette_invitation.txt", context),
            to=[user.email],
            reply_to=[space.contact_email] if space.contact_email else None,
        )

    pending = RouletteInvitation.objects.filter(operator_id=operator_id, sent_at__isnull=True)
    return _send_each(pending.select_related("space", "member__user", "invited_by__user"), compose)


# --- transparency ----------------------------------------------------------------------------


def published_figures_update(*, by: Member, indicator_ids: Iterable[str]) -> list[str]:
    """Set which indicators the operator publishes (admins only: checked by the view's gate).
    Unknown or not computable ids are refused."""
    from maillage.core.errors import DomainError

    ids = list(dict.fromkeys(indicator_ids))
    computable = {i.id for i in ind.ready()}
    unknown = [i for i in ids if i not in computable]
    if unknown:
        raise DomainError(gettext("Unknown figures: %(ids)s.") % {"ids": ", ".join(unknown)})
    ordered = [i.id for i in ind.ready() if i.id in ids]
    with transaction.atomic():
        settings, _ = EngagementSettings.objects.get_or_create(operator_id=by.operator_id)
        settings.published = ordered
        settings.save(update_fields=["published", "updated_at"])
    return ordered


def published_figures(operator: Operator | int) -> list[str]:
    operator_id = operator if isinstance(operator, int) else operator.pk
    settings = EngagementSettings.objects.filter(operator_id=operator_id).first()
    return list(settings.published) if settings is not None else []
