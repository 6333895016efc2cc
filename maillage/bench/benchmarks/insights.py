"""Insights: segment quality on the demo's hidden archetypes, recompute cost, dashboard latency.

Quality (no database): the pure demo generator's ledger, binned by week per member exactly as
the recompute does it, goes through `maillage.insights.engagement`; the segments are compared
with the archetypes the generator drew (`DemoPerson.archetype`, hidden from the product). The
benchmark is the only place that reads them.
"""

from __future__ import annotations

import collections
import datetime as dt
import time
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field

from maillage.bench.registry import Result, benchmark
from maillage.demo.generator import DemoConfig, DemoNetwork, DemoPerson, generate
from maillage.demo.network import MEMBER
from maillage.insights import engagement as eng

TENANT_COWORKER_F1_TARGET = 0.9
ARCHETYPE_ORDER = ("tenant", "coworker", "newcomer", "drifting", "day_pass")
# Kinds the engine reads: weighted ones, community ones; check-ins become days present.
_ZONE = zoneinfo.ZoneInfo("Europe/Paris")


def demo_activities(
    network: DemoNetwork, as_of: dt.date, config: eng.EngagementConfig
) -> Iterator[tuple[DemoPerson, eng.MemberActivity]]:
    """Each member's `MemberActivity` from the generator's ledger (person by person), binned
    in weeks back from `as_of` by local day, as the recompute bins the database's ledger."""
    weeks = config.weeks_needed
    useful = {k for k, w in config.weights.items() if w} | eng.COMMUNITY_KINDS
    seen: set[int] = set()

    def build(index: int, days: dict) -> tuple[DemoPerson, eng.MemberActivity]:
        person = network.people[index]
        seen.add(index)
        counts: dict[str, list[int]] = {}
        presence = [0] * weeks
        last_seen = None
        for day, by_kind in days.items():
            last_seen = day if last_seen is None or day > last_seen else last_seen
            week = (as_of - day).days // 7
            if week >= weeks or week < 0:
                continue
            for kind, n in by_kind.items():
                if kind == eng.CHECKED_IN:
                    presence[week] += 1
                elif kind in useful:
                    counts.setdefault(kind, [0] * weeks)[week] += n
        return person, eng.MemberActivity(
            member_id=index,
            joined_on=person.joined_on,
            counts={k: tuple(v) for k, v in counts.items()},
            presence=tuple(presence),
            last_seen_on=last_seen,
            left_on=person.left_on,
        )

    current, days = -1, {}
    for line in network.activities():
        if line.person_index != current:
            if current >= 0 and network.people[current].role == MEMBER:
                yield build(current, days)
            current, days = line.person_index, {}
        day = line.occurred_at.astimezone(_ZONE).date()
        by_kind = days.get(day)
        if by_kind is None:
            by_kind = days[day] = collections.Counter()
        by_kind[line.kind] += 1
    if current >= 0 and network.people[current].role == MEMBER:
        yield build(current, days)
    for person in network.people:  # members with no line at all (joined on the last day)
        if person.role == MEMBER and person.index not in seen:
            yield build(person.index, {})


@dataclass
class Quality:
    members: int
    seconds: float
    confusion: dict[str, collections.Counter] = field(default_factory=dict)  # truth → segments
    current: dict[str, collections.Counter] = field(default_factory=dict)  # not left only

    def f1(self, cls: str, *, current_only: bool = True, strict: bool = False) -> float:
        """F1 of one class (tenant or coworker). Not strict: among members whose hidden label
        is tenant or coworker (the two-class problem); strict: a member of any other archetype
        put in the class counts as a false positive."""
        matrix = self.current if current_only else self.confusion
        truths = matrix if strict else {t: matrix.get(t, {}) for t in ("tenant", "coworker")}
        tp = matrix.get(cls, {}).get(cls, 0)
        fn = sum(matrix.get(cls, {}).values()) - tp
        fp = sum(row.get(cls, 0) for truth, row in truths.items() if truth != cls)
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    def macro_f1(self, **kwargs) -> float:
        return (self.f1("tenant", **kwargs) + self.f1("coworker", **kwargs)) / 2


def classify_demo(
    members: int, spaces: int, config: eng.EngagementConfig = eng.DEFAULT_CONFIG, seed: int = 42
) -> Quality:
    """Segment every demo member as of the last day of the history; tally against archetypes."""
    started = time.perf_counter()
    network = generate(DemoConfig(members=members, spaces=spaces, seed=seed))
    as_of = network.config.end - dt.timedelta(days=1)
    # Two passes over stored activities: seasonality is a cohort figure (per operator).
    stored = list(demo_activities(network, as_of, config))
    by_operator: dict[int, list[eng.MemberActivity]] = collections.defaultdict(list)
    for person, activity in stored:
        by_operator[person.operator_index].append(activity)
    season = {op: eng.seasonality(acts, as_of, config) for op, acts in by_operator.items()}
    quality = Quality(members=len(stored), seconds=0.0)
    for person, activity in stored:
        result = eng.engagement(activity, as_of, config, seasonality=season[person.operator_index])
        quality.confusion.setdefault(person.archetype, collections.Counter())[result.segment] += 1
        if person.left_on is None:
            quality.current.setdefault(person.archetype, collections.Counter())[result.segment] += 1
    quality.seconds = time.perf_counter() - started
    return quality


def quality_results(quality: Quality) -> Iterator[Result]:
    macro = quality.macro_f1()
    yield Result(
        "quality.tenant_coworker_macro_f1",
        macro,
        "index",
        {"target": TENANT_COWORKER_F1_TARGET, "met": macro >= TENANT_COWORKER_F1_TARGET},
    )
    for cls in ("tenant", "coworker"):
        yield Result(f"quality.{cls}_f1", quality.f1(cls), "index")
    yield Result("quality.macro_f1_with_left", quality.macro_f1(current_only=False), "index")
    yield Result("quality.macro_f1_strict", quality.macro_f1(strict=True), "index")
    drifting = quality.current.get("drifting", collections.Counter())
    flagged = sum(row.get("drifting", 0) for row in quality.current.values())
    yield Result(
        "quality.drifting_recall",
        drifting["drifting"] / max(1, sum(drifting.values())),
        "index",
    )
    yield Result("quality.drifting_precision", drifting["drifting"] / max(1, flagged), "index")
    for truth in ARCHETYPE_ORDER:
        for name, matrix in (
            ("confusion", quality.confusion),
            ("confusion_current", quality.current),
        ):
            row = matrix.get(truth, collections.Counter())
            segments = {s: row.get(s, 0) for s in eng.SEGMENTS}
            yield Result(f"{name}.{truth}", sum(row.values()), "count", {"segments": segments})
    yield Result("quality.members", quality.members, "count")
    yield Result("quality.seconds", quality.seconds, "s")


@benchmark(
    "insights",
    "Segments vs the demo's hidden archetypes (tenant/coworker macro-F1, confusion matrix).",
    small={"quality_members": 1_000, "quality_spaces": 10, "seed": 42},
    large={"quality_members": 100_000, "quality_spaces": 1_000, "seed": 42},
)
def insights(ctx) -> Iterator[Result]:
    p = ctx.params
    ctx.log(f"segmenting {p['quality_members']:,} demo members (pure generator, no database)")
    yield from quality_results(
        classify_demo(p["quality_members"], p["quality_spaces"], seed=p["seed"])
    )
