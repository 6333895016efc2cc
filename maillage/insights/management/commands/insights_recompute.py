"""`maillage insights_recompute [--operator SLUG] [--full] [--today YYYY-MM-DD]`.

Run it nightly (cron, or a scheduled task): it brings daily counts, engagement snapshots and
indicators up to today for every operator (or one). `--json` prints a report per operator on
one line each (the benchmark reads it).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.core.models import Operator
from maillage.insights.services import insights_recompute


def peak_rss_mib() -> float | None:
    """This process's peak resident memory (Linux's VmHWM), for benchmarks; None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Command(BaseCommand):
    help = "Recompute engagement snapshots and indicators from the activity ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--operator", metavar="SLUG", help="only this operator")
        parser.add_argument(
            "--full", action="store_true", help="count the whole ledger again, with history"
        )
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="compute as of this day")
        parser.add_argument("--json", action="store_true", help="one JSON report per line")

    def handle(self, *args, **options) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date like 2026-01-15.") from None
        operators = Operator.objects.order_by("pk")
        if options["operator"]:
            operators = operators.filter(slug=options["operator"])
            if not operators.exists():
                raise CommandError(f"No operator with the short name {options['operator']!r}.")
        quiet = options["json"] or options["verbosity"] == 0
        for operator in operators:
            if not quiet:
                self.stdout.write(f"{operator.name}:")
            report = insights_recompute(
                operator=operator,
                full=options["full"],
                today=today,
                progress=None if quiet else self.stdout.write,
            )
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "operator": operator.slug,
                            "as_of": report.as_of.isoformat(),
                            "full": report.full,
                            "counted_lines": report.counted_lines,
                            "snapshots": report.snapshots,
                            "indicator_values": report.indicator_values,
                            "seconds": round(report.seconds, 3),
                            "steps": report.steps,
                            "peak_rss_mib": peak_rss_mib(),
                        }
                    )
                )
            elif not quiet:
                self.stdout.write(
                    f"  {report.snapshots:,} snapshots, {report.indicator_values:,} indicator "
                    f"values in {report.seconds:.1f} s"
                )
