"""The demo generator: how fast it produces a network's data, and how much memory it needs."""

from __future__ import annotations

from collections.abc import Iterator

from maillage.bench.harness import DATASETS, Context, bench_env, run_worker
from maillage.bench.registry import Result, benchmark


@benchmark(
    "generator",
    "The pure demo generator (time, peak memory); with load=true, loading into an empty DB.",
    small={"members": 1_000, "load": True},
    large={"members": 100_000, "load": False},
)
def generator(ctx: Context) -> Iterator[Result]:
    config = {**DATASETS[ctx.scale], "members": ctx.params["members"]}
    # A fresh process, so that its peak memory is the generator's alone.
    made = run_worker("generate", config, env=bench_env("sqlite://:memory:"))
    yield Result("seconds", made["seconds"], "s")
    yield Result("members", made["members"], "count")
    yield Result("activity_lines", made["activity_lines"], "count")
    yield Result("lines_per_second", made["activity_lines"] / made["seconds"], "lines/s")
    yield Result("peak_rss_mib", made["peak_rss_mib"], "MiB")
    yield Result("start_rss_mib", made["rss_before_mib"], "MiB")
    if not ctx.params["load"]:
        return
    loaded = None
    if config == DATASETS[ctx.scale]:
        # The scale's bench database, if this run has to load it anyway (first run, --fresh).
        ctx.harness.dataset()
        if ctx.harness.dataset_info["loaded"]:
            loaded = ctx.harness.dataset_info
    if loaded is None:
        with ctx.harness.scratch_database() as database:
            ctx.log(f"loading {config} into {database.name} (timed, then dropped)")
            loaded = database.worker("load", config)
    yield Result("load.seconds", loaded["seconds"], "s")
    yield Result("load.members_per_second", made["members"] / loaded["seconds"], "members/s")
    yield Result("load.lines_per_second", loaded["activities"] / loaded["seconds"], "lines/s")
    yield Result("load.peak_rss_mib", loaded["peak_rss_mib"], "MiB")
