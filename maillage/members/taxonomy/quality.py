"""How well and how fast the linker links: the quality set and the latency benchmark.

Pure Python, no Django. `evaluate()` runs the hand-labelled quality set
(`data/quality_set.csv`: phrase, lang, expected URIs separated by `|`, any of which counts)
and reports top-1 and top-3 accuracy; `bench_link()` times `link()` over phrases and
reports percentiles. `maillage bench skills` and the tests call both.
"""

from __future__ import annotations

import csv
import gc
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maillage.members.taxonomy.linker import DATA_DIR, Taxonomy, default_taxonomy

QUALITY_SET_PATH = DATA_DIR / "quality_set.csv"


@dataclass(frozen=True, slots=True)
class QualityCase:
    phrase: str
    lang: str
    expected: frozenset[str]


def load_quality_set(path: str | Path | None = None) -> list[QualityCase]:
    path = Path(path) if path is not None else QUALITY_SET_PATH
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            QualityCase(
                phrase=row["phrase"],
                lang=row["lang"],
                expected=frozenset(uri for uri in row["expected_uris"].split("|") if uri),
            )
            for row in csv.DictReader(handle)
        ]


def evaluate(
    quality_set: Iterable[QualityCase] | str | Path | None = None,
    *,
    taxonomy: Taxonomy | None = None,
) -> dict[str, Any]:
    """Top-1 / top-3 accuracy and mean reciprocal rank (within the top 10) of `link()`.

    A phrase counts as linked at rank k when any of its expected URIs is among the first
    k matches. `misses` lists the phrases not linked within the top 3, with what came first.
    """
    if quality_set is None or isinstance(quality_set, str | Path):
        cases = load_quality_set(quality_set)
    else:
        cases = list(quality_set)
    taxonomy = taxonomy or default_taxonomy()
    unknown = sorted({uri for case in cases for uri in case.expected} - set(taxonomy.concepts))
    top1 = top3 = 0
    reciprocal = 0.0
    misses = []
    for case in cases:
        matches = taxonomy.link(case.phrase, limit=10, lang=case.lang)
        uris = [match.concept.uri for match in matches]
        rank = next((i for i, uri in enumerate(uris, 1) if uri in case.expected), None)
        if rank is not None:
            reciprocal += 1 / rank
            top1 += rank == 1
            top3 += rank <= 3
        if rank is None or rank > 3:
            misses.append(
                {
                    "phrase": case.phrase,
                    "rank": rank,
                    "got": [f"{m.concept.en} [{m.matched_label}]" for m in matches[:3]],
                }
            )
    count = len(cases)
    return {
        "count": count,
        "top1": top1,
        "top3": top3,
        "top1_accuracy": top1 / count if count else 0.0,
        "top3_accuracy": top3 / count if count else 0.0,
        "mrr": reciprocal / count if count else 0.0,
        "unknown_expected_uris": unknown,
        "misses": misses,
    }


def _percentile(sorted_values: Sequence[float], p: float) -> float:
    # Linear interpolation between closest ranks (numpy's default), like maillage.bench.stats.
    rank = (len(sorted_values) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def bench_link(
    phrases: Iterable[str] | None = None,
    *,
    runs: int = 20,
    limit: int = 10,
    taxonomy: Taxonomy | None = None,
) -> dict[str, Any]:
    """Time `link()` over the phrases (the quality set by default), `runs` times each.

    Returns wall-clock percentiles (`p50_ms`, `p95_ms`, `max_ms`) and the same for the
    thread's CPU time (`cpu_p50_ms`, ...): on a shared machine the wall clock also counts
    the time the OS gave the CPU to other processes, the CPU time does not. The taxonomy
    is loaded (and its load time reported) before timing; each phrase is linked once
    untimed first, so the timings are of a warm process, as in production. The garbage
    collector is left on.
    """
    started = time.perf_counter()
    taxonomy = taxonomy or default_taxonomy()
    load_ms = (time.perf_counter() - started) * 1000
    phrases = list(phrases) if phrases is not None else [c.phrase for c in load_quality_set()]
    if not phrases:
        raise ValueError("bench_link needs at least one phrase")
    for phrase in phrases:
        taxonomy.link(phrase, limit=limit)
    gc.collect()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        for phrase in phrases:
            cpu_start = time.thread_time_ns()
            wall_start = time.perf_counter_ns()
            taxonomy.link(phrase, limit=limit)
            wall.append((time.perf_counter_ns() - wall_start) / 1e6)
            cpu.append((time.thread_time_ns() - cpu_start) / 1e6)
    wall.sort()
    cpu.sort()
    words = [len(phrase.split()) for phrase in phrases]
    return {
        "phrases": len(phrases),
        "runs": runs,
        "calls": len(wall),
        "mean_words": sum(words) / len(words),
        "concepts": len(taxonomy.concepts),
        "labels": taxonomy.label_count,
        "load_ms": load_ms,
        "p50_ms": _percentile(wall, 50),
        "p95_ms": _percentile(wall, 95),
        "p99_ms": _percentile(wall, 99),
        "max_ms": wall[-1],
        "cpu_p50_ms": _percentile(cpu, 50),
        "cpu_p95_ms": _percentile(cpu, 95),
        "cpu_max_ms": cpu[-1],
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
