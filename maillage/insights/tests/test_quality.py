"""The quality benchmark's plumbing on a small demo (the numbers are in docs/benchmarks.md)."""

from __future__ import annotations

import collections
import datetime as dt

import pytest

from maillage.bench.benchmarks.insights import classify_demo, demo_activities, quality_results
from maillage.demo.generator import DemoConfig, generate
from maillage.demo.load import load_demo
from maillage.insights import engagement as eng
from maillage.insights.models import MemberEngagementSnapshot
from maillage.insights.services import insights_recompute_all


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


@pytest.mark.django_db
def test_it_segments_the_database_like_the_benchmark_segments_the_generator(settings):
    """The quality benchmark runs the pure engine on the generator's lines; the product runs
    it on the database's daily counts. Both must find the same segments and levels."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    config = DemoConfig(members=80, seed=7, today=dt.date(2026, 1, 15))
    load_demo(config)
    as_of = config.end - dt.timedelta(days=1)
    insights_recompute_all(today=as_of)
    stored = {
        email: (segment, level)
        for email, segment, level in MemberEngagementSnapshot.objects.filter(day=as_of).values_list(
            "member__user__email", "segment", "level"
        )
    }
    network = generate(config)
    pairs = list(demo_activities(network, as_of, eng.DEFAULT_CONFIG))
    by_operator = collections.defaultdict(list)
    for person, activity in pairs:
        by_operator[person.operator_index].append(activity)
    season = {op: eng.seasonality(acts, as_of) for op, acts in by_operator.items()}
    checked = 0
    for person, activity in pairs:
        if person.email not in stored:  # left before the window: not segmented any more
            continue
        result = eng.engagement(activity, as_of, seasonality=season[person.operator_index])
        assert (result.segment, result.level) == stored[person.email], person.email
        checked += 1
    assert checked >= 70
