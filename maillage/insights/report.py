"""The stakeholder report for a chosen period: every computed indicator with its definition,
its values month by month (or quarter by quarter) and a chart; and the same values as rows for
CSV and JSON. Reads only `IndicatorValue` (the pre-aggregated table), never the ledger."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from maillage.core.models import Operator, Space
from maillage.insights import charts
from maillage.insights import indicators as ind
from maillage.insights import offer as offers
from maillage.insights.models import IndicatorValue, Segment

EXPORT_FIELDS = (
    "indicator_id",
    "version",
    "scope",
    "space_id",
    "breakdown",
    "period_start",
    "period_end",
    "value",
    "unit",
    "cohort",
    "suppressed",
    "computed_at",
)
DEFAULT_MONTHS = 12
CHART_WIDTH, CHART_HEIGHT = 720, 200  # drawn at most this wide: 13 px labels stay 13 px
CHART_LABEL_SPACING = 100  # at least this much room (chart units) per x-axis label

# How each indicator is computed, in words a reader of the report understands (the registry's
# `formula` is for the exports). Keyed by (id, version): an indicator whose meaning changed
# shows its technical formula, labelled as such, until its sentence is written again here.
FORMULAS = {
    ("members", 1): gettext_lazy("number of members who had not left at the end of the period"),
    ("members_by_segment", 1): gettext_lazy(
        "number of members in each segment at the end of the period"
    ),
    ("active_members", 2): gettext_lazy(
        "number of members (at the end of the period) with at least one line in the "
        "activity ledger other than joining"
    ),
    ("newcomers", 1): gettext_lazy("number of members who joined during the period"),
    ("drifting_members", 1): gettext_lazy(
        "number of members drifting away at the end of the period"
    ),
    ("tenant_coworker_conversion", 2): gettext_lazy(
        "100 × tenants at the start of the quarter who are coworkers at its end ÷ tenants "
        "at the start of the quarter still members at its end"
    ),
    ("event_participation_rate", 2): gettext_lazy(
        "100 × members who attended an event ÷ active members"
    ),
    ("no_show_rate", 1): gettext_lazy("100 × no-shows ÷ (attendances + no-shows)"),
    ("host_concentration", 1): gettext_lazy(
        "the smallest number of people whose contributions add up to at least half of all "
        "contributions"
    ),
    ("introductions_accepted", 1): gettext_lazy("number of introductions accepted"),
    ("check_in_days", 1): gettext_lazy("number of distinct (member, space, day) with a check-in"),
    ("time_to_first_answer", 1): gettext_lazy(
        "median time, in hours, from an ask being posted to its first answer, over the asks "
        "posted in the period"
    ),
    ("business_declared", 1): gettext_lazy(
        "sum of the amounts of the business recorded between members in the period"
    ),
    ("ties_density", 2): gettext_lazy(
        "100 × pairs of members (at the end of the period) who met ÷ possible pairs, "
        "n × (n − 1) ÷ 2"
    ),
    ("cross_company_ties", 2): gettext_lazy(
        "100 × ties across two companies ÷ ties whose two members' companies are known "
        "(members at the end of the period)"
    ),
    ("offer_used_share", 1): gettext_lazy(
        "100 × the mean, over members, of the parts of the offer used ÷ the parts declared "
        "and measured"
    ),
    ("offer_used_share_by_segment", 1): gettext_lazy(
        "100 × the mean, over the segment's members, of the parts of the offer used ÷ the "
        "parts declared and measured"
    ),
    ("offer_component_use", 1): gettext_lazy("100 × members who used the part ÷ members"),
    ("offer_use_by_segment", 1): gettext_lazy(
        "100 × members of the segment who used the part ÷ members of the segment"
    ),
}


FIRST_YEAR, LAST_YEAR = 1900, 2999  # months a report may be asked for


class PeriodError(ValueError):
    """A period the reader asked for that does not make sense; `str()` says why."""


def _language() -> str:
    return (get_language() or "fr")[:2]


def parse_month(text: str) -> dt.date:
    """ "2026-01" → 1 January 2026; PeriodError otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-")[:2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(year)  # dt.date would take 9999, and its month's end fail
        return dt.date(year, month, 1)
    except (ValueError, TypeError) as error:
        raise PeriodError(_("Write the month as YYYY-MM, e.g. 2026-01.")) from error


def month_end(first: dt.date) -> dt.date:
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def choose_period(
    start_text: str, end_text: str, latest: dt.date | None
) -> tuple[dt.date, dt.date, str]:
    """The report's first and last days from `YYYY-MM` inputs (either may be empty), and a
    message when the input had to be corrected ("" if none). Defaults: the 12 months up to
    the latest computed month."""
    latest = latest or dt.date.today().replace(day=1)
    default_end = latest
    y, m = divmod(latest.year * 12 + latest.month - 1 - (DEFAULT_MONTHS - 1), 12)
    default_start = dt.date(y, m + 1, 1)
    message = ""
    try:
        start = parse_month(start_text) if start_text else default_start
        end = parse_month(end_text) if end_text else default_end
    except PeriodError as error:
        return default_start, month_end(default_end), str(error)
    if start > end:
        start, end = end, start
        message = _("The period was given backwards; it has been put the right way round.")
    if (end.year - start.year) * 12 + end.month - start.month >= 60:
        y, m = divmod(end.year * 12 + end.month - 1 - 59, 12)
        start = dt.date(y, m + 1, 1)
        message = _("A report covers at most five years; it starts in %(month)s.") % {
            "month": formats.date_format(start, "F Y")
        }
    return start, month_end(end), message


@dataclass
class Series:
    indicator: ind.Indicator
    points: list[tuple[dt.date, float | None, bool, int]] = field(default_factory=list)
    breakdowns: list[tuple[str, float | None, bool]] = field(default_factory=list)  # latest
    breakdown_start: dt.date | None = None  # the period the breakdowns are of
    chart: charts.LineChart | None = None

    @property
    def name(self) -> str:
        return self.indicator.name.get(_language(), self.indicator.name["en"])

    @property
    def definition(self) -> str:
        return self.indicator.definition.get(_language(), self.indicator.definition["en"])

    @property
    def formula_text(self) -> str | None:
        """How the indicator is computed, in the reader's words; None when only the technical
        formula (`indicator.formula`) describes this version."""
        text = FORMULAS.get((self.indicator.id, self.indicator.version))
        return str(text) if text is not None else None

    @property
    def latest(self) -> tuple[dt.date, float | None, bool, int] | None:
        return self.points[-1] if self.points else None

    @property
    def latest_period(self) -> str:
        """The latest period in full ("novembre 2026", "T4 2026")."""
        if not self.points:
            return ""
        return period_label(self.indicator, self.points[-1][0], long=True)

    @property
    def latest_text(self) -> str:
        if not self.points:
            return ""
        _start, value, hidden, _cohort = self.points[-1]
        return show(self.indicator, value, hidden)

    @property
    def rows(self) -> list[tuple[str, str]]:
        return [
            (period_label(self.indicator, start), show(self.indicator, v, h))
            for start, v, h, _ in self.points
        ]

    @property
    def latest_breakdown_period(self) -> str:
        """The period the breakdowns are of, in full ("novembre 2026")."""
        if self.breakdown_start is None:
            return ""
        return period_label(self.indicator, self.breakdown_start, long=True)

    @property
    def breakdown_bars(self) -> list[tuple[str, str, str, float]]:
        """The latest breakdown in the dashboard's order and words (a segment, "Coworker
        actif"; a part of the offer, "Salles de réunion"), each with a bar: (key, label, value
        as shown, bar width in % of the largest value shown); a withheld or empty value has no
        bar. Keys made of a segment and a part come as `breakdown_table` instead."""
        if self.breakdown_table is not None:
            return []
        rows = sorted(self.breakdowns, key=lambda b: _breakdown_order(b[0]))
        widths = charts.bars([(key, None if hidden else value) for key, value, hidden in rows])
        return [
            (key, breakdown_label(key), show(self.indicator, value, hidden), bar.share)
            for (key, value, hidden), bar in zip(rows, widths, strict=True)
        ]

    @property
    def breakdown_table(self) -> BreakdownTable | None:
        """ "segment:part" breakdowns as a table: a row per part of the offer, a column per
        segment; a withheld cell reads "·". None for other breakdowns."""
        pairs = [(key.partition(":"), value, hidden) for key, value, hidden in self.breakdowns]
        if not pairs or not all(sep for (_seg, sep, _part), _v, _h in pairs):
            return None
        segments = sorted({seg for (seg, _s, _p), _v, _h in pairs}, key=_breakdown_order)
        parts = sorted({part for (_g, _s, part), _v, _h in pairs}, key=_breakdown_order)
        cells = {(seg, part): (value, hidden) for (seg, _s, part), value, hidden in pairs}
        rows = []
        for part in parts:
            texts = []
            for seg in segments:
                value, hidden = cells.get((seg, part), (None, False))
                texts.append("·" if hidden else show(self.indicator, value, False))
            rows.append((breakdown_label(part), texts))
        return BreakdownTable(columns=[breakdown_label(s) for s in segments], rows=rows)


@dataclass(frozen=True)
class BreakdownTable:
    columns: list[str]
    rows: list[tuple[str, list[str]]]  # (row label, cells in column order)


def _breakdown_order(key: str) -> tuple[int, str]:
    """Segments in the dashboard's order, then the parts of the offer in the registry's."""
    if key in Segment.values:
        return Segment.values.index(key), key
    if key in offers.BY_KEY:
        return len(Segment.values) + [c.key for c in offers.COMPONENTS].index(key), key
    return 1000, key


def breakdown_label(key: str) -> str:
    """A breakdown key in the reader's words: the segment's label as the dashboard shows it,
    the part of the offer's name, both for "segment:part", the key itself otherwise."""
    if key in Segment.values:
        return capfirst(str(Segment(key).label))
    if key in offers.BY_KEY:
        names = offers.BY_KEY[key].name
        return names.get(_language(), names["en"])
    segment, sep, part = key.partition(":")
    if sep and segment in Segment.values and part in offers.BY_KEY:
        return f"{breakdown_label(segment)} · {breakdown_label(part)}"
    return key


def period_label(indicator: ind.Indicator, start: dt.date, *, long: bool = False) -> str:
    """A period as a reader names it: "nov. 2026" (or "novembre 2026" when `long`), "T4 2026"."""
    if indicator.window == ind.QUARTER:
        return pgettext("quarter, e.g. Q4 2026", "Q%(quarter)s %(year)s") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    return formats.date_format(start, "F Y" if long else "N Y")


def month_range(start: dt.date, end: dt.date) -> str:
    """ "from December 2025 to November 2026" ("de décembre 2025 à novembre 2026", with the
    French elision before a vowel: "d'avril 2026 à mars 2027")."""
    first, last = formats.date_format(start, "F Y"), formats.date_format(end, "F Y")
    if first[:1].lower() in "aeiouyéèâ":
        text = pgettext("months, the first one starting with a vowel", "from %(start)s to %(end)s")
    else:
        text = pgettext("months", "from %(start)s to %(end)s")
    return text % {"start": first, "end": last}


def thin_labels(
    chart: charts.LineChart, names: list[str], spacing: float = CHART_LABEL_SPACING
) -> charts.LineChart:
    """The chart with x-axis labels far enough apart not to overlap: every n-th of the points'
    `names`, counted back from the latest (always labelled), n the smallest that leaves
    `spacing` between two labels."""
    if len(names) < 2 or len(chart.labels) < 2:
        return chart
    first, last_x = chart.labels[0][0], chart.labels[-1][0]  # the first and the last point
    step = (last_x - first) / (len(names) - 1)
    every = max(1, math.ceil(spacing / step)) if step > 0 else 1
    last = len(names) - 1
    labels = [
        (round(first + i * step, 1), name, "end" if i == last else "start" if i == 0 else "middle")
        for i, name in enumerate(names)
        if (last - i) % every == 0
    ]
    return dataclasses.replace(chart, labels=labels)


def show(indicator: ind.Indicator, value: float | None, suppressed: bool) -> str:
    """A value as a reader sees it: withheld, missing, or formatted with its unit."""
    if suppressed:
        return _("too few to show")
    if value is None:
        return "—"
    text = formats.number_format(value, 0 if float(value).is_integer() else 1)
    return f"{text} %" if indicator.unit == "percent" else text


@dataclass
class Report:
    operator: Operator
    space: Space | None
    start: dt.date
    end: dt.date
    series: list[Series]
    computed_at: dt.datetime | None

    @property
    def scope_name(self) -> str:
        return self.space.name if self.space is not None else self.operator.name

    @property
    def period_text(self) -> str:
        return month_range(self.start, self.end)


def _values(operator: Operator, space: Space | None, start: dt.date, end: dt.date):
    values = IndicatorValue.objects.filter(
        operator=operator, period_start__gte=start, period_start__lte=end
    )
    return values.filter(space=space) if space is not None else values.filter(space__isnull=True)


def build(
    *,
    operator: Operator,
    space: Space | None,
    start: dt.date,
    end: dt.date,
    only: list[str] | None = None,
) -> Report:
    """The report of `operator` (or one `space`) for the periods starting in [start, end].
    `only`: restrict to these indicator ids (the transparency page)."""
    rows = list(
        _values(operator, space, start, end)
        .order_by("period_start")
        .values_list(
            "indicator_id",
            "breakdown",
            "period_start",
            "value",
            "suppressed",
            "cohort",
            "computed_at",
        )
    )
    by_indicator: dict[str, list] = {}
    computed_at = None
    for row in rows:
        by_indicator.setdefault(row[0], []).append(row)
        computed_at = max(computed_at, row[6]) if computed_at else row[6]
    series = []
    for indicator in ind.ready():
        if only is not None and indicator.id not in only:
            continue
        found = by_indicator.get(indicator.id, [])
        if not found:
            continue
        s = Series(indicator=indicator)
        if indicator.breakdowns or not any(r[1] == "" for r in found):
            last = max(r[2] for r in found)
            s.breakdowns = [(r[1], r[3], r[4]) for r in found if r[2] == last]
            s.breakdown_start = last
            s.points = []
        else:
            s.points = [(r[2], r[3], r[4], r[5]) for r in found if r[1] == ""]
            if len(s.points) > 1:
                names = [period_label(indicator, p[0]) for p in s.points]
                s.chart = thin_labels(
                    charts.line_chart(
                        [(name, p[1]) for name, p in zip(names, s.points, strict=True)],
                        width=CHART_WIDTH,
                        height=CHART_HEIGHT,
                    ),
                    names,
                )
        series.append(s)
    return Report(operator, space, start, end, series, computed_at)


def export_rows(
    *,
    operator: Operator,
    space: Space | None,
    start: dt.date,
    end: dt.date,
    all_spaces: list[Space] | None = None,
):
    """Every stored indicator value of the period: the operator's totals (or one space's), and
    each space the reader may see when `all_spaces` is given. Withheld values stay empty."""
    values = IndicatorValue.objects.filter(
        operator=operator, period_start__gte=start, period_start__lte=end
    )
    if space is not None:
        values = values.filter(space=space)
    elif all_spaces is not None:
        from django.db.models import Q

        values = values.filter(Q(space__isnull=True) | Q(space__in=all_spaces))
    else:
        values = values.filter(space__isnull=True)
    for v in values.order_by("indicator_id", "space_id", "breakdown", "period_start").iterator():
        indicator = ind.REGISTRY.get(v.indicator_id)
        yield {
            "indicator_id": v.indicator_id,
            "version": v.version,
            "scope": "space" if v.space_id else "operator",
            "space_id": v.space_id,
            "breakdown": v.breakdown,
            "period_start": v.period_start.isoformat(),
            "period_end": v.period_end.isoformat(),
            "value": None if v.suppressed else _number(v.value),
            "unit": indicator.unit if indicator else "",
            "cohort": None if v.suppressed else v.cohort,
            "suppressed": v.suppressed,
            "computed_at": v.computed_at.isoformat(),
        }


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in EXPORT_FIELDS})
    return out.getvalue()


def to_json(report_meta: dict, rows) -> str:
    definitions = [
        {
            "id": i.id,
            "version": i.version,
            "name": dict(i.name),
            "definition": dict(i.definition),
            "formula": i.formula,
            "window": i.window,
            "unit": i.unit,
            "min_cohort": i.min_cohort,
        }
        for i in ind.ready()
    ]
    return json.dumps(
        {**report_meta, "indicators": definitions, "values": list(rows)},
        ensure_ascii=False,
        indent=1,
    )
