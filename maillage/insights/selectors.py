"""Reads for the insights pages. They read only the pre-aggregated tables (indicator values and
engagement snapshots), never the ledger; each takes what the access gate returned."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Window
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from maillage.core import sql
from maillage.core.collation import by_name
from maillage.core.models import Member, Operator, Space
from maillage.insights import charts
from maillage.insights import engagement as eng
from maillage.insights import indicators as ind
from maillage.insights import offer as offers
from maillage.insights.models import (
    IndicatorValue,
    InsightsState,
    Level,
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
DASHBOARD_INDICATORS = (
    *TILE_INDICATORS,
    "members_by_segment",
    "tenant_coworker_conversion",
    "offer_used_share",
)
HEATMAP_INDICATORS = ("offer_component_use", "offer_use_by_segment", "offer_used_share_by_segment")
HEATMAP_SEGMENTS = (eng.NEWCOMER, eng.COWORKER, eng.TENANT, eng.OCCASIONAL, eng.DRIFTING)
TREND_MONTHS = 13
LIST_PREVIEW = 8
PREVIEW_FIELDS = (
    "member_id",
    "reasons",
    "score",
    "trend",
    "member__user__full_name",
    "member__user__email",
    "member__user__erased_at",
    "home_space__name",
)


def _language() -> str:
    return (get_language() or "fr")[:2]


def long_date(day: dt.date) -> str:
    """A day in full, the first of a month as French writes it: "1er octobre 2026"."""
    if day.day == 1:
        return pgettext("the first day of a month", "1 %(month)s") % {
            "month": formats.date_format(day, "F Y")
        }
    return formats.date_format(day, "j F Y")


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


@dataclass(frozen=True)
class HeatCell:
    value: float | None
    suppressed: bool

    @property
    def text(self) -> str:
        """The cell as shown: "42 %", "·" when withheld, "—" without a value."""
        if self.suppressed:
            return "·"
        if self.value is None:
            return "—"
        return f"{formats.number_format(self.value, 0)} %"

    @property
    def heat(self) -> str:
        """0.00–1.00 for the cell's colour, written with a dot whatever the language."""
        return f"{0.0 if self.value is None else self.value / 100:.2f}"


@dataclass
class Heatmap:
    share: IndicatorValue | None  # the mean share of the offer used
    components: list[tuple[str, str]]  # (key, name)
    rows: list[tuple[str, list[HeatCell]]]  # (row label, cells in component order)


@dataclass
class Dashboard:
    operator: Operator
    space: Space | None
    state: InsightsState | None
    computed_at: dt.datetime | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    previous_start: dt.date | None = None
    tiles: list[Tile] = field(default_factory=list)
    trend: charts.LineChart | None = None
    trend_rows: list[tuple[str, float | None, bool]] = field(default_factory=list)
    offer_trend: charts.LineChart | None = None  # the share of the offer used, by month
    offer_trend_rows: list[tuple[str, float | None]] = field(default_factory=list)
    segments: list[SegmentBar] = field(default_factory=list)
    conversion: IndicatorValue | None = None
    min_cohort: int = 5
    snapshot_day: dt.date | None = None
    tenants_without_event: list[MemberEngagementSnapshot] = field(default_factory=list)
    tenants_without_event_count: int = 0
    drifting: list[MemberEngagementSnapshot] = field(default_factory=list)
    drifting_count: int = 0
    heatmap: Heatmap | None = None

    @property
    def ready(self) -> bool:
        return self.period_start is not None

    @property
    def conversion_since(self) -> str:
        """The day the conversion counts the tenants on, in full ("1er octobre 2026")."""
        return long_date(self.conversion.period_start) if self.conversion else ""


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


def dashboard_stamp(*, operator: Operator, space: Space | None) -> tuple[dt.datetime, dt.date]:
    """When the figures the dashboard shows were computed, and the day they are as of (None,
    None before the first computation): what a cached dashboard is keyed on."""
    # Read on every view of the dashboard: SQL written once (core/sql.py), tested equal to
    # the queryset over `_values`.
    found = sql.select(
        IndicatorValue,
        [
            ("operator", "=", operator.pk),
            ("space", "=", space.pk if space is not None else None),
            ("indicator_id", "=", "active_members"),
        ],
        order_by=["-period_start"],
        limit=1,
    )
    return (found[0].computed_at, found[0].period_end) if found else (None, None)


class Value(NamedTuple):
    indicator_id: str
    breakdown: str
    period_start: dt.date
    period_end: dt.date
    value: float | None
    suppressed: bool
    cohort: int
    computed_at: dt.datetime


VALUE_FIELDS = Value._fields


def dashboard(*, operator: Operator, space: Space | None) -> Dashboard:
    """Everything the dashboard shows, in five queries: the trend of active members (which
    also says which month is the latest), the other values of that month and the one before,
    the trend of the share of the offer used, then each action list with its size (a window
    count). Rows are read as tuples."""
    result = Dashboard(operator=operator, space=space, state=None)
    values = _values(operator, space)
    months = [
        Value(*row)
        for row in values.filter(indicator_id="active_members")
        .order_by("-period_start")
        .values_list(*VALUE_FIELDS)[:TREND_MONTHS]
    ][::-1]
    if not months:
        return result
    current, previous = months[-1], (months[-2] if len(months) > 1 else None)
    result.period_start, result.period_end = current.period_start, current.period_end
    result.previous_start = previous.period_start if previous else None
    result.computed_at = current.computed_at
    result.snapshot_day = current.period_end
    quarter_start = _months_before(current.period_start, 2)
    rows = months + [
        Value(*row)
        for row in values.filter(
            Q(
                indicator_id__in=DASHBOARD_INDICATORS,
                period_start__in=[d for d in (current.period_start, result.previous_start) if d],
            )
            | Q(indicator_id__in=HEATMAP_INDICATORS, period_start=current.period_start)
            | Q(indicator_id="tenant_coworker_conversion", period_start__gte=quarter_start)
        )
        .exclude(indicator_id="active_members")
        .values_list(*VALUE_FIELDS)
    ]

    by_key = {(r.indicator_id, r.breakdown, r.period_start): r for r in rows}
    for indicator_id in TILE_INDICATORS:
        now = by_key.get((indicator_id, "", result.period_start))
        if now is None:
            continue
        before = by_key.get((indicator_id, "", result.previous_start))
        result.tiles.append(
            Tile(
                indicator=ind.get(indicator_id),
                value=now.value,
                previous=before.value if before is not None else None,
                suppressed=now.suppressed,
                cohort=now.cohort,
            )
        )

    labels = [formats.date_format(m.period_start, "N Y") for m in months]
    result.trend = charts.line_chart(
        [(label, m.value) for label, m in zip(labels, months, strict=True)]
    )
    result.trend_rows = [
        (label, m.value, m.suppressed) for label, m in zip(labels, months, strict=True)
    ]
    # The share of the offer used over the same months (the seed's "value left unused").
    shares = dict(
        values.filter(
            indicator_id="offer_used_share",
            breakdown="",
            period_start__in=[m.period_start for m in months],
        ).values_list("period_start", "value")
    )
    if any(v is not None for v in shares.values()):
        points = [shares.get(m.period_start) for m in months]
        result.offer_trend = charts.line_chart(list(zip(labels, points, strict=True)))
        result.offer_trend_rows = list(zip(labels, points, strict=True))

    segment_values = {
        segment: by_key[key]
        for segment in eng.SEGMENTS
        if (key := ("members_by_segment", segment, result.period_start)) in by_key
    }
    labels_by_segment = dict(Segment.choices)
    bars = charts.bars([(s, v.value) for s, v in segment_values.items()])
    result.segments = [
        SegmentBar(
            segment=bar.key,
            label=str(labels_by_segment[bar.key]),
            value=bar.value,
            share=bar.share,
            suppressed=segment_values[bar.key].suppressed,
        )
        for bar in bars
    ]
    result.min_cohort = ind.get("members_by_segment").min_cohort
    conversions = [r for r in rows if r.indicator_id == "tenant_coworker_conversion"]
    result.conversion = max(conversions, key=lambda r: r.period_start, default=None)

    result.heatmap = _heatmap(rows, by_key, result.period_start)

    snapshots = (
        latest_snapshots(operator, space, result.snapshot_day)
        .select_related("member__user", "home_space")
        .only(*PREVIEW_FIELDS)
    )
    result.tenants_without_event, result.tenants_without_event_count = _preview(
        snapshots.filter(segment=eng.TENANT, last_event_on__isnull=True).order_by(
            "-score", "member_id"
        )
    )
    result.drifting, result.drifting_count = _preview(
        snapshots.filter(segment=eng.DRIFTING).order_by("trend", "member_id")
    )
    return result


def _heatmap(rows, by_key, period_start: dt.date) -> Heatmap | None:
    """Rows: all members, then each segment; columns: the measured parts of the offer."""
    lang = _language()
    keys = [
        r.breakdown
        for r in rows
        if r.indicator_id == "offer_component_use" and r.period_start == period_start
    ]
    if not keys:
        return None
    keys = [c.key for c in offers.COMPONENTS if c.key in keys]
    components = [(k, offers.BY_KEY[k].name.get(lang, offers.BY_KEY[k].name["en"])) for k in keys]

    def cell(indicator_id: str, breakdown: str) -> HeatCell | None:
        value = by_key.get((indicator_id, breakdown, period_start))
        return None if value is None else HeatCell(value.value, value.suppressed)

    # The first column: the row's mean share of the offer used; then each part.
    empty = HeatCell(None, False)
    all_members = [cell("offer_used_share", "") or empty] + [
        cell("offer_component_use", k) for k in keys
    ]
    table = [(str(_("All members")), all_members)]
    labels = dict(Segment.choices)
    for segment in HEATMAP_SEGMENTS:
        cells = [cell("offer_use_by_segment", f"{segment}:{k}") for k in keys]
        if any(c is not None for c in cells):
            share = cell("offer_used_share_by_segment", segment) or empty
            table.append((str(labels[segment]).capitalize(), [share] + [c or empty for c in cells]))
    return Heatmap(
        share=by_key.get(("offer_used_share", "", period_start)),
        components=components,
        rows=table,
    )


def _preview(snapshots: QuerySet) -> tuple[list[MemberEngagementSnapshot], int]:
    """The first few rows and how many there are, in one query."""
    rows = list(snapshots.annotate(total=Window(Count("id")))[:LIST_PREVIEW])
    return rows, (rows[0].total if rows else 0)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, 1)


def segment_members(
    *, operator: Operator, space: Space | None, segment: str, without_event: bool = False
) -> QuerySet[MemberEngagementSnapshot]:
    snapshots = latest_snapshots(operator, space).filter(segment=segment)
    if without_event:
        snapshots = snapshots.filter(last_event_on__isnull=True)
    return snapshots.select_related("member__user", "home_space").order_by(
        by_name("member__user__full_name"), "member_id"
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

    @property
    def points_left(self) -> int | None:
        """Whole points still to earn before the next level (0.4 left is still 1 to earn)."""
        if self.points_to_next is None:
            return None
        return max(1, math.ceil(self.points_to_next)) if self.points_to_next > 0 else 0


def member_card(member: Member) -> MemberCard | None:
    """A member's own engagement: level, progress to the next one and what counted."""
    # Every member home page asks: SQL written once (core/sql.py), not compiled by the ORM.
    found = sql.select(
        MemberEngagementSnapshot, [("member", "=", member.pk)], order_by=["-day"], limit=1
    )
    if not found:
        return None
    snapshot = found[0]
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
    return MemberCard(
        level=level,
        level_name=level_label(level),
        score=snapshot.score,
        next_level_name=level_label(nxt) if nxt is not None else None,
        points_to_next=to_next,
        progress=round(progress, 1),
        trend=eng.trend_label(snapshot.trend, config.trend_threshold),
        facts=dict(snapshot.facts),
        day=snapshot.day,
    )


def level_label(level: int) -> str:
    """A level's name from the catalogue, in the inclusive French of the other labels
    ("ambassadeur·rice"); engagement.py's names are the plain ones its reasons use."""
    return str(Level(level).label) if level in Level.values else eng.level_name(level, _language())


# Where a member goes to try a part of the offer: url names, the first that exists wins.
NEXT_STEP_URLS = {
    "workspace": ("checkin",),
    "meeting_rooms": ("booking_find", "booking_new"),
    "events": ("event_for_you", "event_list"),
    "asks_and_offers": ("exchange_asks", "exchange_home", "profile_edit_offer_new"),
    "introductions": ("directory",),
    "opportunities": ("exchange_preferences", "directory"),
    "network": ("event_list",),
    "guests": ("guest_new",),
}
NEXT_STEP_TEXT = {
    "workspace": gettext_lazy("Come and work here: check in when you arrive"),
    "meeting_rooms": gettext_lazy("Book a meeting room"),
    "events": gettext_lazy("Come to an event"),
    "asks_and_offers": gettext_lazy("Ask for help, or offer yours"),
    "introductions": gettext_lazy("Meet the other members"),
    "opportunities": gettext_lazy("Choose the business opportunities you want to receive"),
    "network": gettext_lazy("Work from another of our spaces"),
    "guests": gettext_lazy("Invite a guest"),
}


@dataclass(frozen=True)
class NextStep:
    key: str
    part: str  # the part of the offer, in the reader's language
    text: str
    url: str | None
    # One click does it: a form posting `fields` to `action` (e.g. say "going" to an event).
    action: str | None = None
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OfferUse:
    """The parts of the operator's offer Maillage measures, and those a member used in the
    last 13 weeks (from their latest snapshot)."""

    measured: tuple[str, ...]
    used: frozenset[str]

    @property
    def counts(self) -> tuple[int, int]:
        """(parts used, parts measured)."""
        return len(self.used & set(self.measured)), len(self.measured)


def offer_use_of(member: Member) -> OfferUse | None:
    """The member's use of the offer, None before their first snapshot (one query, and the
    operator's declaration)."""
    from maillage.insights.services import offer_declared

    snapshot = (
        MemberEngagementSnapshot.objects.filter(member=member)
        .only("offer_used", "day")
        .order_by("-day")
        .first()
    )
    if snapshot is None:
        return None
    measured = offers.measured(offer_declared(member.operator_id))
    return OfferUse(measured=measured, used=frozenset(snapshot.offer_used))


def offer_used_of(member: Member) -> tuple[int, int] | None:
    """How many of the measured parts of the operator's offer the member used in the last 13
    weeks, and how many there are; None before the first snapshot."""
    use = offer_use_of(member)
    return use.counts if use is not None else None


def untried(member: Member, use: OfferUse | None = None) -> list[NextStep]:
    """The measured parts of the operator's offer the member has not used in the window
    (`use`, read if not given), each with one link to try it, or one click when there is
    one. Nothing before the first computation."""
    from django.urls import NoReverseMatch, reverse

    use = use or offer_use_of(member)
    if use is None:
        return []
    lang = _language()
    steps = []
    for key in use.measured:
        if key in use.used:
            continue
        url = None
        for name in NEXT_STEP_URLS.get(key, ()):
            try:
                url = reverse(name)
                break
            except NoReverseMatch:
                continue
        component = offers.BY_KEY[key]
        name = component.name.get(lang, component.name["en"])
        step = NextStep(key, name, str(NEXT_STEP_TEXT.get(key, name)), url)
        steps.append(_one_click(step, member) or step)
    return steps


def _one_click(step: NextStep, member: Member) -> NextStep | None:
    """The step as something done in one click, when there is one: going to the upcoming
    event ranked first for the member, joining the lunch roulette of their space, a day at
    another of the operator's spaces. None: keep the link."""
    from django.urls import reverse

    from maillage.core.dates import date_format

    if step.key == "events":
        from maillage.events.selectors import for_you

        items = for_you(member)["items"]
        if not items:
            return None
        event = max(items, key=lambda item: item.score).event
        when = date_format(event.starts_at.astimezone(event.tz), "l j F, H:i")
        text = _("Count me in: %(title)s, %(when)s") % {"title": event.title, "when": when}
        action = reverse("event_rsvp", args=[event.pk])
        return replace(step, text=text, action=action, fields=(("status", "going"),))
    if step.key == "introductions" and member.home_space_id:
        from maillage.matching.models import Frequency, RouletteOptIn
        from maillage.matching.selectors import opted_out_ids

        space = member.home_space
        if member.pk in opted_out_ids(member.operator_id):
            return None  # they asked not to be suggested: the roulette would not seat them
        if RouletteOptIn.objects.filter(member=member, space=space, is_active=True).exists():
            return None
        text = _("Join the lunch roulette of %(space)s") % {"space": space.name}
        fields = (("space", str(space.pk)), (f"s{space.pk}-frequency", Frequency.WEEKLY))
        return replace(step, text=text, action=reverse("matching_roulette"), fields=fields)
    if step.key == "network":
        other = (
            Space.objects.filter(operator_id=member.operator_id)
            .exclude(pk=member.home_space_id)
            .order_by("name")
            .first()
        )
        if other is None:
            return None
        text = _("Work a day at %(space)s") % {"space": other.name}
        return replace(step, text=text, url=reverse("space_public", args=[other.slug]))
    return None
