"""Engagement levels, scores, drift and segments: golden values computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.insights import engagement as e
from maillage.insights.engagement import (
    DEFAULT_CONFIG,
    ConfigError,
    EngagementConfig,
    MemberActivity,
)

AS_OF = dt.date(2026, 1, 14)  # a Wednesday
LONG_AGO = dt.date(2023, 9, 1)
WEEKS = DEFAULT_CONFIG.weeks_needed  # 25
DECAY = 2 ** (-1 / 6)  # a week's weight with a 42-day half-life


def member(presence=(), joined_on=LONG_AGO, left_on=None, last_seen=AS_OF, **counts):
    return MemberActivity(
        member_id=1,
        joined_on=joined_on,
        counts={kind: list(series) for kind, series in counts.items()},
        presence=list(presence),
        last_seen_on=last_seen,
        left_on=left_on,
    )


# --- levels and hysteresis -------------------------------------------------------------------


def test_it_derives_the_down_thresholds_from_the_hysteresis_margin():
    assert DEFAULT_CONFIG.level_up == (2.0, 15.0, 40.0, 80.0)
    assert DEFAULT_CONFIG.level_down == (1.5, 11.25, 30.0, 60.0)


def test_it_keeps_levels_from_flapping_around_a_threshold():
    scores = [0, 2, 1.8, 1.4, 15, 12, 11, 40, 35, 29, 85, 61, 59]
    # By hand, with up (2, 15, 40, 80) and down (1.5, 11.25, 30, 60):
    #   0 → 0; 2 ≥ 2 → 1; 1.8 ≥ 1.5 stays 1; 1.4 < 1.5 → 0; 15 → 2; 12 ≥ 11.25 stays 2;
    #   11 < 11.25 → 1; 40 → 3; 35 ≥ 30 stays 3; 29 < 30 → 2; 85 → 4; 61 ≥ 60 stays 4;
    #   59 < 60 → 3.
    assert e.levels_over(scores) == [0, 1, 1, 0, 2, 2, 1, 3, 3, 2, 4, 4, 3]
    # Without hysteresis (no previous level each time) the same scores flap:
    assert [e.level_for(s, None) for s in scores] == [0, 1, 0, 0, 2, 1, 1, 3, 2, 2, 4, 3, 3]


def test_it_holds_a_level_while_the_score_wobbles_inside_the_margin():
    wobble = [15, 14, 15.5, 12, 14.9, 11.3, 15, 11.25]
    assert e.levels_over(wobble) == [2] * len(wobble)
    assert [e.level_for(s, None) for s in wobble] == [2, 1, 2, 1, 1, 1, 2, 1]


def test_it_drops_several_levels_at_once_when_the_score_collapses():
    assert e.level_for(5, 4) == 1
    assert e.level_for(0, 4) == 0
    assert e.level_for(100, 0) == 4


def test_it_has_no_hysteresis_with_a_zero_margin():
    config = EngagementConfig(hysteresis=0.0)
    assert e.levels_over([15, 14.99, 15], config) == [2, 1, 2]


# --- scores ----------------------------------------------------------------------------------


def test_it_scores_weighted_actions_with_decay_and_presence_milestones():
    activity = member(presence=[3, 2], attended=[1], helped=[0, 1])
    # attended this week 3 points; helped last week 4 × 2^(−7/42); 5 days present reach the
    # first milestone (4 days: 2 points).
    assert e.score(activity) == pytest.approx(3 + 4 * DECAY + 2)


def test_it_caps_what_presence_alone_can_earn_below_the_participant_level():
    every_day = member(presence=[5] * WEEKS)
    assert e.score(every_day) == 8.0  # 4 + 12 + 26 + 39 days: 2 + 2 + 2 + 2
    assert e.level_for(e.score(every_day), None) == 1


def test_it_counts_only_the_score_window():
    old = member(presence=[0] * 13 + [5], hosted=[0] * 13 + [10])
    assert e.score(old) == 0.0


@given(
    points=st.lists(st.integers(0, 6), min_size=0, max_size=30),
    presence=st.lists(st.integers(0, 5), min_size=0, max_size=30),
)
def test_it_slides_the_score_window_like_a_direct_sum(points, presence):
    activity = member(presence=presence, answered=points)
    steps = DEFAULT_CONFIG.replay_weeks
    slid = e.scores_over(activity, steps, DEFAULT_CONFIG)
    for i, end in enumerate(range(steps, -1, -1)):
        window = range(end, end + 13)
        direct = sum(3 * (points[w] if w < len(points) else 0) * DECAY ** (w - end) for w in window)
        days = sum(presence[w] if w < len(presence) else 0 for w in window)
        direct += e.milestone_points(days, DEFAULT_CONFIG)
        assert slid[i] == pytest.approx(direct, abs=1e-9)


def test_it_replays_the_last_weeks_to_find_a_level_without_history():
    # Hosted 5 events last week (40 points). A week ago the score was 40 (level 3 from 0);
    # today those points are a week old: 40 × 2^(−1/6) = 35.6, above the contributor's
    # down threshold (30), so the replayed level stays 3 where a fresh one would be 2.
    busy = member(hosted=[0, 5])
    result = e.engagement(busy, AS_OF)
    assert result.score == pytest.approx(40 * DECAY, abs=1e-3)
    assert result.previous_level == 3
    assert result.level == 3
    assert e.level_for(result.score, None) == 2


def test_it_starts_from_the_stored_level_when_there_is_one():
    activity = member(presence=[1, 1], attended=[3, 1])  # 9 + 3·DECAY = 11.67 points
    assert e.engagement(activity, AS_OF, previous_level=2).level == 2  # ≥ 11.25: stays
    assert e.engagement(activity, AS_OF, previous_level=0).level == 1


# --- drift -----------------------------------------------------------------------------------


def test_it_computes_the_binomial_tail_by_hand():
    assert e.binomial_cdf(1, 4, 0.5) == pytest.approx(5 / 16)
    assert e.binomial_cdf(0, 3, 0.2) == pytest.approx(0.8**3)
    assert e.binomial_cdf(5, 5, 0.3) == 1.0
    assert e.binomial_cdf(2, 2000, 0.5) == pytest.approx(
        sum(math.comb(2000, i) for i in range(3)) / 2**2000
    )


def test_it_finds_a_member_drifting_from_their_own_baseline():
    # 4 days a week for the 14 baseline weeks, 1 day a week for the last 6.
    fading = member(presence=[1] * 6 + [4] * 19)
    drift = e.drift(fading, AS_OF)
    assert drift.baseline_per_week == 4.0
    assert drift.recent_per_week == 1.0
    assert drift.ratio == 0.25
    # p0 = 6 / (6 + 14) = 0.3; P(X ≤ 6) for X ~ Binomial(62, 0.3):
    assert drift.p_value == pytest.approx(
        sum(math.comb(62, i) * 0.3**i * 0.7 ** (62 - i) for i in range(7))
    )
    result = e.engagement(fading, AS_OF)
    assert result.segment == e.DRIFTING
    assert result.trend == -0.75
    assert e.reason(result, "en") == "active 4 times a week before, 1 over the last 6 weeks"
    assert e.reason(result, "fr") == (
        "actif 4 fois par semaine avant, 1 sur les 6 dernières semaines"
    )


def test_it_does_not_call_a_seasonal_dip_drifting():
    # Everyone came 30 % as much lately (Christmas): a member at 25 % is near the cohort.
    fading = member(presence=[1] * 6 + [4] * 19)
    result = e.engagement(fading, AS_OF, seasonality=0.3)
    assert result.segment == e.TENANT
    assert result.trend == pytest.approx(0.25 / 0.3 - 1, abs=1e-3)


def test_it_needs_a_baseline_to_call_someone_drifting():
    joined = AS_OF - dt.timedelta(days=7 * 8)  # joined 8 weeks ago: two baseline weeks only
    assert e.drift(member(presence=[0] * 6 + [4] * 2, joined_on=joined), AS_OF) is None


def test_it_ignores_a_drop_that_chance_explains():
    # Half a day a week in the baseline is not regular enough to drift from.
    rare = member(presence=[0] * 6 + [1, 0] * 7 + [1] * 5, last_seen=AS_OF - dt.timedelta(30))
    assert e.engagement(rare, AS_OF).segment == e.OCCASIONAL


# --- segments and reasons ---------------------------------------------------------------------


def test_it_calls_hugo_a_tenant_and_says_why():
    hugo = member(presence=[4] * WEEKS, booked=[1, 0, 0, 1])
    result = e.engagement(hugo, AS_OF)
    assert result.segment == e.TENANT
    assert result.level == 1
    assert result.reason_codes == (
        ("days_per_week", 4),
        ("no_events", 0),
        ("no_exchange", 0),
        ("no_help", 0),
        ("window_weeks", 13),
    )
    assert e.reason(result, "en") == (
        "comes 4 days a week; no event, no exchange, no help given in 3 months"
    )
    assert e.reason(result, "fr") == (
        "vient 4 jours par semaine ; aucun événement, aucun échange, aucune aide donnée en 3 mois"
    )


def test_it_calls_ines_a_coworker_and_says_why():
    ines = member(presence=[4] * WEEKS, attended=[1] * WEEKS, helped=[1, 0] * 13, met=[0, 0, 1])
    result = e.engagement(ines, AS_OF)
    assert result.segment == e.COWORKER
    assert e.reason(result, "en") == (
        "comes 4 days a week; 13 events, helped 7 times, met 1 member in 3 months"
    )
    # 4 days × 13 weeks: 8 presence points; attended 3 / week and helped 4 every other week.
    expected = (
        8
        + sum(3 * DECAY**w for w in range(13))
        + sum(4 * DECAY**w for w in range(0, 13, 2))
        + 2 * DECAY**2
    )
    assert result.score == pytest.approx(expected, abs=1e-3)  # 46.5
    assert result.level == 3


def test_it_needs_three_community_actions_to_call_someone_a_coworker():
    two = member(presence=[3] * WEEKS, attended=[1, 1])
    three = member(presence=[3] * WEEKS, attended=[1, 1, 1])
    assert e.engagement(two, AS_OF).segment == e.TENANT
    assert e.reason(e.engagement(two, AS_OF), "en") == (
        "comes 3 days a week; 2 events, no exchange, no help given in 3 months"
    )
    assert e.engagement(three, AS_OF).segment == e.COWORKER


def test_it_calls_a_recent_member_a_newcomer():
    joined = AS_OF - dt.timedelta(days=12)
    result = e.engagement(member(presence=[2, 1], joined_on=joined, attended=[1]), AS_OF)
    assert result.segment == e.NEWCOMER
    assert e.reason(result, "en") == "joined 12 days ago; 1 event, no exchange"
    assert e.reason(result, "fr") == "arrivé il y a 12 jours ; 1 événement, aucun échange"


def test_it_calls_someone_who_left_gone_even_if_they_were_active():
    left = member(presence=[4] * WEEKS, attended=[1] * WEEKS, left_on=AS_OF - dt.timedelta(1))
    result = e.engagement(left, AS_OF)
    assert result.segment == e.GONE
    assert e.reason(result, "en") == "left 1 day ago"


def test_it_calls_someone_not_seen_for_sixty_days_gone():
    quiet = member(presence=[0] * 9 + [3] * 16, last_seen=AS_OF - dt.timedelta(days=60))
    result = e.engagement(quiet, AS_OF)
    assert result.segment == e.GONE
    assert e.reason(result, "fr") == "pas vu depuis 60 jours"
    seen = member(presence=[0] * 9 + [3] * 16, last_seen=AS_OF - dt.timedelta(days=59))
    assert e.engagement(seen, AS_OF).segment == e.DRIFTING


def test_it_calls_someone_who_comes_twice_a_month_occasional():
    # Came 5 days in the last 13 weeks: 5 × 30 / 91 ≈ 2 days a month.
    result = e.engagement(member(presence=[1, 0, 0] * 9), AS_OF)
    assert result.segment == e.OCCASIONAL
    assert e.reason(result, "en") == "comes 2 days a month; no community activity in 3 months"


def test_it_names_levels_and_segments_in_both_languages():
    assert e.level_name(4, "en") == "ambassador"
    assert e.level_name(0, "fr") == "inactif"
    assert e.segment_name(e.DRIFTING, "en") == "drifting away"
    assert e.segment_name(e.TENANT, "fr") == "locataire"


# --- input and configuration ------------------------------------------------------------------


def test_it_bins_days_into_weeks_back_from_the_day_of_computation():
    days = {
        AS_OF: {"checked_in": 1, "attended": 1},
        AS_OF - dt.timedelta(days=6): {"checked_in": 2},  # still week 0 (two check-ins)
        AS_OF - dt.timedelta(days=7): {"checked_in": 1, "helped": 2},  # week 1
        AS_OF + dt.timedelta(days=1): {"checked_in": 1},  # the future is ignored
        AS_OF - dt.timedelta(days=400): {"checked_in": 1},  # beyond the weeks read
    }
    activity = e.activity_from_days(7, days, AS_OF, joined_on=LONG_AGO, weeks=4)
    assert list(activity.presence) == [2, 1, 0, 0]
    assert activity.counts["checked_in"] == [3, 1, 0, 0]
    assert activity.counts["helped"] == [0, 2, 0, 0]
    assert activity.last_seen_on == AS_OF


def test_it_merges_an_operators_weights_with_the_defaults():
    config = DEFAULT_CONFIG.with_overrides({"weights": {"attended": 5}, "level_up": [1, 2, 3, 4]})
    assert config.weights["attended"] == 5
    assert config.weights["helped"] == 4
    assert config.level_up == (1, 2, 3, 4)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"level_up": (1, 2, 3)}, "4 thresholds"),
        ({"level_up": (5, 4, 30, 40)}, "increasing"),
        ({"hysteresis": 1.0}, "hysteresis"),
        ({"drift_max_ratio": 1.5}, "drift_max_ratio"),
        ({"half_life_days": 0}, "half_life_days"),
        ({"colour": "blue"}, "Unknown engagement settings: colour"),
    ],
)
def test_it_refuses_a_configuration_that_cannot_work(overrides, message):
    with pytest.raises(ConfigError, match=message):
        DEFAULT_CONFIG.with_overrides(overrides)
