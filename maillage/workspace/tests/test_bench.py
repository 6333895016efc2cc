"""The workspace benchmarks at a tiny scale: a scratch database, granian, real requests."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def bench(*args) -> dict[str, dict]:
    out = io.StringIO()
    call_command("bench", *args, stdout=out, stderr=io.StringIO())
    return {line["metric"]: line for line in map(json.loads, out.getvalue().splitlines())}


@pytest.fixture
def scratch_place(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # SQLite scratch files there; PostgreSQL: named after the test DB


def test_it_counts_no_double_booking_after_concurrent_attempts(scratch_place):
    lines = bench(
        "bookings", "--param", "clients=6", "--param", "attempts=60", "--param", "rooms=2",
        "--param", "threads=3",
    )  # fmt: skip
    assert lines["double_bookings"]["value"] == 0
    assert lines["attempts.p95"]["errors"] == 0
    assert lines["booked"]["value"] + lines["refused_taken"]["value"] == 60
    assert lines["booked"]["value"] >= 2  # at least one booking per room


def test_it_measures_the_day_calendar_against_the_floor(scratch_place):
    lines = bench("availability", "--requests", "10", "--param", "warmup=2", "--param", "rounds=1")
    assert lines["day_page.p95"]["errors"] == 0
    assert lines["day_partial.p95_ratio"]["unit"] == "x"
    assert lines["rooms"]["value"] == 50
