"""The ties graph: who knows whom, and how well, from what members did together. No Django.

Every interaction between two members (a co-attended event, a "who did you meet?" answer, an
accepted introduction, an exchange, a lunch, the same company) adds evidence to their tie; the
evidence fades exponentially with a half-life (Ebbinghaus-style forgetting, as in the decayed
tie strength of Gilbert & Karahalios, "Predicting tie strength with social media", CHI 2009,
whose "days since last communication" is one of the strongest predictors):

    evidence(a, b) = Σ  KIND_WEIGHTS[kind] · weight · 2^(−age_days / half_life_days)
    strength(a, b) = 1 − exp(−evidence(a, b))                    in [0, 1)

The saturation keeps strengths comparable: one "met" today gives 1 − e⁻¹ ≈ 0.63, a second
one ≈ 0.86; fifty shared afterworks cannot outweigh that by much. Same-company ties do not
decay (`DECAYING`): they are a state, and the caller passes only current colleagues.

Big events tie people weakly: `event_interactions` weighs each co-attendance by
min(1, SMALL_EVENT / (n − 1)) for an event of n people (Newman's 1/(n − 1) weighting of
collaborations, "Scientific collaboration networks. II", Phys. Rev. E 64, 2001).

Coordination distance (for teams): the shortest path where an edge of strength s has length
1/s (≥ 1: a strong tie ≈ 1.2, a faint one much more), capped at `stranger_distance` — the
cost of working with someone nobody in the team knows. A truncated shortest-path distance is
still a metric (min(d, C) keeps the triangle inequality), which RarestFirst's guarantee needs.

Cost: `from_interactions` is O(I) for I interactions; `distance` runs Dijkstra from each new
source once, O(E log V), then answers from a per-source cache.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    EVENT = "event"  # attended the same event
    MET = "met"  # one said they met the other ("who did you meet?")
    INTRODUCTION = "introduction"  # an introduction between them was accepted
    EXCHANGE = "exchange"  # one helped the other (an answered ask, an outcome)
    LUNCH = "lunch"  # a lunch or coffee roulette group they were both in
    COMPANY = "company"  # they work for the same company (a state: pass current colleagues)


# Evidence one interaction of each kind adds (before decay): a conversation someone reports,
# or work together, says more than being in the same room.
KIND_WEIGHTS: Mapping[Kind, float] = {
    Kind.EVENT: 0.15,
    Kind.MET: 1.0,
    Kind.INTRODUCTION: 0.6,
    Kind.EXCHANGE: 0.8,
    Kind.LUNCH: 0.7,
    Kind.COMPANY: 2.0,
}
DECAYING = frozenset(set(Kind) - {Kind.COMPANY})

DEFAULT_HALF_LIFE_DAYS = 180.0  # a tie left alone for six months counts half
KNOWS_THRESHOLD = 0.5  # "knows": about one recent conversation, or a handful of small events
STRANGER_DISTANCE = 6.0  # coordination distance between people with no path (~ four weak hops)
MIN_EDGE_STRENGTH = 0.05  # fainter ties are not edges of the distance graph
SMALL_EVENT = 8  # co-attending an event of up to 9 people counts fully


@dataclass(frozen=True, slots=True)
class Interaction:
    """Something members `a` and `b` did together at `at` (aware or naive, like `now`)."""

    a: Hashable
    b: Hashable
    kind: Kind
    at: dt.datetime
    weight: float = 1.0  # a multiplier, e.g. from `event_interactions`


def event_interactions(
    attendees: Iterable[Hashable], at: dt.datetime, *, small_event: int = SMALL_EVENT
) -> Iterator[Interaction]:
    """The pairwise co-attendance of one event, weighed down for big events. O(n²)."""
    people = list(dict.fromkeys(attendees))
    n = len(people)
    if n < 2:
        return
    weight = min(1.0, small_event / (n - 1))
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            yield Interaction(a, b, Kind.EVENT, at, weight)


def decay(age_days: float, half_life_days: float) -> float:
    """2^(−age / half-life); an interaction dated in the future counts as today."""
    return 0.5 ** (max(0.0, age_days) / half_life_days)


def _pair(a: Hashable, b: Hashable) -> frozenset:
    return frozenset((a, b))


class TiesGraph:
    """Tie strengths between members, with neighbours and coordination distances."""

    def __init__(
        self,
        strengths: Mapping[frozenset, float],
        *,
        stranger_distance: float = STRANGER_DISTANCE,
        min_edge_strength: float = MIN_EDGE_STRENGTH,
    ) -> None:
        self._strength: dict[frozenset, float] = {}
        self._adjacent: dict[Hashable, dict[Hashable, float]] = {}
        for pair, strength in strengths.items():
            if len(pair) != 2 or strength <= 0.0:
                continue
            a, b = tuple(pair)
            self._strength[pair] = strength
            self._adjacent.setdefault(a, {})[b] = strength
            self._adjacent.setdefault(b, {})[a] = strength
        self.stranger_distance = stranger_distance
        self.min_edge_strength = min_edge_strength
        self._distances: dict[Hashable, dict[Hashable, float]] = {}

    @classmethod
    def from_interactions(
        cls,
        interactions: Iterable[Interaction],
        now: dt.datetime,
        half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
        **options: float,
    ) -> TiesGraph:
        """Sum each pair's decayed evidence and saturate it into a strength. O(I)."""
        if half_life_days <= 0:
            raise ValueError("The half-life must be a positive number of days.")
        evidence: dict[frozenset, float] = {}
        for it in interactions:
            if it.a == it.b:
                continue
            amount = KIND_WEIGHTS[Kind(it.kind)] * it.weight
            if it.kind in DECAYING:
                amount *= decay((now - it.at).total_seconds() / 86_400, half_life_days)
            pair = _pair(it.a, it.b)
            evidence[pair] = evidence.get(pair, 0.0) + amount
        return cls({p: 1.0 - math.exp(-e) for p, e in evidence.items()}, **options)

    def strength(self, a: Hashable, b: Hashable) -> float:
        return self._strength.get(_pair(a, b), 0.0)

    def knows(self, a: Hashable, b: Hashable, threshold: float = KNOWS_THRESHOLD) -> bool:
        return a == b or self.strength(a, b) >= threshold

    def neighbours(self, a: Hashable, threshold: float = 0.0) -> dict[Hashable, float]:
        """Everyone `a` has a tie with of at least `threshold`, with its strength."""
        return {b: s for b, s in self._adjacent.get(a, {}).items() if s >= threshold}

    def known(self, a: Hashable, threshold: float = KNOWS_THRESHOLD) -> set[Hashable]:
        return set(self.neighbours(a, threshold))

    def pairs(self) -> Iterator[tuple[frozenset, float]]:
        yield from self._strength.items()

    def __len__(self) -> int:
        return len(self._strength)

    def distance(self, a: Hashable, b: Hashable) -> float:
        """Coordination distance: shortest path with edge length 1/strength, capped at
        `stranger_distance` (also the distance between members with no path). 0 for a == b."""
        if a == b:
            return 0.0
        if a not in self._distances and b in self._distances:
            a, b = b, a
        return self.distances_from(a).get(b, self.stranger_distance)

    def distances_from(self, source: Hashable) -> dict[Hashable, float]:
        """Dijkstra from `source` over ties of at least `min_edge_strength`, up to the cap."""
        cached = self._distances.get(source)
        if cached is not None:
            return cached
        cap = self.stranger_distance
        done: dict[Hashable, float] = {}
        heap: list[tuple[float, int, Hashable]] = [(0.0, 0, source)]
        tie_breaker = 1
        while heap:
            d, _, node = heapq.heappop(heap)
            if node in done:
                continue
            done[node] = d
            for other, strength in self._adjacent.get(node, {}).items():
                if other in done or strength < self.min_edge_strength:
                    continue
                nd = d + 1.0 / strength
                if nd < cap:
                    heapq.heappush(heap, (nd, tie_breaker, other))
                    tie_breaker += 1
        self._distances[source] = done
        return done

    def hops(self, a: Hashable, b: Hashable, threshold: float = KNOWS_THRESHOLD) -> int | None:
        """Fewest "knows" ties from `a` to `b` (breadth-first), or None if not connected."""
        if a == b:
            return 0
        seen, frontier, depth = {a}, [a], 0
        while frontier:
            depth += 1
            nxt = []
            for node in frontier:
                for other, strength in self._adjacent.get(node, {}).items():
                    if strength < threshold or other in seen:
                        continue
                    if other == b:
                        return depth
                    seen.add(other)
                    nxt.append(other)
            frontier = nxt
        return None
