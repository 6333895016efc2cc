"""`maillage demo`: migrate, load the demo network once, print the log-ins, serve it."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillage.demo.generator import DemoConfig
from maillage.demo.load import DEMO_PASSWORD, DemoLoadError, LoadResult, load_demo

MAX_SPACES = 1_000


class Command(BaseCommand):
    help = (
        "Create the demo network (Ruche & Co and its spaces, members and 12 months of history; "
        "running it again changes nothing), print the demo log-ins and serve it on 127.0.0.1. "
        f"Demo only: every demo account's password is {DEMO_PASSWORD!r}."
    )
    # Checks need the database; the SQLite file's directory may not exist yet (see handle).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--members",
            type=int,
            default=150,
            metavar="N",
            help="members to generate, at least 5 (default %(default)s)",
        )
        parser.add_argument(
            "--spaces",
            type=int,
            default=3,
            metavar="N",
            help="spaces of the main network, 3 to 1000 (default %(default)s); Le Grenier is added",
        )
        parser.add_argument(
            "--seed", type=int, default=42, metavar="S", help="random seed (default %(default)s)"
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            metavar="P",
            help="port to serve on, on 127.0.0.1 (default %(default)s)",
        )
        parser.add_argument("--no-serve", action="store_true", help="load, print, then stop")

    def handle(self, *args, **options) -> None:
        members, spaces, port = options["members"], options["spaces"], options["port"]
        if members < 5:
            raise CommandError(f"--members must be at least 5, not {members}.")
        if not 3 <= spaces <= MAX_SPACES:
            raise CommandError(f"--spaces must be between 3 and {MAX_SPACES:,}, not {spaces}.")
        if not 1 <= port <= 65_535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")

        _make_sqlite_directory()
        self.check()
        call_command("migrate", verbosity=0, interactive=False)
        config = DemoConfig(
            members=members, spaces=spaces, seed=options["seed"], today=timezone.localdate()
        )
        try:
            result = load_demo(config, progress=self.stdout.write)
        except DemoLoadError as exc:
            raise CommandError(str(exc)) from None
        self._summary(result, config)
        self._load_the_rest()
        self._logins(result, port)
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _load_the_rest(self) -> None:
        """Profiles, workspace and events of the demo people (each loader is idempotent)."""
        from maillage.demo.profiles import load_profiles
        from maillage.workspace.demo import load_workspace

        load_profiles(progress=self.stdout.write)
        load_workspace(progress=self.stdout.write)
        # The other apps' demo data, each optional (an app may ship it later).
        for module, loader in (
            ("maillage.events.demo", "load_events"),
            ("maillage.exchange.demo", "load_exchange"),
            ("maillage.matching.demo", "load_matching"),
        ):
            try:
                load = getattr(importlib.import_module(module), loader)
            except (ImportError, AttributeError):
                continue
            load(progress=self.stdout.write)
        self._compute_insights()

    def _compute_insights(self) -> None:
        """The nightly figures, computed now so that the dashboards have something to show."""
        from maillage.core.models import Operator
        from maillage.insights.services import insights_recompute

        for operator in Operator.objects.order_by("pk"):
            report = insights_recompute(operator=operator)
            self.stdout.write(f"insights: {operator.name} computed up to {report.as_of}")

    def _summary(self, result: LoadResult, config: DemoConfig) -> None:
        counts = (
            f"{result.operators:,} operators, {result.spaces:,} spaces, "
            f"{result.members:,} members, {result.activities:,} ledger lines"
        )
        if result.loaded:
            self.stdout.write(
                self.style.SUCCESS(f"Demo network loaded in {result.elapsed:.1f} s: {counts}.")
            )
            return
        self.stdout.write(
            self.style.WARNING(f"Demo network already loaded ({counts}); nothing changed.")
        )
        run = result.run
        if run is not None and (run.members, run.spaces, run.seed) != (
            config.members,
            config.spaces,
            config.seed,
        ):
            self.stdout.write(
                f"It was made with --members {run.members} --spaces {run.spaces} "
                f"--seed {run.seed}. To load another, start from an empty database."
            )

    def _logins(self, result: LoadResult, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Log in at http://127.0.0.1:{port}/accounts/login/ "
            f"(demo only: every demo account's password is {DEMO_PASSWORD}):"
        )
        width = max(len(label) for label, _, _ in result.logins)
        for label, email, _password in result.logins:
            self.stdout.write(f"  {label:<{width}}  {email}")
        self.stdout.write("")


def _make_sqlite_directory() -> None:
    """A first run on a fresh machine: create the directory of the SQLite file."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
