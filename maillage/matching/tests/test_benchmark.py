"""The `matching` benchmark runs end to end at a tiny scale (pure: no database, no server)."""

from __future__ import annotations

from types import SimpleNamespace

from maillage.bench import registry


def test_the_matching_benchmark_measures_every_part() -> None:
    bench = registry.get("matching")
    params = {
        **bench.params("small"),
        "members": 300,
        "spaces": 3,
        "quality_users": 300,
        "latency_members": 300,
        "latency_samples": 20,
        "round_members": 60,
        "teams_instances": 5,
    }
    ctx = SimpleNamespace(params=params, scale="small", log=lambda message: None)
    lines = {r.metric: r for r in bench.run(ctx)}  # type: ignore[arg-type]
    assert 0 < lines["people.mutual_success_at_10"].value <= 1
    assert lines["people.mutual_success_ratio"].unit == "x"
    assert 0 < lines["people.coverage"].value <= 1
    assert lines["people.latency.p95"].value > 0
    assert lines["roulette.rounds_40.repeated_pairs"].value == 0
    assert lines["roulette.round_60.seconds"].extra["repeated_pairs"] == 0
    assert lines["teams.covered"].value == 1.0
    assert 1.0 <= lines["teams.ratio.max"].value <= 2 * 1.1**2
    for result in lines.values():
        registry.json_line(bench="matching", scale="small", result=result)  # valid JSON
