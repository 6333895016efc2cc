"""The real thing at a tiny scale: child processes, a bench database and granian over loopback."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from maillage.bench import harness
from maillage.bench.harness import BenchDatabase


def bench(*args) -> dict[str, dict]:
    out = io.StringIO()
    call_command("bench", *args, stdout=out, stderr=io.StringIO())
    return {line["metric"]: line for line in map(json.loads, out.getvalue().splitlines())}


@pytest.fixture
def tiny(monkeypatch, settings, tmp_path, db):
    """A 30-member bench dataset in a place of its own (a temporary SQLite file, or on
    PostgreSQL a database named after the test database), dropped afterwards."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setitem(harness.DATASETS, "small", {"members": 30, "spaces": 3})
    database = BenchDatabase.for_scale("small")
    if database.vendor == "postgresql":
        assert database.name.startswith("test_"), database.name  # never the developer's
    yield database
    database.drop()


def test_it_measures_the_home_pages_through_a_real_server(tiny):
    lines = bench(
        "home", "--fresh", "--requests", "10", "--param", "warmup=2", "--param", "rounds=2"
    )
    assert lines["dataset.members"]["value"] > 30  # the members, and the staff
    for target in ("member_home", "people_card", "health", "staff_home"):
        assert lines[f"{target}.p95"]["errors"] == 0
        assert lines[f"{target}.p95"]["requests"] == 10
        assert lines[f"{target}.p95"]["value"] > 0
    assert lines["member_home.p95_ratio"]["unit"] == "x"
    assert lines["member_home.p95_ratio"]["value"] > 0


def test_it_measures_the_generator_in_a_process_of_its_own(tiny):
    lines = bench("generator", "--param", "members=30", "--param", "load=false")
    assert lines["members"]["value"] == 30
    assert lines["activity_lines"]["value"] > 30
    assert 0 < lines["start_rss_mib"]["value"] <= lines["peak_rss_mib"]["value"] < 500


def test_it_measures_skill_linking_quality_and_latency_in_process():
    lines = bench("skills", "--param", "runs=1")
    assert lines["quality.top3_accuracy"]["phrases"] >= 150
    assert lines["quality.top3_accuracy"]["value"] >= 0.9
    assert lines["link.p95"]["calls"] == lines["link.p95"]["phrases"] == 40
    assert lines["link.p95"]["target"] == 5.0
    assert (
        0 < lines["link.p50"]["value"] <= lines["link.p95"]["value"] <= lines["link.max"]["value"]
    )
    assert lines["taxonomy.concepts"]["value"] > 2_000
