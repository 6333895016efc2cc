"""The stakeholder report as a PDF, drawn with fpdf2 (pure Python, no system libraries).

The built-in Helvetica font covers Latin-1, enough for French once the typographic signs
outside it (’ « » – — …) are replaced by their plain equivalents. Charts are drawn as lines
from the same geometry as the HTML report (`charts.line_chart`).
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF

from maillage.insights import report as reports

_PLAIN = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u202f": " ",
        "\u00a0": " ",
        "≥": ">=",
        "≤": "<=",
        "×": "x",
        "−": "-",
        "→": "->",
    }
)


def plain(text: str) -> str:
    """Text Helvetica can draw: typographic signs made plain, anything else outside Latin-1
    replaced by "?"."""
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, plain(f"{self.footer_text} - {self.page_no()}"), align="C")


def render(report: reports.Report) -> bytes:
    doc = _Document(format="A4")
    doc.set_title(plain(_("Community report")))
    doc.set_author("Maillage")
    doc.footer_text = report.scope_name
    doc.set_auto_page_break(auto=True, margin=16)
    doc.set_margins(16, 16, 16)
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin

    doc.set_font("Helvetica", "B", 20)
    doc.multi_cell(width, 9, plain(_("Community report")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=12)
    period = _("%(scope)s, %(period)s") % {"scope": report.scope_name, "period": report.period_text}
    doc.multi_cell(width, 6, plain(period), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=9)
    doc.set_text_color(90, 90, 90)
    doc.multi_cell(
        width,
        5,
        plain(
            _(
                "Computed from the activity ledger. A figure computed on too few members is "
                "withheld, and so is any figure that would let someone work it out."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_text_color(0, 0, 0)
    doc.ln(4)
    if not report.series:
        doc.set_font("Helvetica", size=11)
        doc.multi_cell(width, 6, plain(_("No figures for this period.")))
    for series in report.series:
        _indicator(doc, series, width)
    return bytes(doc.output())


def _indicator(doc: FPDF, series: reports.Series, width: float) -> None:
    if doc.get_y() > doc.h - 80:
        doc.add_page()
    doc.set_font("Helvetica", "B", 13)
    doc.multi_cell(width, 7, plain(series.name), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=9)
    doc.multi_cell(width, 4.5, plain(series.definition), new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(90, 90, 90)
    numbers = {"version": series.indicator.version, "n": series.indicator.min_cohort}
    if series.formula_text is not None:
        formula = _(
            "How it is computed: %(formula)s. Version %(version)s; withheld below %(n)s members."
        ) % {"formula": series.formula_text, **numbers}
    else:
        formula = _(
            "Technical formula: %(formula)s. Version %(version)s; withheld below %(n)s members."
        ) % {"formula": series.indicator.formula, **numbers}
    doc.multi_cell(width, 4.5, plain(formula), new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(0, 0, 0)
    doc.set_font("Helvetica", size=10)
    if series.latest is not None:
        doc.set_font("Helvetica", "B", 11)
        line = _pair(series.latest_period, series.latest_text)
        doc.multi_cell(width, 6, plain(line), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", size=9)
        if series.chart is not None:
            _chart(doc, series, width)
        line = "   ".join(_pair(label, text) for label, text in series.rows)
        doc.multi_cell(width, 4.5, plain(line), new_x="LMARGIN", new_y="NEXT")
    elif (table := series.breakdown_table) is not None:
        doc.set_font("Helvetica", size=9)
        for label, cells in table.rows:
            values = ", ".join(
                f"{column} {text}" for column, text in zip(table.columns, cells, strict=True)
            )
            doc.multi_cell(width, 4.5, plain(_pair(label, values)), new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(90, 90, 90)
        doc.multi_cell(
            width, 4.5, plain(_("“·”: too few members to show.")), new_x="LMARGIN", new_y="NEXT"
        )
        doc.set_text_color(0, 0, 0)
    elif series.breakdowns:
        doc.set_font("Helvetica", size=9)
        doc.set_text_color(90, 90, 90)
        doc.multi_cell(
            width, 4.5, plain(series.latest_breakdown_period), new_x="LMARGIN", new_y="NEXT"
        )
        doc.set_text_color(0, 0, 0)
        _bars(doc, series.breakdown_bars, width)
    doc.ln(4)


def _bars(doc: FPDF, bars, width: float) -> None:
    """One row per breakdown: its label, a bar as long as its share of the largest value,
    and the value as shown (withheld values have no bar)."""
    label_w, value_w, row_h = 45.0, 25.0, 5.5
    track_w = width - label_w - value_w - 4
    doc.set_fill_color(37, 99, 235)
    for _key, label, text, share in bars:
        if doc.get_y() + row_h > doc.h - 20:
            doc.add_page()
        y = doc.get_y()
        doc.set_x(doc.l_margin)
        doc.cell(label_w, row_h, fit(doc, plain(label), label_w - 1.5))
        if share:
            doc.rect(doc.l_margin + label_w + 2, y + 1.2, track_w * share / 100, row_h - 2.4, "F")
        doc.set_xy(doc.l_margin + width - value_w, y)
        doc.cell(value_w, row_h, plain(text), align="R", new_x="LMARGIN", new_y="NEXT")


def fit(doc: FPDF, text: str, width: float) -> str:
    """`text` cut to `width` in the current font, with "..." where it was cut (a long label
    would otherwise run over its bar)."""
    if doc.get_string_width(text) <= width:
        return text
    while text and doc.get_string_width(text.rstrip() + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _pair(label: str, value: str) -> str:
    """ "Nov. 2026: 108" ("nov. 2026 : 108" in French)."""
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _chart(doc: FPDF, series: reports.Series, width: float) -> None:
    """The line chart scaled into a box of the page's width and 40 mm."""
    chart = series.chart
    box_h = 40.0
    if doc.get_y() + box_h > doc.h - 20:
        doc.add_page()
    x0, y0 = doc.l_margin, doc.get_y() + 2
    sx, sy = width / chart.width, box_h / chart.height
    doc.set_draw_color(210, 210, 210)
    doc.set_line_width(0.2)
    doc.set_font("Helvetica", size=7)
    for tick in chart.ticks:
        y = y0 + tick.y * sy
        doc.line(x0 + chart.left * sx, y, x0 + chart.width * sx, y)
        doc.set_xy(x0, y - 2)
        doc.cell(chart.left * sx - 1, 4, plain(formats.number_format(tick.value, 0)), align="R")
    doc.set_draw_color(37, 99, 235)
    doc.set_line_width(0.6)
    previous = None
    for dot in chart.dots:
        point = (x0 + dot.x * sx, y0 + dot.y * sy)
        if previous is not None:
            doc.line(*previous, *point)
        previous = point
    for x, label, anchor in chart.labels:
        left = {"start": 0, "end": 20}.get(anchor, 10)
        doc.set_xy(x0 + x * sx - left, y0 + (chart.bottom + 4) * sy)
        doc.cell(20, 4, plain(label), align={"start": "L", "end": "R"}.get(anchor, "C"))
    doc.set_xy(doc.l_margin, y0 + box_h + 4)
