"""The quality benchmark's plumbing on a small demo (the numbers are in docs/benchmarks.md)."""

from __future__ import annotations

from maillage.bench.benchmarks.insights import classify_demo, quality_results


def test_it_separates_tenants_from_coworkers_on_a_small_demo():
    quality = classify_demo(300, 3)
    assert quality.members == 300  # members only: staff are not segmented
    assert quality.macro_f1() >= 0.9
    assert quality.current["newcomer"]["newcomer"] == sum(quality.current["newcomer"].values())
    metrics = {r.metric: r for r in quality_results(quality)}
    assert metrics["quality.tenant_coworker_macro_f1"].extra["met"] is True
    assert set(metrics["confusion.tenant"].extra["segments"]) == {
        "newcomer",
        "coworker",
        "tenant",
        "occasional",
        "drifting",
        "gone",
    }
