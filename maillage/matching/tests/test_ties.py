"""The ties graph: decayed, saturated strengths and coordination distances."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from maillage.matching.ties import (
    STRANGER_DISTANCE,
    Interaction,
    Kind,
    TiesGraph,
    decay,
    event_interactions,
)

NOW = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
INES, HUGO, MALIK, ZOE = "ines", "hugo", "malik", "zoe"


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def graph(*interactions: Interaction, half_life_days: float = 180) -> TiesGraph:
    return TiesGraph.from_interactions(interactions, NOW, half_life_days)


def test_it_halves_the_evidence_every_half_life() -> None:
    assert decay(0, 180) == 1.0
    assert decay(180, 180) == 0.5
    assert decay(360, 180) == 0.25
    assert decay(-5, 180) == 1.0  # a date in the future counts as today


def test_it_saturates_a_meeting_today_into_a_strength() -> None:
    ties = graph(Interaction(INES, HUGO, Kind.MET, NOW))
    # evidence 1.0 → strength 1 − e⁻¹ = 0.6321
    assert ties.strength(INES, HUGO) == pytest.approx(0.6321, abs=1e-4)
    assert ties.strength(HUGO, INES) == ties.strength(INES, HUGO)
    assert ties.knows(INES, HUGO)


def test_it_forgets_a_meeting_after_a_half_life() -> None:
    ties = graph(Interaction(INES, HUGO, Kind.MET, days_ago(180)))
    # evidence 1.0 × 0.5 → 1 − e^−0.5 = 0.3935: below the 0.5 of "knows"
    assert ties.strength(INES, HUGO) == pytest.approx(0.3935, abs=1e-4)
    assert not ties.knows(INES, HUGO)
    assert ties.knows(INES, HUGO, threshold=0.3)


def test_it_adds_up_interactions_of_every_kind() -> None:
    ties = graph(
        Interaction(INES, MALIK, Kind.LUNCH, NOW),  # 0.7
        Interaction(MALIK, INES, Kind.INTRODUCTION, days_ago(90)),  # 0.6 × 2^−0.5 = 0.4243
        Interaction(INES, MALIK, Kind.EXCHANGE, days_ago(360)),  # 0.8 × 0.25 = 0.2
    )
    evidence = 0.7 + 0.6 * 2**-0.5 + 0.2
    assert ties.strength(INES, MALIK) == pytest.approx(1 - math.exp(-evidence))
    assert len(ties) == 1


def test_it_keeps_colleagues_tied_without_decay() -> None:
    ties = graph(Interaction(HUGO, ZOE, Kind.COMPANY, days_ago(3650)))
    assert ties.strength(HUGO, ZOE) == pytest.approx(1 - math.exp(-2.0))  # 0.8647


def test_it_ignores_interactions_with_oneself() -> None:
    ties = graph(Interaction(INES, INES, Kind.MET, NOW))
    assert len(ties) == 0
    assert ties.knows(INES, INES)


def test_it_weighs_down_big_events() -> None:
    small = list(event_interactions([INES, HUGO, MALIK], NOW))
    assert len(small) == 3 and all(i.weight == 1.0 for i in small)
    big = list(event_interactions([f"m{i}" for i in range(10)], NOW))
    assert len(big) == 45
    assert big[0].weight == pytest.approx(8 / 9)
    ties = TiesGraph.from_interactions(big, NOW)
    # 0.15 × 8/9 = 0.1333 → 1 − e^−0.1333 = 0.1248
    assert ties.strength("m0", "m9") == pytest.approx(0.1248, abs=1e-4)


def test_it_lists_neighbours_above_a_threshold() -> None:
    ties = graph(
        Interaction(INES, HUGO, Kind.MET, NOW),
        Interaction(INES, MALIK, Kind.EVENT, NOW),
    )
    assert set(ties.neighbours(INES)) == {HUGO, MALIK}
    assert set(ties.neighbours(INES, threshold=0.5)) == {HUGO}
    assert ties.known(INES) == {HUGO}
    assert ties.neighbours(ZOE) == {}


def test_it_measures_coordination_along_the_strongest_path() -> None:
    ties = graph(
        Interaction(INES, MALIK, Kind.MET, NOW),  # 0.6321 → length 1.582
        Interaction(MALIK, HUGO, Kind.MET, NOW),  # 1.582
        Interaction(INES, HUGO, Kind.EVENT, NOW),  # 0.1393 → 7.18: longer than the cap
    )
    one = 1 / (1 - math.exp(-1))
    assert ties.distance(INES, MALIK) == pytest.approx(one)
    assert ties.distance(INES, HUGO) == pytest.approx(2 * one)  # through Malik
    assert ties.distance(HUGO, INES) == pytest.approx(2 * one)
    assert ties.distance(INES, ZOE) == STRANGER_DISTANCE
    assert ties.distance(INES, INES) == 0.0
    assert ties.hops(INES, HUGO) == 2
    assert ties.hops(INES, ZOE) is None


def test_it_refuses_a_half_life_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="half-life"):
        TiesGraph.from_interactions([], NOW, 0)
