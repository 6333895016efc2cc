"""`maillage bench NAME|all [--scale small|large]`: run benchmarks, print one JSON line per result.

Lines go to stdout (and are appended to --output); progress and errors go to stderr, so
`maillage bench all > results.jsonl` keeps only results. Exits non-zero if a benchmark failed
or saw errors (a request that did not answer 200 with the expected page).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.bench import registry
from maillage.bench.harness import Context, Harness
from maillage.bench.registry import SCALES, BenchmarkError


class Command(BaseCommand):
    help = "Run a benchmark (or all) against generated data; print one JSON object per result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="a benchmark's name, or 'all' (see --list)", nargs="?")
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--requests", type=int, help="measured requests per URL")
        parser.add_argument("--concurrency", type=int, help="concurrent client connections")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="set a benchmark parameter (e.g. load=true); repeatable",
        )
        parser.add_argument("--output", metavar="FILE", help="also append the JSON lines to FILE")
        parser.add_argument(
            "--fresh", action="store_true", help="drop the bench database and load it again"
        )
        parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for name in registry.names():
                self.stdout.write(f"{name}: {registry.get(name).description}")
            return
        if not options["name"]:
            raise CommandError(f"Name a benchmark: {', '.join([*registry.names(), 'all'])}.")
        try:
            benchmarks = registry.select(options["name"])
            overrides = self._overrides(options, benchmarks)
            params = {b.name: b.params(options["scale"], overrides) for b in benchmarks}
        except BenchmarkError as exc:
            raise CommandError(str(exc)) from None

        failures: list[str] = []
        with Harness(scale=options["scale"], fresh=options["fresh"]) as harness:
            for bench in benchmarks:
                harness.log(
                    f"{bench.name} ({options['scale']}, {harness.vendor}): {params[bench.name]}"
                )
                started = time.monotonic()
                ctx = Context(harness=harness, params=params[bench.name])
                try:
                    for result in bench.run(ctx):
                        line = registry.json_line(
                            bench=bench.name,
                            scale=options["scale"],
                            result=result,
                            db=harness.vendor,
                        )
                        self._emit(line, options["output"])
                        if result.extra.get("errors"):
                            failures.append(
                                f"{bench.name} {result.metric}: {result.extra['errors']} errors"
                            )
                except BenchmarkError as exc:
                    harness.log(f"{bench.name} FAILED: {exc}")
                    failures.append(f"{bench.name}: {exc}")
                harness.log(f"{bench.name} done in {time.monotonic() - started:.1f} s")
        if failures:
            raise CommandError("Benchmarks failed: " + "; ".join(dict.fromkeys(failures)))

    def _overrides(
        self, options: dict, benchmarks: list[registry.Benchmark]
    ) -> dict[str, str | int]:
        overrides: dict[str, str | int] = {}
        for item in options["param"]:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise BenchmarkError(f"--param takes KEY=VALUE, not {item!r}.")
            if not any(key in b.scales[options["scale"]] for b in benchmarks):
                known = sorted({k for b in benchmarks for k in b.scales[options["scale"]]})
                raise BenchmarkError(
                    f"No benchmark here has a parameter {key!r} ({', '.join(known)})."
                )
            overrides[key] = value
        for key in ("requests", "concurrency"):
            if options[key] is not None:
                if options[key] < 1:
                    raise BenchmarkError(f"--{key} must be at least 1.")
                overrides[key] = options[key]
        return overrides

    def _emit(self, line: str, output: str | None) -> None:
        self.stdout.write(line)
        self.stdout.flush()
        if output:
            with open(output, "a", encoding="utf-8") as f:
                f.write(line + "\n")
