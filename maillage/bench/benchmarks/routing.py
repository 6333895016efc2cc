"""Opportunity routing (`maillage.exchange.routing`): fairness, quality and speed, no database.

Simulates opportunities over members with skewed skills and routes each one twice, greedily
by relevance (top-k) and with amortized fairness of exposure (Biega et al. 2018) under the
policy the service uses (quality floor, newcomer and low-exposure boosts), each with its own
history; then times routing one opportunity among many candidates. Besides Biega's
unfairness, the exposure Gini and NDCG@k, each method reports `newcomer_exposure_ratio`
(newcomers' share of exposure over their share of relevance: 1 is fair, below 1 they wait)
and `starved` (members whose cumulative relevance is worth a shortlist place, R >= 1/k, but
who were never shown a lead: what the quality floor leaves out).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from maillage.bench.registry import Result, benchmark
from maillage.bench.stats import percentile
from maillage.exchange.routing import (
    DEFAULT_POLICY,
    Candidate,
    MemberHistory,
    RoutingDecision,
    RoutingPolicy,
    gini,
    ndcg_at_k,
    route,
    unfairness,
    update_history,
)

if TYPE_CHECKING:
    from maillage.bench.harness import Context

UNFAIRNESS_TARGET = 0.5  # ours / greedy, at most
NDCG_TARGET = 0.95  # ours / greedy, at least
LATENCY_TARGET_MS = 50.0
SWEEP_FLOORS = (0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.98, 1.0)


@dataclass(frozen=True)
class Member:
    member_id: int
    company_id: int
    skills: frozenset[int]
    level: float  # how good at their skills, 0-1
    joins_at: int  # the opportunity from which they are in the community


@dataclass(frozen=True)
class Opportunity:
    skills: tuple[int, ...]
    requester_company_id: int | None
    noise_seed: int


def _zipf_weights(n: int, exponent: float = 1.1) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(n)]


def community(members: int, skills: int, opportunities: int, seed: int) -> list[Member]:
    """Members whose skills follow a Zipf-like popularity; companies of 1 to 5 people; a
    tenth join during the simulation (newcomers)."""
    rng = random.Random(seed)
    weights = _zipf_weights(skills)
    out: list[Member] = []
    company = 0
    left_in_company = 0
    for member_id in range(1, members + 1):
        if left_in_company == 0:
            company += 1
            left_in_company = rng.choice((1, 1, 1, 2, 2, 3, 5))
        left_in_company -= 1
        count = min(skills, 1 + int(rng.expovariate(0.7)))
        held: set[int] = set()
        while len(held) < count:
            held.add(rng.choices(range(skills), weights)[0])
        joins = rng.randrange(opportunities) if rng.random() < 0.1 else 0
        out.append(Member(member_id, company, frozenset(held), rng.betavariate(2, 2), joins))
    return out


def opportunities(n: int, skills: int, members: list[Member], seed: int) -> list[Opportunity]:
    """Each needs 1 to 3 skills, drawn by the same popularity; a third come from a member."""
    rng = random.Random(seed + 1)
    weights = _zipf_weights(skills)
    out = []
    for _ in range(n):
        needed: set[int] = set()
        want = rng.choice((1, 1, 2, 2, 3))
        while len(needed) < want:
            needed.add(rng.choices(range(skills), weights)[0])
        company = rng.choice(members).company_id if rng.random() < 1 / 3 else None
        out.append(Opportunity(tuple(sorted(needed)), company, rng.randrange(2**32)))
    return out


def candidates_for(opportunity: Opportunity, members: list[Member], step: int) -> list[Candidate]:
    """Relevance: the share of the needed skills a member has, scaled by their level, with a
    little noise; members without any needed skill are not candidates."""
    rng = random.Random(opportunity.noise_seed)
    needed = set(opportunity.skills)
    out = []
    for m in members:
        if m.joins_at > step:
            continue
        overlap = len(needed & m.skills)
        if not overlap:
            continue
        relevance = overlap / len(needed) * (0.4 + 0.6 * m.level) + rng.uniform(-0.05, 0.05)
        out.append(
            Candidate(
                m.member_id,
                min(1.0, max(0.0, relevance)),
                company_id=m.company_id,
                is_newcomer=step - m.joins_at < 100 and m.joins_at > 0,
            )
        )
    return out


def greedy(
    candidates: list[Candidate], k: int, requester_company_id: int | None
) -> RoutingDecision:
    """The baseline: top-k by relevance, the same rules (threshold, company) otherwise."""
    return route(
        candidates,
        {},
        RoutingPolicy(k=k, quality_floor=1.0),
        requester_company_id=requester_company_id,
    )


@dataclass(frozen=True)
class Outcome:
    unfairness: float
    exposure_gini: float
    relevance_gini: float
    ndcg: float
    newcomer_exposure_ratio: float  # newcomers' share of exposure / their share of relevance
    starved: int  # members owed at least one place (R >= 1/k) who were never shown a lead


def simulate(
    *,
    members: int,
    skills: int,
    opportunities_count: int,
    k: int,
    seed: int,
    floor: float | None,
    newcomer_boost: float = 0.0,
    low_exposure_boost: float = 0.0,
) -> Outcome:
    """Route every opportunity in turn, updating the history; greedy when `floor` is None."""
    people = community(members, skills, opportunities_count, seed)
    work = opportunities(opportunities_count, skills, people, seed)
    policy = (
        RoutingPolicy(
            k=k,
            quality_floor=floor,
            newcomer_boost=newcomer_boost,
            low_exposure_boost=low_exposure_boost,
        )
        if floor is not None
        else None
    )
    history = {m.member_id: MemberHistory(m.member_id) for m in people}
    ndcgs = []
    for step, opportunity in enumerate(work):
        candidates = candidates_for(opportunity, people, step)
        if policy is None:
            decision = greedy(candidates, k, opportunity.requester_company_id)
        else:
            decision = route(
                candidates, history, policy, requester_company_id=opportunity.requester_company_id
            )
        if decision.relevance:  # someone was relevant
            eligible = [c.relevance for c in candidates if c.member_id in decision.relevance]
            ndcgs.append(ndcg_at_k([c.relevance for c in decision.shortlist], eligible, k))
        history = update_history(history, decision)
    hs = list(history.values())
    newcomers = [history[m.member_id] for m in people if m.joins_at > 0]
    total_a = sum(h.cumulative_exposure for h in hs)
    total_r = sum(h.cumulative_relevance for h in hs)
    new_a = sum(h.cumulative_exposure for h in newcomers) / total_a
    new_r = sum(h.cumulative_relevance for h in newcomers) / total_r
    return Outcome(
        unfairness=unfairness(history),
        exposure_gini=gini(h.cumulative_exposure for h in hs),
        relevance_gini=gini(h.cumulative_relevance for h in hs),
        ndcg=sum(ndcgs) / len(ndcgs),
        newcomer_exposure_ratio=new_a / new_r if new_r else 1.0,
        starved=sum(
            1 for h in hs if h.cumulative_relevance >= 1 / k and h.opportunities_received == 0
        ),
    )


def timing(policy: RoutingPolicy, candidates: int, runs: int, seed: int) -> list[float]:
    """Milliseconds to route one opportunity among `candidates` with a lived-in history."""
    rng = random.Random(seed + 2)
    times = []
    for _ in range(runs):
        pool = [
            Candidate(i, rng.random() ** 2, company_id=i // 3, is_newcomer=rng.random() < 0.05)
            for i in range(1, candidates + 1)
        ]
        history = {
            i: MemberHistory(i, rng.uniform(0, 4), rng.uniform(0, 4), rng.randrange(30), 30)
            for i in range(1, candidates + 1)
        }
        started = time.perf_counter_ns()
        route(pool, history, policy, requester_company_id=7)
        times.append((time.perf_counter_ns() - started) / 1e6)
    return sorted(times)


def _target(value: float, target: float, *, at_most: bool) -> dict:
    return {"target": target, "met": value <= target if at_most else value >= target}


@benchmark(
    "routing",
    "Opportunity routing: Biega unfairness, exposure Gini and NDCG@k vs greedy; route latency.",
    small={
        "opportunities": 1_000,
        "members": 300,
        "skills": 60,
        "k": 3,
        "floor": DEFAULT_POLICY.quality_floor,
        "newcomer_boost": DEFAULT_POLICY.newcomer_boost,
        "low_exposure_boost": DEFAULT_POLICY.low_exposure_boost,
        "seed": 6,
        "candidates": 1_000,
        "runs": 50,
        "sweep": False,
    },
    large={
        "opportunities": 1_000,
        "members": 300,
        "skills": 60,
        "k": 3,
        "floor": DEFAULT_POLICY.quality_floor,
        "newcomer_boost": DEFAULT_POLICY.newcomer_boost,
        "low_exposure_boost": DEFAULT_POLICY.low_exposure_boost,
        "seed": 6,
        "candidates": 1_000,
        "runs": 200,
        "sweep": True,
    },
)
def routing(ctx: Context) -> Iterator[Result]:
    p = ctx.params
    world = {
        "members": p["members"],
        "skills": p["skills"],
        "opportunities_count": p["opportunities"],
        "k": p["k"],
        "seed": p["seed"],
    }
    boosts = {
        "newcomer_boost": p["newcomer_boost"],
        "low_exposure_boost": p["low_exposure_boost"],
    }
    ctx.log(f"routing {p['opportunities']} opportunities over {p['members']} members, twice")
    greedy_out = simulate(**world, floor=None)
    ours = simulate(**world, floor=p["floor"], **boosts)
    for name, out in (("greedy", greedy_out), ("ours", ours)):
        yield Result(f"{name}.unfairness", out.unfairness, "index")
        yield Result(f"{name}.exposure_gini", out.exposure_gini, "index")
        yield Result(f"{name}.ndcg_at_k", out.ndcg, "index")
        yield Result(f"{name}.newcomer_exposure_ratio", out.newcomer_exposure_ratio, "x")
        yield Result(f"{name}.starved", out.starved, "members")
    yield Result("relevance_gini", ours.relevance_gini, "index")
    unfair_ratio = ours.unfairness / greedy_out.unfairness
    ndcg_ratio = ours.ndcg / greedy_out.ndcg
    yield Result(
        "unfairness_ratio",
        unfair_ratio,
        "x",
        _target(unfair_ratio, UNFAIRNESS_TARGET, at_most=True),
    )
    yield Result("ndcg_ratio", ndcg_ratio, "x", _target(ndcg_ratio, NDCG_TARGET, at_most=False))

    ctx.log(f"timing {p['runs']} routings among {p['candidates']} candidates")
    policy = RoutingPolicy(k=p["k"], quality_floor=p["floor"], **boosts)
    times = timing(policy, p["candidates"], p["runs"], p["seed"])
    for q in (50, 95):
        value = percentile(times, q)
        extra = {"candidates": p["candidates"], "runs": p["runs"]}
        if q == 95:
            extra |= _target(value, LATENCY_TARGET_MS, at_most=True)
        yield Result(f"route.p{q}", value, "ms", extra)

    if not p["sweep"]:
        return
    for floor in SWEEP_FLOORS:
        ctx.log(f"quality floor {floor}")
        o = simulate(**world, floor=floor, **boosts)
        extra = {"floor": floor}
        yield Result(
            f"floor_{floor:.2f}.unfairness_ratio", o.unfairness / greedy_out.unfairness, "x", extra
        )
        yield Result(f"floor_{floor:.2f}.ndcg_ratio", o.ndcg / greedy_out.ndcg, "x", extra)
        yield Result(f"floor_{floor:.2f}.exposure_gini", o.exposure_gini, "index", extra)
