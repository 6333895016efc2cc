"""Insights: segment quality on the demo's hidden archetypes, recompute cost, dashboard latency.

Quality (no database): the pure demo generator's ledger, binned by week per member exactly as
the recompute does it, goes through `maillage.insights.engagement`; the segments are compared
with the archetypes the generator drew (`DemoPerson.archetype`, hidden from the product). The
benchmark is the only place that reads them.

Database (`db=true`): on a copy of the scale's bench database (PostgreSQL: `CREATE DATABASE …
TEMPLATE`, SQLite: a file copy; dropped afterwards, so the bench data stays as it was), a full
`maillage insights_recompute --full` as of the history's last day, then one more day of ledger
(the lines of the same weekday a week before, a week later, through `activity_record_many`) and
the incremental recompute of the next day, each in a fresh process (time, peak memory); then
the staff dashboard `/staff/insights/` as Claire against `/health/` through granian.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import shutil
import time
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from maillage.bench.harness import BenchDatabase, Context, run_child
from maillage.bench.loadclient import LoadClient, Target, latency_results
from maillage.bench.registry import BenchmarkError, Result, benchmark
from maillage.demo.generator import DemoConfig, DemoNetwork, DemoPerson, generate
from maillage.demo.network import MEMBER
from maillage.insights import engagement as eng

TENANT_COWORKER_F1_TARGET = 0.9
DASHBOARD_RATIO_TARGET = 10.0  # dashboard p95 / minimal view p95, at most
CLAIRE = "claire@ruche.example"
DASHBOARD_MARK = 'id="segments-title"'  # only the dashboard with figures has it
STAFF_HOME_MARK = 'id="spaces-title"'
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


# --- the database part ------------------------------------------------------------------------


@contextlib.contextmanager
def database_copy(database: BenchDatabase, scale: str) -> Iterator[BenchDatabase]:
    """A throwaway copy of the loaded bench database, dropped afterwards."""
    copy = BenchDatabase.for_scale(scale, scratch=True)
    copy.drop()
    if database.vendor == "sqlite":
        for suffix in ("", "-wal"):
            source = Path(database.name + suffix)
            if source.exists():
                shutil.copyfile(source, copy.name + suffix)
    else:
        from psycopg import sql

        with database._admin() as conn:
            # FILE_COPY (PostgreSQL 15+) copies the files instead of logging every page.
            version = conn.info.server_version
            strategy = sql.SQL(" STRATEGY FILE_COPY") if version >= 150000 else sql.SQL("")
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(copy.name), sql.Identifier(database.name)
                )
                + strategy
            )
    try:
        yield copy
    finally:
        copy.drop()


def append_day(day_iso: str) -> dict:
    """In a child process: append the ledger lines of `day` − 7 again, dated a week later."""
    import django

    django.setup()
    from maillage.core.models import Activity, ActivityKind
    from maillage.core.services import ActivityRow, activity_record_many
    from maillage.insights.services import local_day_bounds

    day = dt.date.fromisoformat(day_iso)
    start, end = local_day_bounds(day - dt.timedelta(days=7))
    week = dt.timedelta(days=7)
    lines = (
        Activity.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .exclude(kind=ActivityKind.JOINED)
        .values_list("operator_id", "member_id", "kind", "occurred_at", "space_id", "payload")
        .order_by("pk")
    )
    written = activity_record_many(
        ActivityRow(
            operator_id=op, member_id=m, kind=k, occurred_at=at + week, space_id=s, payload=p
        )
        for op, m, k, at, s, p in lines.iterator(chunk_size=10_000)
    )
    return {"lines": written}


def _recompute(database: BenchDatabase, today: dt.date, *, full: bool) -> dict:
    args = ["-m", "maillage", "insights_recompute", "--json", "--today", today.isoformat()]
    started = time.perf_counter()
    out = run_child(
        [*args, "--full"] if full else args, env=database.env(), what="insights_recompute"
    )
    seconds = time.perf_counter() - started
    reports = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if not reports:
        raise BenchmarkError("insights_recompute printed no report.")
    return {
        "seconds": sum(r["seconds"] for r in reports),  # the recompute itself
        "wall_seconds": seconds,  # with the process start (Django's imports)
        "operators": len(reports),
        "peak_rss_mib": max(r["peak_rss_mib"] or 0 for r in reports),
        "snapshots": sum(r["snapshots"] for r in reports),
        "indicator_values": sum(r["indicator_values"] for r in reports),
        "counted_lines": sum(r["counted_lines"] for r in reports),
        "steps": {
            step: round(sum(r["steps"].get(step, 0) for r in reports), 3)
            for step in ("daily counts", "engagement", "indicators")
        },
    }


def _recompute_results(name: str, made: dict) -> Iterator[Result]:
    yield Result(f"{name}.seconds", made["seconds"], "s", {"operators": made["operators"]})
    yield Result(f"{name}.wall_seconds", made["wall_seconds"], "s")
    yield Result(f"{name}.peak_rss_mib", made["peak_rss_mib"], "MiB")
    yield Result(f"{name}.ledger_lines", made["counted_lines"], "count")
    yield Result(f"{name}.snapshots", made["snapshots"], "count")
    yield Result(f"{name}.indicator_values", made["indicator_values"], "count")
    for step, seconds in made["steps"].items():
        yield Result(f"{name}.{step.replace(' ', '_')}_seconds", seconds, "s")


def database_results(ctx: Context) -> Iterator[Result]:
    p = ctx.params
    database = ctx.harness.dataset()
    yield from ctx.harness.dataset_results()
    last_day = dt.date.fromisoformat(
        ctx.harness.dataset_info["config"]["history_ends_on"]
    ) - dt.timedelta(days=1)
    ctx.log(f"copying {database.name} (the copy is dropped afterwards)")
    with database_copy(database, ctx.scale) as copy:
        ctx.log(f"full recompute as of {last_day}")
        yield from _recompute_results("full", _recompute(copy, last_day, full=True))
        next_day = last_day + dt.timedelta(days=1)
        code = (
            "import json, sys; from maillage.bench.benchmarks.insights import append_day; "
            "print(json.dumps(append_day(sys.argv[1])))"
        )
        added = json.loads(
            run_child(["-c", code, next_day.isoformat()], env=copy.env(), what="append a day")
            .strip()
            .splitlines()[-1]
        )
        yield Result("new_day.ledger_lines", added["lines"], "count")
        ctx.log(f"{added['lines']:,} new lines on {next_day}; incremental recompute")
        yield from _recompute_results("incremental", _recompute(copy, next_day, full=False))

        cookies = ctx.harness.sessions(copy, [CLAIRE])
        targets = [
            Target("dashboard", "/staff/insights/", cookie=cookies[CLAIRE], expect=DASHBOARD_MARK),
            Target("health", "/health/"),
            # Another logged-in staff page: the floor of any page with a session and the menus.
            Target("staff_home", "/staff/", cookie=cookies[CLAIRE], expect=STAFF_HOME_MARK),
        ]
        with (
            ctx.harness.server(copy, threads=p["concurrency"]) as server,
            LoadClient(server.host, server.port, concurrency=p["concurrency"]) as client,
        ):
            reports = client.measure(
                targets, requests=p["requests"], warmup=p["warmup"], rounds=p["rounds"]
            )
    for report in reports.values():
        for sample in report.error_samples:
            ctx.log(f"error: {sample}")
    dashboard, staff_home = reports["dashboard"].summary, reports["staff_home"].summary
    yield Result(
        "dashboard_vs_staff_home.p50_ratio",
        dashboard.p50 / staff_home.p50 if staff_home.p50 else None,
        "x",
        {"errors": dashboard.errors + staff_home.errors},
    )
    for result in latency_results(reports, floor="health"):
        if result.metric == "dashboard.p95_ratio":
            met = result.value is not None and result.value <= DASHBOARD_RATIO_TARGET
            result = Result(
                result.metric,
                result.value,
                result.unit,
                {**result.extra, "target": DASHBOARD_RATIO_TARGET, "met": met},
            )
        yield result


@benchmark(
    "insights",
    "Segments vs the demo's hidden archetypes (tenant/coworker macro-F1, confusion matrix); "
    "full and incremental recompute (time, memory); dashboard latency vs /health/.",
    small={
        "quality": True,
        "quality_members": 1_000,
        "quality_spaces": 10,
        "seed": 42,
        "db": True,
        "requests": 300,
        "warmup": 30,
        "concurrency": 1,
        "rounds": 3,
    },
    large={
        "quality": True,
        "quality_members": 100_000,
        "quality_spaces": 1_000,
        "seed": 42,
        "db": True,
        "requests": 2_000,
        "warmup": 100,
        "concurrency": 1,
        "rounds": 5,
    },
)
def insights(ctx: Context) -> Iterator[Result]:
    p = ctx.params
    if p["quality"]:
        ctx.log(f"segmenting {p['quality_members']:,} demo members (pure generator, no database)")
        yield from quality_results(
            classify_demo(p["quality_members"], p["quality_spaces"], seed=p["seed"])
        )
    if p["db"]:
        yield from database_results(ctx)
