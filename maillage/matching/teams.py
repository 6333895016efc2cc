"""Teams of experts that cover a project's skills and work well together. No Django.

`form_team` follows RarestFirst (Lappas, Liu & Terzi, "Finding a team of experts in social
networks", KDD 2009). The coordination cost is the paper's diameter cost Cc-R: the largest
distance between two members of the team, distances being shortest paths in the ties graph
(`TiesGraph.distance`: edge length 1/strength, capped for strangers). RarestFirst:

1. take the required skill with the fewest holders, a_rare;
2. for each holder i of a_rare, R(i) = max over the other skills a of d(i, nearest holder of a);
3. the team is the best i with the nearest holder of every other skill.

Refinements that keep the paper's guarantee (diameter ≤ 2 × optimum, by the triangle
inequality: every member is within R(i) of i, and R(i_opt) ≤ OPT for the optimal team's holder
of a_rare), because the paper's own team is always among those compared:

- each seed is judged by the diameter of the team it yields, not by its radius R(i);
- each seed grows two teams: the paper's (nearest holder to the seed) and a compact one (the
  holder nearest to the farthest member so far), and the better is kept;
- `pivots="all"` (default) also seeds teams with the holders of every other required skill,
  not only the rarest's (`pivots="rarest"`: the paper's choice);
- a skill already held by a chosen member needs no one else, and members whose skills the
  others cover are dropped.

The `matching` benchmark compares both with the exact optimum (docs/benchmarks.md).

Fairness: among holders of a skill within `load_tolerance` (relative) of the nearest one,
the least loaded is taken (`Expert.load`: current projects), and among seeds within the same
tolerance of the best diameter, the team with the lowest total load, then the smallest. This
spreads work at a bounded price: diameter ≤ 2 (1 + t)² × optimum (t = 0 gives the paper's 2).

`max_size` caps the team after redundant members are dropped; a seed whose team is too big is
skipped. None when a skill has no holder (see `missing_skills`) or no seed fits.

`exact_team` finds the optimum by branch and bound (for tests and the benchmark's reference):
branch on the holders of the uncovered skill with the fewest holders, prune when the partial
diameter reaches the best found. Exponential in the number of skills; fine below ~8 skills and
~40 experts.

Cost of `form_team`: O(P · |T| · |E| · |T|) distance calls, for T the required skills, E the
experts holding one of them and P the seeds (|S(a_rare)|, or |E| with `pivots="all"`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

MemberId = Hashable
Skill = Hashable
Distance = Callable[[MemberId, MemberId], float]

LOAD_TOLERANCE = 0.1


@dataclass(frozen=True, slots=True)
class Expert:
    member_id: MemberId
    skills: frozenset[Skill]
    load: int = 0  # projects they are already on


@dataclass(frozen=True, slots=True)
class Team:
    members: tuple[MemberId, ...]
    covers: tuple[tuple[Skill, MemberId], ...]  # (skill, who brings it), in skill order
    cost: float  # diameter: the largest distance between two members (Cc-R)
    sum_distance: float  # sum of pairwise distances (Cc-Sum, reported, not optimised)
    load: int  # total load of the members

    def __len__(self) -> int:
        return len(self.members)


def diameter(members: Sequence[MemberId], distance: Distance) -> float:
    return max((distance(a, b) for a, b in combinations(members, 2)), default=0.0)


def missing_skills(required: Iterable[Skill], experts: Iterable[Expert]) -> set[Skill]:
    """Required skills nobody has: no team can cover them."""
    held: set[Skill] = set()
    for expert in experts:
        held |= expert.skills
    return set(required) - held


def _holders(required: list[Skill], experts: Iterable[Expert]) -> dict[Skill, list[Expert]]:
    holders: dict[Skill, list[Expert]] = {skill: [] for skill in required}
    for expert in experts:
        for skill in expert.skills:
            if skill in holders:
                holders[skill].append(expert)
    return holders


def _ordered(items: Iterable) -> list:
    items = list(items)
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _make_team(members: list[Expert], required: list[Skill], distance: Distance) -> Team:
    ids = [e.member_id for e in members]
    covers = []
    for skill in required:
        holder = next(e for e in members if skill in e.skills)
        covers.append((skill, holder.member_id))
    pairwise = [distance(a, b) for a, b in combinations(ids, 2)]
    return Team(
        members=tuple(ids),
        covers=tuple(covers),
        cost=max(pairwise, default=0.0),
        sum_distance=sum(pairwise),
        load=sum(e.load for e in members),
    )


def _prune(members: list[Expert], required: list[Skill], distance: Distance) -> list[Expert]:
    """Drop members whose skills the others cover, farthest from the rest first."""
    members = list(members)

    def spread(e: Expert, team: list[Expert]) -> float:
        return sum(distance(e.member_id, o.member_id) for o in team if o is not e)

    changed = True
    while changed:
        changed = False
        team = members
        for expert in sorted(team[1:], key=lambda e: (-spread(e, team), -e.load)):
            others = [o for o in members if o is not expert]
            if all(any(skill in o.skills for o in others) for skill in required):
                members = others
                changed = True
                break
    return members


def _grow(
    seed: Expert,
    skills: list[Skill],
    holders: dict[Skill, list[Expert]],
    required: set[Skill],
    distance: Distance,
    slack: float,
    *,
    compact: bool,
) -> list[Expert]:
    """The team around `seed`: for each skill not yet held, the nearest holder to the seed
    (the paper), or with `compact` the holder nearest to the farthest member so far."""
    team = [seed]
    for skill in skills:
        if any(skill in e.skills for e in team):
            continue
        if compact:

            def far(h: Expert) -> float:
                return max(distance(h.member_id, e.member_id) for e in team)
        else:

            def far(h: Expert) -> float:
                return distance(seed.member_id, h.member_id)

        reach = {h.member_id: far(h) for h in holders[skill]}
        near = min(reach.values())
        close = [h for h in holders[skill] if reach[h.member_id] <= near * slack]
        # The least loaded of the nearly nearest; then the one bringing more skills.
        team.append(
            min(close, key=lambda h: (h.load, -len(h.skills & required), reach[h.member_id]))
        )
    return team


def form_team(
    required_skills: Iterable[Skill],
    experts: Iterable[Expert],
    distance: Distance,
    *,
    max_size: int | None = None,
    load_tolerance: float = LOAD_TOLERANCE,
    pivots: str = "all",
    compact: bool = True,
) -> Team | None:
    """A team covering `required_skills` at low diameter, by RarestFirst (module docstring).

    `pivots="rarest"` seeds teams with the holders of the rarest skill only, as in the paper;
    "all" (the default) also seeds them with the holders of every other required skill.
    `compact=False` grows only the paper's team around each seed."""
    if pivots not in ("all", "rarest"):
        raise ValueError('pivots is "all" or "rarest".')
    required = _ordered(set(required_skills))
    pool = list({e.member_id: e for e in experts}.values())
    if not required:
        return Team((), (), 0.0, 0.0, 0)
    holders = _holders(required, pool)
    if any(not h for h in holders.values()):
        return None
    wanted = set(required)
    by_rarity = sorted(required, key=lambda s: len(holders[s]))  # stable: ties in skill order
    pivot_skills = by_rarity[:1] if pivots == "rarest" else by_rarity
    slack = 1.0 + load_tolerance
    options: list[tuple[float, int, int, Team]] = []
    seen: set[tuple] = set()
    for pivot in pivot_skills:
        # Rarest first for the others too: scarce skills are placed before common ones.
        others = [s for s in by_rarity if s != pivot]
        for seed in holders[pivot]:
            for grow_compact in (False, True) if compact else (False,):
                team = _grow(seed, others, holders, wanted, distance, slack, compact=grow_compact)
                team = _prune(team, required, distance)
                key = tuple(sorted(map(repr, (e.member_id for e in team))))
                if key in seen or (max_size is not None and len(team) > max_size):
                    continue
                seen.add(key)
                made = _make_team(team, required, distance)
                options.append((made.cost, made.load, len(made), made))
    if not options:
        return None
    best = min(cost for cost, *_ in options)
    near_best = [o for o in options if o[0] <= best * slack + 1e-12]
    return min(near_best, key=lambda o: (o[1], o[2], o[0]))[3]


def exact_team(
    required_skills: Iterable[Skill],
    experts: Iterable[Expert],
    distance: Distance,
    *,
    max_size: int | None = None,
) -> Team | None:
    """The team of least diameter covering every skill (then least load, then fewest people),
    by branch and bound over minimal covers. Exponential: for small instances only."""
    required = _ordered(set(required_skills))
    pool = list({e.member_id: e for e in experts}.values())
    if not required:
        return Team((), (), 0.0, 0.0, 0)
    holders = _holders(required, pool)
    if any(not h for h in holders.values()):
        return None
    limit = len(required) if max_size is None else min(max_size, len(required))
    best: list = [(math.inf, math.inf, math.inf), None]

    def search(team: list[Expert], cost: float) -> None:
        uncovered = [s for s in required if not any(s in e.skills for e in team)]
        if not uncovered:
            key = (cost, sum(e.load for e in team), len(team))
            if key < best[0]:
                best[0], best[1] = key, list(team)
            return
        if len(team) >= limit:
            return
        skill = min(uncovered, key=lambda s: len(holders[s]))
        for expert in holders[skill]:
            new_cost = max([cost, *(distance(expert.member_id, e.member_id) for e in team)])
            if new_cost > best[0][0]:
                continue
            team.append(expert)
            search(team, new_cost)
            team.pop()

    search([], 0.0)
    if best[1] is None:
        return None
    return _make_team(best[1], required, distance)
