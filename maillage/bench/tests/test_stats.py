from __future__ import annotations

import math

import pytest

from maillage.bench.stats import percentile, ratio, summarize


def test_it_interpolates_between_the_nearest_ranks():
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 50) == 2.5  # rank 1.5: halfway between 2 and 3
    assert percentile(values, 95) == pytest.approx(3.85)  # rank 2.85
    assert percentile(values, 100) == 4.0


def test_it_matches_hand_computed_percentiles_of_ten_latencies():
    values = [10, 11, 12, 13, 14, 15, 16, 17, 18, 100]
    assert percentile(values, 50) == 14.5  # rank 4.5
    assert percentile(values, 90) == pytest.approx(26.2)  # rank 8.1: 18 + 0.1 * (100 - 18)
    assert percentile(values, 99) == pytest.approx(92.62)  # rank 8.91: 18 + 0.91 * 82


def test_it_gives_the_only_value_for_every_percentile():
    assert percentile([7.0], 0) == percentile([7.0], 99) == 7.0


@pytest.mark.parametrize("p", [-1, 101])
def test_it_refuses_a_percentile_out_of_range(p):
    with pytest.raises(ValueError):
        percentile([1.0], p)


def test_it_refuses_no_values():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_it_summarizes_latencies_in_milliseconds():
    # 1, 2, 3, 4 ms in nanoseconds, unsorted, measured over 2 seconds
    summary = summarize([4_000_000, 1_000_000, 3_000_000, 2_000_000], errors=1, wall_seconds=2.0)
    assert summary.count == 4
    assert summary.errors == 1
    assert summary.p50 == 2.5
    assert summary.p95 == pytest.approx(3.85)
    assert summary.p99 == pytest.approx(3.97)
    assert summary.mean == 2.5
    assert summary.max == 4.0
    assert summary.throughput == 2.0  # successful requests per second
    assert not summary.ok


def test_it_summarizes_nothing_as_not_a_number():
    summary = summarize([], errors=3, wall_seconds=1.0)
    assert summary.count == 0
    assert math.isnan(summary.p95)
    assert summary.throughput == 0.0
    assert not summary.ok


def test_it_divides_by_the_floor_only_when_the_floor_is_positive():
    assert ratio(12.0, 3.0) == 4.0
    assert math.isnan(ratio(12.0, 0.0))
    assert math.isnan(ratio(12.0, float("nan")))
