"""Linking quality and speed on the hand-labelled quality set (data/quality_set.csv)."""

from __future__ import annotations

from maillage.members.taxonomy import default_taxonomy
from maillage.members.taxonomy.quality import bench_link, evaluate, load_quality_set


def test_the_quality_set_is_big_enough_and_well_formed():
    cases = load_quality_set()
    assert len(cases) >= 150
    assert len({case.phrase for case in cases}) == len(cases)
    assert {case.lang for case in cases} == {"fr", "en"}
    assert all(case.expected for case in cases)


def test_it_links_at_least_90_percent_of_the_quality_set_in_the_top_3():
    result = evaluate(taxonomy=default_taxonomy())
    assert result["unknown_expected_uris"] == []
    assert result["top3_accuracy"] >= 0.90, (
        f"top-3 accuracy {result['top3_accuracy']:.1%} (top-1 {result['top1_accuracy']:.1%}) "
        f"on {result['count']} phrases; misses: {result['misses']}"
    )


def test_bench_link_reports_percentiles():
    result = bench_link(["dev web", "grafiste", "juriste droit des contrats"], runs=2)
    assert result["calls"] == 6
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert 0 <= result["cpu_p50_ms"] <= result["cpu_p95_ms"] <= result["cpu_max_ms"]
    assert result["concepts"] > 1_000
