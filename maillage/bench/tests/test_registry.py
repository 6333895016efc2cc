from __future__ import annotations

import json

import pytest

from maillage.bench import registry
from maillage.bench.registry import BenchmarkError, Result


def test_it_writes_one_json_object_per_result_in_the_design_format():
    line = registry.json_line(
        bench="home", scale="small", result=Result("member_home.p95", 12.34567, "ms"), db="sqlite"
    )
    assert "\n" not in line
    assert json.loads(line) == {
        "bench": "home",
        "metric": "member_home.p95",
        "value": 12.346,
        "unit": "ms",
        "scale": "small",
        "db": "sqlite",
    }
    assert line.startswith('{"bench": "home", "metric": "member_home.p95", "value": 12.346,')


def test_it_adds_the_errors_of_a_result_to_its_line():
    result = Result("health.p50", 0.5, "ms", {"errors": 3, "requests": 97})
    line = json.loads(registry.json_line(bench="home", scale="large", result=result))
    assert line["errors"] == 3
    assert line["requests"] == 97


def test_it_writes_a_value_that_was_not_measured_as_null():
    line = registry.json_line(
        bench="home", scale="small", result=Result("x.p95", float("nan"), "ms")
    )
    assert json.loads(line)["value"] is None


def test_it_keeps_accents_readable():
    line = registry.json_line(bench="b", scale="small", result=Result("Inès", 1, "count"))
    assert "Inès" in line


def test_it_knows_the_first_benchmarks():
    assert {"generator", "home"} <= set(registry.names())
    assert [b.name for b in registry.select("home")] == ["home"]
    assert [b.name for b in registry.select("all")] == registry.names()


def test_it_lists_the_names_when_a_benchmark_is_unknown():
    with pytest.raises(
        BenchmarkError, match=r"Unknown benchmark 'nope'; choose one of: .*home.*all"
    ):
        registry.get("nope")


def test_it_gives_each_scale_its_parameters_with_overrides_converted():
    bench = registry.get("home")
    assert bench.params("small")["requests"] < bench.params("large")["requests"]
    params = bench.params("small", {"requests": "50", "staff": "false", "unknown": "1"})
    assert params["requests"] == 50
    assert params["staff"] is False
    assert "unknown" not in params


def test_it_refuses_an_override_of_the_wrong_type():
    with pytest.raises(BenchmarkError, match="requests must be a whole number"):
        registry.get("home").params("small", {"requests": "many"})


def test_it_refuses_scales_with_different_parameters():
    with pytest.raises(ValueError, match="same parameters"):
        registry.benchmark("odd", "", small={"a": 1}, large={"b": 2})
