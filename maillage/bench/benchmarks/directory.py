"""The members' directory: search latency as Inès, against /health/, through granian.

A mix of what members type (French, typos, English, names, filters, browsing), sent one
after the other with a /health/ request between each (the framework's floor, measured in
the same moments so the machine's drift touches both alike). Results pool every query:
`search.p50/p95/p99`, their ratio to `health`, and one line per query's p95.

At the large scale (100,000 members) the same mix also runs against the small bench
database (1,000 members) in the same run, which gives `search.p95_growth`: p95 at 100,000
over p95 at 1,000 (each also divided by its own /health/ p95 in `search.p95_growth_vs_floor`,
which discounts a machine that got slower between the two). Cost must not grow with the
community: the target is at most 2.

The demo profiles (`maillage.demo.profiles`) are loaded into the bench database once, after
the demo network, by a child process.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator, Sequence
from urllib.parse import urlencode

from maillage.bench.harness import DATASETS, BenchDatabase, Context, run_child
from maillage.bench.loadclient import Target
from maillage.bench.registry import BenchmarkError, Result, benchmark
from maillage.bench.stats import LatencySummary, ratio, summarize

INES = "ines@ruche.example"  # a member of La Filature (not staff)
MARK = 'id="directory-count"'  # only the directory page has it

# What members type, as query strings: (name, parameters).
QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("browse", {}),
    ("graphiste", {"q": "graphiste"}),
    ("typo_grafiste", {"q": "grafiste"}),
    ("plural_juristes", {"q": "juristes"}),
    ("accents_developpeuse", {"q": "developpeuse web"}),
    ("english_lawyer", {"q": "lawyer"}),
    ("two_words", {"q": "comptable fiscalité"}),
    ("prefix", {"q": "photog"}),
    ("name", {"q": "Moreau"}),
    ("skill_coffee", {"q": "traduction", "coffee": "1"}),
    ("offers_filter", {"offers": "comptabilité"}),
    ("here_today", {"here": "1"}),
    ("new_lunch", {"new": "1", "lunch": "1"}),
    ("page_2", {"q": "design", "page": "2"}),
)


@benchmark(
    "directory",
    "Directory search as Inès (a mix of French, typos, filters) vs /health/, through granian.",
    small={"requests": 420, "warmup": 42, "concurrency": 1, "compare_small": False},
    large={"requests": 1_400, "warmup": 140, "concurrency": 1, "compare_small": True},
)
def directory(ctx: Context) -> Iterator[Result]:
    p = ctx.params
    database = ctx.harness.dataset()
    yield from ctx.harness.dataset_results()
    load_profiles(ctx, database)
    search, health, per_query = measure(ctx, database)
    yield from summary_results("search", search, health)
    for name, summary in per_query.items():
        yield Result(f"query.{name}.p95", summary.p95, "ms", {"errors": summary.errors})
    if ctx.scale == "large" and p["compare_small"]:
        small = BenchDatabase.for_scale("small")
        small.create()
        small.migrate()
        ctx.log(f"loading the small demo data into {small.name} for the growth ratio")
        small.worker("load", DATASETS["small"])
        load_profiles(ctx, small)
        small_search, small_health, _ = measure(ctx, small)
        yield from summary_results("small.search", small_search, small_health)
        extra = {"errors": search.errors + small_search.errors}
        yield Result("search.p95_growth", ratio(search.p95, small_search.p95), "x", extra)
        yield Result(
            "search.p95_growth_vs_floor",
            ratio(ratio(search.p95, health.p95), ratio(small_search.p95, small_health.p95)),
            "x",
            extra,
        )


def load_profiles(ctx: Context, database: BenchDatabase) -> None:
    ctx.log(f"loading the demo profiles into {database.name} (done once; reused)")
    started = time.monotonic()
    out = run_child(
        ["-m", "maillage.demo.profiles"], env=database.env(), what="loading the demo profiles"
    )
    ctx.log(f"{out.strip()} (took {time.monotonic() - started:.1f} s)")


def summary_results(name: str, search: LatencySummary, health: LatencySummary) -> Iterator[Result]:
    extra = {"errors": search.errors, "requests": search.count}
    yield Result(f"{name}.p50", search.p50, "ms", extra)
    yield Result(f"{name}.p95", search.p95, "ms", extra)
    yield Result(f"{name}.p99", search.p99, "ms", extra)
    yield Result(f"{name}.health_p50", health.p50, "ms", {"errors": health.errors})
    yield Result(f"{name}.health_p95", health.p95, "ms", {"errors": health.errors})
    both = {"errors": search.errors + health.errors}
    yield Result(f"{name}.p50_ratio", ratio(search.p50, health.p50), "x", both)
    yield Result(f"{name}.p95_ratio", ratio(search.p95, health.p95), "x", both)


def targets(cookie: str) -> list[Target]:
    return [
        Target(name, "/directory/" + (f"?{urlencode(params)}" if params else ""), cookie, MARK)
        for name, params in QUERIES
    ]


def measure(
    ctx: Context, database: BenchDatabase
) -> tuple[LatencySummary, LatencySummary, dict[str, LatencySummary]]:
    """Search requests (the mix, in turn) each followed by a /health/ request."""
    p = ctx.params
    cookie = ctx.harness.sessions(database, [INES])[INES]
    mix = targets(cookie)
    health = Target("health", "/health/")
    with ctx.harness.server(database, threads=p["concurrency"]) as server:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        try:
            for target in [*mix, health]:
                status, body, _ = _get(conn, target)
                if status != 200 or target.expect.encode() not in body:
                    raise BenchmarkError(
                        f"GET {target.path}: HTTP {status} without {target.expect!r} "
                        "(is the bench data loaded and the session valid?)"
                    )
            return _run(conn, mix, health, requests=p["requests"], warmup=p["warmup"])
        finally:
            conn.close()


def _get(conn: http.client.HTTPConnection, target: Target) -> tuple[int, bytes, int]:
    start = time.perf_counter_ns()
    conn.request("GET", target.path, headers=target.headers())
    response = conn.getresponse()
    body = response.read()
    return response.status, body, time.perf_counter_ns() - start


def _run(
    conn: http.client.HTTPConnection,
    mix: Sequence[Target],
    health: Target,
    *,
    requests: int,
    warmup: int,
) -> tuple[LatencySummary, LatencySummary, dict[str, LatencySummary]]:
    search_ns: list[int] = []
    health_ns: list[int] = []
    by_query: dict[str, list[int]] = {t.name: [] for t in mix}
    errors = {"search": 0, "health": 0}
    by_query_errors = dict.fromkeys(by_query, 0)
    started = time.perf_counter_ns()
    for i in range(warmup + requests):
        target = mix[i % len(mix)]
        for t, bucket, key in ((target, search_ns, "search"), (health, health_ns, "health")):
            try:
                status, body, elapsed = _get(conn, t)
            except (OSError, http.client.HTTPException):
                conn.close()
                status, body, elapsed = 0, b"", 0
            ok = status == 200 and (not t.expect or t.expect.encode() in body)
            if i < warmup:
                errors[key] += 0 if ok else 1
                continue
            if not ok:
                errors[key] += 1
                if key == "search":
                    by_query_errors[t.name] += 1
                continue
            bucket.append(elapsed)
            if key == "search":
                by_query[t.name].append(elapsed)
    wall = (time.perf_counter_ns() - started) / 1e9
    per_query = {
        name: summarize(ns, errors=by_query_errors[name], wall_seconds=wall)
        for name, ns in by_query.items()
    }
    return (
        summarize(search_ns, errors=errors["search"], wall_seconds=wall),
        summarize(health_ns, errors=errors["health"], wall_seconds=wall),
        per_query,
    )
