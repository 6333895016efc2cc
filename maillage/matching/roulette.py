"""Lunch / coffee roulette: one round of pairs (or groups of 3–4) that make new ties. No Django.

A round is a maximum-weight matching on the graph of participants who have not met yet
(Edmonds' blossom algorithm, "Paths, trees, and flowers", 1965, as implemented by networkx:
O(n³)), with maximum cardinality first. Edge weights are integers, so the order of priorities
is exact:

1. as many not-yet-met pairs as possible (each is worth more than all the rest together);
2. then complementarity (`weights`, clamped to [0, 1]);
3. when a repeat is unavoidable (someone has met every other participant), the pairs who met
   least recently (`met_pairs` as a mapping pair → when they last met; a plain set counts
   every past meeting as equally old).

Look-ahead (the end game). Repeating greedy rounds on a fixed group can get stuck: for 40
members, about half of the random weightings leave, after 37 rounds, a 2-regular remainder of
odd cycles, which has no perfect matching, although the 39 rounds of a round-robin existed.
So when few unmet partners are left (minimum unmet degree k ≤ END_GAME_DEGREE, maximum at
most twice that, at most END_GAME_MAX participants), the round is chosen among k disjoint perfect matchings of the
unmet graph, found by exact-cover backtracking (Knuth's "choose the most constrained
column", here: the (member, round) with the fewest possible partners; candidates heaviest
first); the heaviest of the k is played. The remaining k − 1 are then still there, so the same
group has k − 1 more repeat-free rounds: 40 members get their 39. The search is bounded
(END_GAME_BUDGET steps); if it fails, the plain matching is played.

Odd counts: a virtual "bye" joins the matching; whoever it draws joins the pair where they
add the most new ties (then complementarity), making one group of 3.

Groups of 3–4 (`group_size` 3 or 4): the sizes are fixed first (all of `group_size`, with the
fewest groups of the other size that make the count work, e.g. 10 → 4 + 3 + 3); pairs are
formed as above; the lowest-weight pairs are split into singles, one per group of 3; then a
second maximum-weight matching on the pairs and singles (never single with single) merges
them, with weights counting the new ties across (first) and complementarity; finally, each
group still holding a repeat swaps one or two members with another group while that pays
(first fewer repeats, then complementarity). A heuristic: groups are not optimal, and
repeats inside groups are only avoided as far as that allows.

Large rounds: beyond DENSE_MAX participants (or units to merge), each keeps only its
CANDIDATES heaviest unmet pairs plus EXTRA_RANDOM random ones (enough for a perfect matching
in practice; the random ones matter when weights tie); if someone is left unmatched, they get
back all their unmet pairs and the matching runs again; whoever is still left is matched
among the leftovers, repeats allowed (least recent first). A round of 300 costs O(n²) weight
evaluations plus a blossom on ~1,500 edges: about 0.3 s of CPU (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from itertools import combinations

import networkx as nx

MemberId = Hashable
Weights = Mapping[frozenset, float] | Callable[[MemberId, MemberId], float] | None

SCALE = 1_000  # complementarity and recency, as integers in [0, SCALE]
DENSE_MAX = 80  # beyond, a sparse candidate graph
CANDIDATES = 6  # heaviest unmet pairs kept per participant in a large round
EXTRA_RANDOM = 2  # random unmet pairs kept per participant in a large round
END_GAME_DEGREE = 8
END_GAME_MAX = 120
END_GAME_BUDGET = 60_000
REPAIR_BUDGET = 30_000  # swaps tried at most when repairing groups of 3–4


class _Bye:
    """The virtual participant of odd rounds: whoever it draws joins a pair."""

    def __repr__(self) -> str:
        return "BYE"


BYE = _Bye()


def _complementarity(weights: Weights) -> Callable[[MemberId, MemberId], int]:
    if weights is None:
        return lambda a, b: 0
    if isinstance(weights, Mapping):
        table = weights

        def lookup(a: MemberId, b: MemberId) -> int:
            return round(SCALE * min(1.0, max(0.0, table.get(frozenset((a, b)), 0.0))))

        return lookup
    fn = weights

    def call(a: MemberId, b: MemberId) -> int:
        return round(SCALE * min(1.0, max(0.0, fn(a, b))))

    return call


def _staleness(met_pairs: Collection[frozenset] | Mapping[frozenset, object]):
    """met pair → how long ago, as an integer in [0, SCALE] (SCALE: the oldest)."""
    if not isinstance(met_pairs, Mapping) or not met_pairs:
        return lambda pair: SCALE
    times = {pair: _number(when) for pair, when in met_pairs.items()}
    newest, oldest = max(times.values()), min(times.values())
    span = (newest - oldest) or 1.0

    def stale(pair: frozenset) -> int:
        return round(SCALE * (newest - times.get(pair, oldest)) / span)

    return stale


def _number(when: object) -> float:
    """A round index, a timestamp, or a date(time), as a number that grows with time."""
    if isinstance(when, dt.datetime):
        return when.timestamp()
    if isinstance(when, dt.date):
        return float(when.toordinal())
    return float(when)  # type: ignore[arg-type]


def group_sizes(n: int, group_size: int) -> list[int]:
    """Sizes of the groups for n participants: `group_size` mostly, never 1 unless n is 1."""
    if group_size not in (2, 3, 4):
        raise ValueError("Groups are of 2, 3 or 4 people.")
    if n <= 0:
        return []
    if n <= group_size or n < 4:
        return [n]
    if group_size == 2:
        return [2] * (n // 2 - 1) + [3] if n % 2 else [2] * (n // 2)
    if group_size == 4:
        fours, rest = divmod(n, 4)
        threes = {0: 0, 3: 1, 2: 2, 1: 3}[rest]
        fours = (n - 3 * threes) // 4
        if fours < 0:  # n = 5
            return [3, 2]
        return [4] * fours + [3] * threes
    threes, rest = divmod(n, 3)
    fours = rest  # each extra member turns a 3 into a 4
    if n == 5:
        return [3, 2]
    return [3] * (threes - fours) + [4] * fours


class _Round:
    """One round's participants and their edge weights (integers)."""

    def __init__(self, participants: Sequence[MemberId], met_pairs, weights: Weights) -> None:
        self.people = list(participants)
        self.met = met_pairs
        self.comp = _complementarity(weights)
        self.stale = _staleness(met_pairs)
        # One more unmet pair must outweigh everything else a matching can hold.
        self.new_tie = (len(self.people) + 1) * 2 * (SCALE + 1)

    def is_new(self, a: MemberId, b: MemberId) -> bool:
        return a is BYE or b is BYE or frozenset((a, b)) not in self.met

    def weight(self, a: MemberId, b: MemberId) -> int:
        if a is BYE or b is BYE:
            return self.new_tie
        pair = frozenset((a, b))
        if pair in self.met:
            return self.stale(pair)
        return self.new_tie + self.comp(a, b)

    def group_weight(self, group: Sequence[MemberId], other: Sequence[MemberId]) -> int:
        """Merging two parts of a group: new ties across them first, then complementarity."""
        total = 0
        for a in group:
            for b in other:
                total += self.weight(a, b)
        return total


def _matching(nodes: Sequence, weight: Callable[[object, object], int], edges=None) -> set:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    pairs = edges if edges is not None else combinations(nodes, 2)
    for a, b in pairs:
        graph.add_edge(a, b, weight=weight(a, b))
    return {frozenset(e) for e in nx.max_weight_matching(graph, maxcardinality=True)}


def _pairs(rnd: _Round, people: list[MemberId], rng: random.Random) -> list[frozenset]:
    """A maximum-weight perfect matching of `people` (even count, BYE included if odd)."""
    end_game = _end_game(rnd, people)
    if end_game is not None:
        return end_game
    if len(people) <= DENSE_MAX:
        unmet = [(a, b) for a, b in combinations(people, 2) if rnd.is_new(a, b)]
        matching = _matching(people, rnd.weight, unmet)
        if 2 * len(matching) < len(people):  # repeats unavoidable: the complete graph
            matching = _matching(people, rnd.weight)
        return sorted(matching, key=_pair_key)
    return _sparse_pairs(rnd, people, rng)


def _sparse_pairs(rnd: _Round, people: list[MemberId], rng: random.Random) -> list[frozenset]:
    edges: set[tuple] = set()
    index = {p: i for i, p in enumerate(people)}
    for a in people:
        unmet = [b for b in people if b is not a and rnd.is_new(a, b)]
        best = sorted(unmet, key=lambda b: rnd.weight(a, b), reverse=True)[:CANDIDATES]
        extra = rng.sample(unmet, min(EXTRA_RANDOM, len(unmet)))
        for b in (*best, *extra):
            edges.add((a, b) if index[a] < index[b] else (b, a))
    matching = _matching(
        people, rnd.weight, sorted(edges, key=lambda e: (index[e[0]], index[e[1]]))
    )
    left = _unmatched(people, matching)
    if left:  # no perfect matching in the sparse graph: give the leftovers all their options
        for a in left:
            for b in people:
                if b is not a and rnd.is_new(a, b):
                    edges.add((a, b) if index[a] < index[b] else (b, a))
        ordered = sorted(edges, key=lambda e: (index[e[0]], index[e[1]]))
        matching = _matching(people, rnd.weight, ordered)
        left = _unmatched(people, matching)
    if left:
        matching |= _matching(left, rnd.weight)  # repeats unavoidable: least recent first
    return sorted(matching, key=_pair_key)


def _unmatched(people: list[MemberId], matching: set[frozenset]) -> list[MemberId]:
    matched = {p for pair in matching for p in pair}
    return [p for p in people if p not in matched]


def _pair_key(pair: frozenset) -> tuple:
    return tuple(sorted(repr(p) for p in pair))


# --- the end game ----------------------------------------------------------------------------


def _end_game(rnd: _Round, people: list[MemberId]) -> list[frozenset] | None:
    """The heaviest of k disjoint perfect matchings of the unmet graph, if few unmet partners
    are left (k = the minimum unmet degree); None to play the plain matching."""
    n = len(people)
    if n > END_GAME_MAX or n < 4:
        return None
    adjacent = {a: [b for b in people if b is not a and rnd.is_new(a, b)] for a in people}
    degrees = [len(adjacent[a]) for a in people if a is not BYE]
    k = min(degrees)
    # Only a sparse unmet graph: the search costs O(n · k · degree) per step.
    if k == 0 or k > END_GAME_DEGREE or max(degrees) > 2 * END_GAME_DEGREE:
        return None
    for a in people:  # heaviest partners first
        adjacent[a].sort(key=lambda b, a=a: rnd.weight(a, b), reverse=True)
    rounds = _disjoint_perfect_matchings(people, adjacent, k)
    if rounds is None:
        return None

    def total(matching: list[frozenset]) -> int:
        return sum(rnd.weight(*tuple(pair)) for pair in matching)

    return sorted(max(rounds, key=total), key=_pair_key)


def _disjoint_perfect_matchings(
    people: list[MemberId], adjacent: Mapping[MemberId, list[MemberId]], k: int
) -> list[list[frozenset]] | None:
    """k edge-disjoint perfect matchings (each member gets one partner per colour 0..k−1), by
    backtracking on the (member, colour) with the fewest free partners. None if not found
    within END_GAME_BUDGET steps."""
    partner: dict[MemberId, dict[int, MemberId]] = {p: {} for p in people}
    used: set[frozenset] = set()
    steps = 0

    def most_constrained() -> tuple[MemberId, int, list[MemberId]] | None:
        best: tuple[MemberId, int, list[MemberId]] | None = None
        for a in people:
            colours = partner[a]
            if len(colours) == k:
                continue
            for colour in range(k):
                if colour in colours:
                    continue
                free = [
                    b
                    for b in adjacent[a]
                    if colour not in partner[b] and frozenset((a, b)) not in used
                ]
                if best is None or len(free) < len(best[2]):
                    best = (a, colour, free)
                    if len(free) <= 1:
                        return best
        return best

    def search() -> bool:
        nonlocal steps
        steps += 1
        if steps > END_GAME_BUDGET:
            raise TimeoutError
        choice = most_constrained()
        if choice is None:
            return True
        a, colour, free = choice
        for b in free:
            pair = frozenset((a, b))
            used.add(pair)
            partner[a][colour], partner[b][colour] = b, a
            if search():
                return True
            used.discard(pair)
            del partner[a][colour], partner[b][colour]
        return False

    try:
        if not search():
            return None
    except TimeoutError:
        return None
    except RecursionError:  # pragma: no cover - only for groups far above END_GAME_MAX
        return None
    return [
        sorted({frozenset((a, partner[a][c])) for a in people}, key=_pair_key) for c in range(k)
    ]


# --- the round -------------------------------------------------------------------------------


def form_round(
    participants: Iterable[MemberId],
    met_pairs: Collection[frozenset] | Mapping[frozenset, object] = frozenset(),
    weights: Weights = None,
    *,
    group_size: int = 2,
    seed: int = 0,
) -> list[tuple[MemberId, ...]]:
    """The groups of one round: everyone exactly once (see the module docstring).

    `met_pairs`: pairs who already met (a set of frozensets), or a mapping pair → when they
    last met (a round index, a timestamp, a date or an aware datetime). `weights`: the
    complementarity of a pair in [0, 1], as a mapping of frozensets or a function
    (a, b) → float. `seed` shuffles the participants, which breaks ties between equal choices.
    """
    people = list(dict.fromkeys(participants))
    sizes = group_sizes(len(people), group_size)
    if len(sizes) <= 1:
        return [tuple(_ordered(people))] if people else []
    rng = random.Random(seed)
    people = _ordered(people)
    rng.shuffle(people)
    rnd = _Round(people, met_pairs, weights)
    nodes = [*people, BYE] if len(people) % 2 else people
    pairs = [tuple(pair) for pair in _pairs(rnd, nodes, rng)]
    single = next((next(p for p in pair if p is not BYE) for pair in pairs if BYE in pair), None)
    pairs = [_ordered(pair) for pair in pairs if BYE not in pair]
    if group_size == 2 or 2 in sizes:  # 2 in sizes: five people, a pair and a three
        groups = [list(pair) for pair in pairs]
        if single is not None:
            best = max(groups, key=lambda g: rnd.group_weight(g, [single]))
            best.append(single)
        return _tidy(groups)
    groups = _merge(rnd, pairs, [single] if single is not None else [], sizes, rng)
    return _tidy(_repair(rnd, groups))


def _merge(
    rnd: _Round,
    pairs: list[list[MemberId]],
    singles: list[MemberId],
    sizes: list[int],
    rng: random.Random,
) -> list[list[MemberId]]:
    """Pairs and singles into groups of the given sizes (3 = pair + single, 4 = two pairs)."""
    threes = sizes.count(3)
    pairs = sorted(pairs, key=lambda p: rnd.weight(p[0], p[1]))
    while len(singles) < threes:  # split the lightest pairs
        singles.extend(pairs.pop(0))
    units = [tuple(p) for p in pairs] + [(s,) for s in singles]

    def merge_weight(x: tuple, y: tuple) -> int:
        return rnd.group_weight(x, y)

    every = [(x, y) for x, y in combinations(units, 2) if len(x) + len(y) > 2]
    allowed, keep = every, set(every)
    if len(units) > DENSE_MAX:
        # Each unit keeps its heaviest merges with pairs and, apart, with singles: pairs
        # would otherwise keep only pairs (four ties across outweigh two), stranding singles.
        by_kind: dict[tuple[tuple, int], list[tuple[int, tuple[tuple, tuple]]]] = {}
        for x, y in every:
            w = merge_weight(x, y)
            by_kind.setdefault((x, len(y)), []).append((w, (x, y)))
            by_kind.setdefault((y, len(x)), []).append((w, (x, y)))
        keep = set()
        for options in by_kind.values():
            options.sort(key=lambda item: item[0], reverse=True)
            keep.update(edge for _, edge in options[:CANDIDATES])
            # and a few at random: equal weights (everyone met) would all pick the same ones
            extra = options[CANDIDATES:]
            keep.update(edge for _, edge in rng.sample(extra, min(EXTRA_RANDOM, len(extra))))
        allowed = [edge for edge in every if edge in keep]
    matching = _matching(units, merge_weight, allowed)
    stray = _unmatched(units, matching)
    if stray:  # the sparse graph had no perfect matching: give the strays every option
        strays = set(stray)
        allowed = [e for e in every if e in keep or e[0] in strays or e[1] in strays]
        matching = _matching(units, merge_weight, allowed)
        if _unmatched(units, matching):
            matching = _matching(units, merge_weight, every)
    return [[*x, *y] for x, y in (tuple(pair) for pair in matching)]


def _repair(rnd: _Round, groups: list[list[MemberId]], passes: int = 50) -> list[list[MemberId]]:
    """Swap one or two members between a group holding a repeat and any other group, the best
    swap first, while it pays (two at a time: some repeats only go away together)."""

    def score(group: Iterable[MemberId]) -> int:
        return sum(rnd.weight(a, b) for a, b in combinations(group, 2))

    def subsets(group: list[MemberId]) -> list[tuple[MemberId, ...]]:
        return [*combinations(group, 1), *combinations(group, 2)]

    budget = REPAIR_BUDGET
    for _ in range(passes):
        improved = False
        for g in groups:
            if budget <= 0:
                return groups
            if all(rnd.is_new(a, b) for a, b in combinations(g, 2)):
                continue
            best, move = 0, None
            base_g = score(g)
            for h in groups:
                if h is g:
                    continue
                base = base_g + score(h)
                for out in subsets(g):
                    for into in subsets(h):
                        if len(out) != len(into):
                            continue
                        budget -= 1
                        new_g = [p for p in g if p not in out] + list(into)
                        new_h = [p for p in h if p not in into] + list(out)
                        gain = score(new_g) + score(new_h) - base
                        if gain > best:
                            best, move = gain, (h, new_g, new_h)
            if move is not None:
                h, new_g, new_h = move
                g[:], h[:] = new_g, new_h
                improved = True
        if not improved:
            break
    return groups


def _ordered(items: Iterable[MemberId]) -> list[MemberId]:
    items = list(items)
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:
        return sorted(items, key=repr)


def _tidy(groups: list[list[MemberId]]) -> list[tuple[MemberId, ...]]:
    return sorted((tuple(_ordered(g)) for g in groups), key=lambda g: [repr(p) for p in g])


def repeated_pairs(
    groups: Iterable[Sequence[MemberId]], met_pairs: Collection[frozenset]
) -> list[frozenset]:
    """The pairs inside `groups` who had already met (what a round could not avoid)."""
    return [
        frozenset(pair)
        for group in groups
        for pair in combinations(group, 2)
        if frozenset(pair) in met_pairs
    ]


def pairs_of(groups: Iterable[Sequence[MemberId]]) -> set[frozenset]:
    """Every pair who meet in `groups` (to add to `met_pairs` after the round)."""
    return {frozenset(pair) for group in groups for pair in combinations(group, 2)}
