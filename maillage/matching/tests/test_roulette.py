"""Lunch roulette: new ties first, then complementarity; everyone once; no repeat if avoidable."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.matching.roulette import form_round, group_sizes, pairs_of, repeated_pairs

A, B, C, D, E = "a", "b", "c", "d", "e"


def pair(x, y) -> frozenset:
    return frozenset((x, y))


def placed(groups) -> list:
    return sorted(p for g in groups for p in g)


def test_it_pairs_people_who_have_not_met_yet() -> None:
    # a–b met; the two perfect matchings left are {a–c, b–d} (0.9 + 0.1 = 1.0) and
    # {a–d, b–c} (0.5 + 0.6 = 1.1): the second weighs more.
    weights = {pair(A, C): 0.9, pair(B, D): 0.1, pair(A, D): 0.5, pair(B, C): 0.6}
    groups = form_round([A, B, C, D], {pair(A, B)}, weights)
    assert groups == [(A, D), (B, C)]


def test_it_prefers_complementarity_when_nobody_has_met() -> None:
    # {a–b, c–d} = 0.2 + 0.2; {a–c, b–d} = 0.9 + 0.8 = 1.7; {a–d, b–c} = 0.0
    weights = {pair(A, B): 0.2, pair(C, D): 0.2, pair(A, C): 0.9, pair(B, D): 0.8}
    assert form_round([A, B, C, D], set(), weights) == [(A, C), (B, D)]
    assert form_round([A, B, C, D], set(), lambda x, y: weights.get(pair(x, y), 0.0)) == [
        (A, C),
        (B, D),
    ]


def test_it_puts_the_odd_one_where_they_make_the_most_new_ties() -> None:
    # a–b, c–d pair up (1.0 each); e has met c, so joins a and b (two new ties, not one).
    weights = {pair(A, B): 1.0, pair(C, D): 1.0}
    groups = form_round([A, B, C, D, E], {pair(E, C)}, weights)
    assert groups == [(A, B, E), (C, D)]


def test_it_repeats_the_least_recent_pairs_when_everyone_has_met() -> None:
    # Round 0: a–b, c–d; round 1: a–c, b–d; round 2: a–d, b–c. Round 0's pairs are the oldest.
    met = {pair(A, B): 0, pair(C, D): 0, pair(A, C): 1, pair(B, D): 1, pair(A, D): 2, pair(B, C): 2}
    assert form_round([A, B, C, D], met) == [(A, B), (C, D)]
    day = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    dated = {p: day + dt.timedelta(weeks=week) for p, week in met.items()}
    assert form_round([A, B, C, D], dated) == [(A, B), (C, D)]


@pytest.mark.parametrize(
    ("n", "size", "sizes"),
    [
        (0, 2, []),
        (1, 2, [1]),
        (2, 2, [2]),
        (3, 2, [3]),
        (5, 2, [2, 3]),
        (8, 2, [2, 2, 2, 2]),
        (4, 4, [4]),
        (5, 4, [3, 2]),
        (6, 4, [3, 3]),
        (7, 4, [4, 3]),
        (9, 4, [3, 3, 3]),
        (10, 4, [4, 3, 3]),
        (13, 4, [4, 3, 3, 3]),
        (6, 3, [3, 3]),
        (7, 3, [3, 4]),
        (8, 3, [4, 4]),
        (11, 3, [3, 4, 4]),
    ],
)
def test_it_sizes_groups(n: int, size: int, sizes: list[int]) -> None:
    assert group_sizes(n, size) == sizes
    assert sum(sizes) == n


def test_it_refuses_groups_of_five() -> None:
    with pytest.raises(ValueError, match="2, 3 or 4"):
        form_round(range(10), group_size=5)


@pytest.mark.parametrize(("n", "size"), [(10, 4), (13, 4), (9, 3), (11, 3), (5, 4), (3, 2)])
def test_it_forms_groups_of_three_and_four(n: int, size: int) -> None:
    groups = form_round(range(n), set(), group_size=size, seed=1)
    assert placed(groups) == list(range(n))
    assert sorted(len(g) for g in groups) == sorted(group_sizes(n, size))


def test_groups_of_four_avoid_people_who_met() -> None:
    # 8 people who met their neighbours on a circle: only {0, 2, 4, 6} and {1, 3, 5, 7}
    # avoid every repeat.
    met = {pair(i, (i + 1) % 8) for i in range(8)}
    for seed in range(5):
        groups = form_round(range(8), met, group_size=4, seed=seed)
        assert groups == [(0, 2, 4, 6), (1, 3, 5, 7)]


@pytest.mark.parametrize("seed", [0, 1])
def test_forty_members_get_39_rounds_without_meeting_twice(seed: int) -> None:
    """A round-robin (a 1-factorisation of K40) found one round at a time, while still
    following random complementarity weights (plain greedy rounds get stuck at 37 for about
    half of such weightings)."""
    rng = random.Random(seed)
    weights = {pair(x, y): rng.random() for x, y in itertools.combinations(range(40), 2)}
    met: dict[frozenset, int] = {}
    for number in range(39):
        groups = form_round(range(40), met, weights, seed=number)
        assert repeated_pairs(groups, met) == [], f"round {number}"
        assert placed(groups) == list(range(40))
        met.update(dict.fromkeys(pairs_of(groups), number))
    assert len(met) == 40 * 39 // 2


def test_a_large_round_places_everyone_and_repeats_nobody() -> None:
    rng = random.Random(3)
    people = list(range(150))
    met = {pair(x, y) for x, y in itertools.combinations(people, 2) if rng.random() < 0.5}
    groups = form_round(people, met, lambda x, y: ((x * 7 + y * 13) % 10) / 10)
    assert placed(groups) == people
    assert repeated_pairs(groups, met) == []


def unmet_perfect_matching_exists(n: int, met: set[frozenset]) -> bool:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(
        (x, y) for x, y in itertools.combinations(range(n), 2) if pair(x, y) not in met
    )
    return 2 * len(nx.max_weight_matching(graph, maxcardinality=True)) == n


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(2, 16),
    density=st.floats(0.0, 1.0),
    seed=st.integers(0, 1_000),
    size=st.sampled_from([2, 3, 4]),
)
def test_every_round_places_everyone_once_and_avoids_repeats_it_can(
    n: int, density: float, seed: int, size: int
) -> None:
    rng = random.Random(seed)
    met = {pair(x, y) for x, y in itertools.combinations(range(n), 2) if rng.random() < density}
    weights = {pair(x, y): rng.random() for x, y in itertools.combinations(range(n), 2)}
    groups = form_round(range(n), met, weights, group_size=size, seed=seed)
    assert placed(groups) == list(range(n))
    assert sorted(len(g) for g in groups) == sorted(group_sizes(n, size))
    if size == 2 and n % 2 == 0 and unmet_perfect_matching_exists(n, met):
        assert repeated_pairs(groups, met) == []


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 15).filter(lambda n: n % 2), seed=st.integers(0, 1_000))
def test_odd_rounds_make_one_group_of_three(n: int, seed: int) -> None:
    groups = form_round(range(n), set(), seed=seed)
    assert sorted(len(g) for g in groups) == [2] * (n // 2 - 1) + [3]
    assert repeated_pairs(groups, set()) == []
