"""The stakeholder report for a chosen period: every computed indicator with its definition,
its values month by month (or quarter by quarter) and a chart; and the same values as rows for
CSV and JSON. Reads only `IndicatorValue` (the pre-aggregated table), never the ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.models import Operator, Space
from maillage.insights import charts
from maillage.insights import indicators as ind
from maillage.insights.models import IndicatorValue

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


class PeriodError(ValueError):
    """A period the reader asked for that does not make sense; `str()` says why."""


def _language() -> str:
    return (get_language() or "fr")[:2]


def parse_month(text: str) -> dt.date:
    """ "2026-01" → 1 January 2026; PeriodError otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-")[:2])
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
    chart: charts.LineChart | None = None

    @property
    def name(self) -> str:
        return self.indicator.name.get(_language(), self.indicator.name["en"])

    @property
    def definition(self) -> str:
        return self.indicator.definition.get(_language(), self.indicator.definition["en"])

    @property
    def latest(self) -> tuple[dt.date, float | None, bool, int] | None:
        return self.points[-1] if self.points else None

    @property
    def rows(self) -> list[tuple[str, str]]:
        return [
            (period_label(self.indicator, start), show(self.indicator, v, h))
            for start, v, h, _ in self.points
        ]


def period_label(indicator: ind.Indicator, start: dt.date) -> str:
    if indicator.window == ind.QUARTER:
        return (
            f"T{(start.month - 1) // 3 + 1} {start.year}"
            if _language() == "fr"
            else (f"Q{(start.month - 1) // 3 + 1} {start.year}")
        )
    return formats.date_format(start, "M Y")


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
            s.points = []
        else:
            s.points = [(r[2], r[3], r[4], r[5]) for r in found if r[1] == ""]
            if len(s.points) > 1:
                s.chart = charts.line_chart(
                    [(period_label(indicator, p[0]), p[1]) for p in s.points],
                    width=520,
                    height=160,
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
