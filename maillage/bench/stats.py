"""Latency statistics for the benchmarks: plain Python, no Django.

Percentiles interpolate linearly between the two nearest ranks (numpy's default "linear"
method, `statistics.quantiles(method="inclusive")`): p0 is the minimum, p100 the maximum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The p-th percentile (0 ≤ p ≤ 100) of values already sorted in ascending order."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {p}")
    rank = (len(sorted_values) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = rank - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


@dataclass(frozen=True)
class LatencySummary:
    """What a load run measured for one URL. Times in milliseconds."""

    count: int
    errors: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float
    throughput: float  # successful requests per second of wall-clock time

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.count > 0


def summarize(latencies_ns: Sequence[int], *, errors: int, wall_seconds: float) -> LatencySummary:
    """Summarize successful requests' latencies (nanoseconds) over `wall_seconds` of load."""
    if not latencies_ns:
        nan = float("nan")
        return LatencySummary(0, errors, nan, nan, nan, nan, nan, 0.0)
    ms = sorted(v / 1e6 for v in latencies_ns)
    return LatencySummary(
        count=len(ms),
        errors=errors,
        p50=percentile(ms, 50),
        p95=percentile(ms, 95),
        p99=percentile(ms, 99),
        mean=sum(ms) / len(ms),
        max=ms[-1],
        throughput=len(ms) / wall_seconds if wall_seconds > 0 else 0.0,
    )


def ratio(value: float, floor: float) -> float:
    """value / floor, or NaN when the floor is not a positive number."""
    if not floor > 0:
        return float("nan")
    return value / floor
