"""Chart geometry for the server-rendered SVG."""

from __future__ import annotations

import pytest

from maillage.insights import charts


@pytest.mark.parametrize(
    ("value", "nice"),
    [(0, 1), (1, 1), (7, 10), (112, 200), (150, 200), (201, 250), (0.3, 0.5), (19, 20)],
)
def test_it_rounds_the_axis_up_to_a_nice_number(value, nice):
    assert charts.nice_ceiling(value) == nice


def test_it_draws_a_line_through_the_points():
    chart = charts.line_chart(
        [("Jan", 0), ("Feb", 50), ("Mar", 100)],
        width=100,
        height=100,
        left=0,
        right=0,
        top=0,
        bottom_margin=0,
        ticks=2,
    )
    assert chart.path == "M0.0,100.0 L50.0,50.0 L100.0,0.0"
    assert chart.area.endswith("L100.0,100 L0.0,100 Z")
    assert [(t.y, t.value) for t in chart.ticks] == [(100.0, 0), (50.0, 50), (0.0, 100)]
    assert chart.labels == [(0.0, "Jan", "start"), (50.0, "Feb", "middle"), (100.0, "Mar", "end")]


def test_it_leaves_a_gap_where_a_value_is_withheld():
    chart = charts.line_chart(
        [("a", 1), ("b", None), ("c", 2), ("d", 2)],
        width=30,
        height=10,
        left=0,
        right=0,
        top=0,
        bottom_margin=0,
    )
    assert chart.path.count("M") == 2
    assert chart.area == ""
    assert [d.label for d in chart.dots] == ["a", "c", "d"]


def test_it_sizes_bars_against_the_largest():
    bars = charts.bars([("tenant", 30), ("coworker", 15), ("gone", None), ("new", 0)])
    assert [(b.key, b.share) for b in bars] == [
        ("tenant", 100.0),
        ("coworker", 50.0),
        ("gone", 0.0),
        ("new", 0.0),
    ]
