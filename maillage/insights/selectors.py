"""Reads for the insights pages. They read only the pre-aggregated tables (indicator values and
engagement snapshots), never the ledger; each takes what the access gate returned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import get_language

from maillage.core.models import Member, Operator, Space
from maillage.insights import charts
from maillage.insights import engagement as eng
from maillage.insights import indicators as ind
from maillage.insights.models import (
    IndicatorValue,
    InsightsState,
    MemberEngagementSnapshot,
    Segment,
)

TILE_INDICATORS = (
    "members",
    "active_members",
    "newcomers",
    "drifting_members",
    "event_participation_rate",
    "no_show_rate",
    "host_concentration",
    "introductions_accepted",
    "check_in_days",
)
TREND_MONTHS = 13
LIST_PREVIEW = 8


def _language() -> str:
    return (get_language() or "fr")[:2]


@dataclass(frozen=True)
class Tile:
    indicator: ind.Indicator
    value: float | None
    previous: float | None
    suppressed: bool
    cohort: int

    @property
    def name(self) -> str:
        return self.indicator.name.get(_language(), self.indicator.name["en"])

    @property
    def definition(self) -> str:
        return self.indicator.definition.get(_language(), self.indicator.definition["en"])


@dataclass(frozen=True)
class SegmentBar:
    segment: str
    label: str
    value: float | None
    share: float
    suppressed: bool


@dataclass
class Dashboard:
    operator: Operator
    space: Space | None
    state: InsightsState | None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    previous_start: dt.date | None = None
    tiles: list[Tile] = field(default_factory=list)
    trend: charts.LineChart | None = None
    trend_rows: list[tuple[str, float | None, bool]] = field(default_factory=list)
    segments: list[SegmentBar] = field(default_factory=list)
    conversion: IndicatorValue | None = None
    min_cohort: int = 5
    snapshot_day: dt.date | None = None
    tenants_without_event: list[MemberEngagementSnapshot] = field(default_factory=list)
    tenants_without_event_count: int = 0
    drifting: list[MemberEngagementSnapshot] = field(default_factory=list)
    drifting_count: int = 0

    @property
    def ready(self) -> bool:
        return self.period_start is not None


def _values(operator: Operator, space: Space | None) -> QuerySet[IndicatorValue]:
    values = IndicatorValue.objects.filter(operator=operator)
    return values.filter(space=space) if space is not None else values.filter(space__isnull=True)


def latest_snapshots(
    operator: Operator, space: Space | None, day: dt.date | None = None
) -> QuerySet:
    """The latest day's snapshots of the operator (or of one home space)."""
    day = day or MemberEngagementSnapshot.objects.latest_day(operator.pk)
    snapshots = MemberEngagementSnapshot.objects.filter(operator=operator, day=day)
    return snapshots.filter(home_space=space) if space is not None else snapshots


def dashboard(*, operator: Operator, space: Space | None) -> Dashboard:
    state = InsightsState.objects.filter(operator=operator).first()
    result = Dashboard(operator=operator, space=space, state=state)
    values = _values(operator, space)
    months = list(
        values.filter(indicator_id="active_members")
        .order_by("-period_start")
        .values_list("period_start", "period_end", "value", "suppressed")[:TREND_MONTHS]
    )
    if not months:
        return result
    months.reverse()
    result.period_start, result.period_end = months[-1][0], months[-1][1]
    previous_start = months[-2][0] if len(months) > 1 else None
    result.previous_start = previous_start

    rows = values.filter(
        indicator_id__in=TILE_INDICATORS,
        breakdown="",
        period_start__in=[d for d in (result.period_start, previous_start) if d],
    )
    by_key = {(v.indicator_id, v.period_start): v for v in rows}
    for indicator_id in TILE_INDICATORS:
        current = by_key.get((indicator_id, result.period_start))
        if current is None:
            continue
        before = by_key.get((indicator_id, previous_start))
        result.tiles.append(
            Tile(
                indicator=ind.get(indicator_id),
                value=current.value,
                previous=before.value if before is not None else None,
                suppressed=current.suppressed,
                cohort=current.cohort,
            )
        )

    labels = [formats.date_format(start, "M Y") for start, *_ in months]
    result.trend = charts.line_chart(
        [(label, value) for label, (_, _, value, _) in zip(labels, months, strict=True)]
    )
    result.trend_rows = [
        (label, value, hidden) for label, (_, _, value, hidden) in zip(labels, months, strict=True)
    ]

    segment_values = {
        v.breakdown: v
        for v in values.filter(indicator_id="members_by_segment", period_start=result.period_start)
    }
    labels_by_segment = dict(Segment.choices)
    bars = charts.bars(
        [(s, segment_values[s].value if s in segment_values else None) for s in eng.SEGMENTS]
    )
    result.segments = [
        SegmentBar(
            segment=bar.key,
            label=str(labels_by_segment[bar.key]),
            value=bar.value,
            share=bar.share,
            suppressed=bar.key in segment_values and segment_values[bar.key].suppressed,
        )
        for bar in bars
        if bar.key in segment_values
    ]
    result.min_cohort = ind.get("members_by_segment").min_cohort
    result.conversion = (
        values.filter(indicator_id="tenant_coworker_conversion").order_by("-period_start").first()
    )

    result.snapshot_day = state.as_of if state is not None else None
    snapshots = latest_snapshots(operator, space, result.snapshot_day).select_related(
        "member__user", "home_space"
    )
    tenants = snapshots.filter(segment=eng.TENANT, last_event_on__isnull=True).order_by(
        "-score", "member_id"
    )
    result.tenants_without_event_count = tenants.count()
    result.tenants_without_event = list(tenants[:LIST_PREVIEW])
    drifting = snapshots.filter(segment=eng.DRIFTING).order_by("trend", "member_id")
    result.drifting_count = drifting.count()
    result.drifting = list(drifting[:LIST_PREVIEW])
    return result


def segment_members(
    *, operator: Operator, space: Space | None, segment: str, without_event: bool = False
) -> QuerySet[MemberEngagementSnapshot]:
    snapshots = latest_snapshots(operator, space).filter(segment=segment)
    if without_event:
        snapshots = snapshots.filter(last_event_on__isnull=True)
    return snapshots.select_related("member__user", "home_space").order_by(
        "member__user__full_name", "member_id"
    )


def reason_text(snapshot: MemberEngagementSnapshot) -> str:
    """The reason for a member's segment, in the reader's language (fr or en)."""
    return eng.reason([tuple(code) for code in snapshot.reasons], lang=_language())


# --- the member's own view ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCard:
    level: int
    level_name: str
    score: float
    next_level_name: str | None
    points_to_next: float | None
    progress: float  # 0–100 towards the next level
    trend: str  # rising, steady, falling
    facts: dict[str, int | float]
    day: dt.date


def member_card(member: Member) -> MemberCard | None:
    """A member's own engagement: level, progress to the next one and what counted."""
    snapshot = (
        MemberEngagementSnapshot.objects.filter(member=member)
        .only("level", "score", "trend", "facts", "day")
        .order_by("-day")
        .first()
    )
    if snapshot is None:
        return None
    from maillage.insights.services import engagement_config

    config = engagement_config(member.operator_id)
    ups = (0.0, *config.level_up)
    level = snapshot.level
    nxt = level + 1 if level + 1 < len(eng.LEVELS) else None
    if nxt is None:
        to_next, progress = None, 100.0
    else:
        floor, ceiling = ups[level], ups[nxt]
        to_next = max(0.0, round(ceiling - snapshot.score, 1))
        progress = max(0.0, min(100.0, 100 * (snapshot.score - floor) / (ceiling - floor)))
    lang = _language()
    return MemberCard(
        level=level,
        level_name=eng.level_name(level, lang),
        score=snapshot.score,
        next_level_name=eng.level_name(nxt, lang) if nxt is not None else None,
        points_to_next=to_next,
        progress=round(progress, 1),
        trend=eng.trend_label(snapshot.trend, config.trend_threshold),
        facts=dict(snapshot.facts),
        day=snapshot.day,
    )
