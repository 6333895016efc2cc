from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from maillage.bench import registry
from maillage.bench.registry import Benchmark, Result


@pytest.fixture
def fake(monkeypatch):
    """A benchmark that measures nothing real: the command's plumbing alone."""
    seen = {}

    def run(ctx):
        seen["params"] = ctx.params
        seen["scale"] = ctx.scale
        yield Result("things", ctx.params["requests"], "count")
        yield Result("page.p95", 12.5, "ms", {"errors": ctx.params["errors"]})

    registry.discover()
    bench = Benchmark(
        name="fake",
        description="plumbing",
        run=run,
        scales={"small": {"requests": 3, "errors": 0}, "large": {"requests": 30, "errors": 0}},
    )
    monkeypatch.setitem(registry._REGISTRY, "fake", bench)
    return seen


def bench(*args):
    out = io.StringIO()
    call_command("bench", *args, stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_names_the_benchmarks_when_one_is_unknown():
    with pytest.raises(
        CommandError, match=r"Unknown benchmark 'nope'; choose one of: .*generator.*home.*all"
    ):
        call_command("bench", "nope")


def test_it_asks_for_a_name():
    with pytest.raises(CommandError, match="Name a benchmark"):
        call_command("bench")


def test_it_lists_the_benchmarks():
    out = io.StringIO()
    call_command("bench", "--list", stdout=out)
    assert "home: " in out.getvalue()
    assert "generator: " in out.getvalue()


def test_it_prints_one_json_line_per_result(fake):
    lines = bench("fake")
    assert lines[0] == {
        "bench": "fake", "metric": "things", "value": 3, "unit": "count", "scale": "small",
        "db": lines[0]["db"],
    }  # fmt: skip
    assert lines[0]["db"] in {"sqlite", "postgresql"}
    assert lines[1]["metric"] == "page.p95"
    assert lines[1]["errors"] == 0


def test_it_passes_the_scale_and_the_overrides(fake):
    lines = bench("fake", "--scale", "large", "--requests", "7", "--param", "errors=0")
    assert fake == {"params": {"requests": 7, "errors": 0}, "scale": "large"}
    assert lines[0]["value"] == 7
    assert lines[0]["scale"] == "large"


def test_it_appends_the_lines_to_the_output_file(fake, tmp_path):
    output = tmp_path / "results.jsonl"
    output.write_text('{"earlier": true}\n')
    lines = bench("fake", "--output", str(output))
    written = [json.loads(line) for line in output.read_text().splitlines()]
    assert written == [{"earlier": True}, *lines]


def test_it_fails_when_a_benchmark_saw_errors_after_printing_everything(fake):
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"fake page\.p95: 2 errors"):
        call_command("bench", "fake", "--param", "errors=2", stdout=out, stderr=io.StringIO())
    assert len(out.getvalue().splitlines()) == 2


def test_it_refuses_a_parameter_no_benchmark_has(fake):
    with pytest.raises(CommandError, match="No benchmark here has a parameter 'colour'"):
        call_command("bench", "fake", "--param", "colour=blue")


def test_it_refuses_a_parameter_of_the_wrong_type(fake):
    with pytest.raises(CommandError, match="errors must be a whole number"):
        call_command("bench", "fake", "--param", "errors=some")


def test_it_refuses_a_concurrency_below_one(fake):
    with pytest.raises(CommandError, match="--concurrency must be at least 1"):
        call_command("bench", "fake", "--concurrency", "0")
