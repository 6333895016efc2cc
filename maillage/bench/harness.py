"""What benchmarks share: a bench database per scale, child processes pointed at it, and a
real server for it (`server.ServerProcess`; the load client is `loadclient.LoadClient`).

The `maillage bench` process never opens the bench database through Django: everything that
touches it (migrate, loading the demo data, creating log-in sessions, the server itself) runs
in a child process whose DATABASE_URL points at it. The developer's own database is only used,
on PostgreSQL, as the connection from which bench databases are created and dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from maillage.bench.registry import BenchmarkError, Result
from maillage.bench.server import PROJECT_DIR, ServerProcess

# Bench processes share this key so that sessions created by the worker are valid in the
# server (session data and the auth hash are both signed with SECRET_KEY).
BENCH_SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40

# The demo data each scale's benchmarks run against (arguments of maillage.demo's DemoConfig).
DATASETS: dict[str, dict[str, Any]] = {
    "small": {"members": 1_000, "spaces": 10},
    "large": {"members": 100_000, "spaces": 1_000},
}


def stderr_log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- child processes -------------------------------------------------------------------------


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of every bench child process: production-like settings, bench data."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="maillage.settings",
        DEBUG="false",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_child(args: Sequence[str], *, env: Mapping[str, str], what: str) -> str:
    """Run `python ARGS...` in the project directory; return its stdout, raise if it fails.

    The child's stderr goes straight to ours, so long steps show their progress.
    """
    proc = subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=dict(env),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchmarkError(f"{what} failed (exit {proc.returncode}); its errors are above.")
    return proc.stdout


def run_worker(task: str, payload: Mapping[str, Any], *, env: Mapping[str, str]) -> dict:
    """Run one task of `maillage.bench.worker` in a fresh process; return its JSON answer."""
    out = run_child(
        ["-m", "maillage.bench.worker", task, json.dumps(payload)],
        env=env,
        what=f"bench worker {task!r}",
    )
    lines = out.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchmarkError(f"bench worker {task!r} gave no answer: {out[-500:]!r}") from None


# --- the bench database ----------------------------------------------------------------------

# Keys of Django's OPTIONS for PostgreSQL that are not libpq connection parameters.
_DJANGO_ONLY_PG_OPTIONS = {"pool", "server_side_binding", "isolation_level", "assume_role"}


@dataclass(frozen=True)
class BenchDatabase:
    """A database for benchmarks, apart from the developer's data, on the same engine."""

    vendor: str  # "postgresql" or "sqlite"
    name: str  # database name, or the SQLite file's path
    url: str  # DATABASE_URL for child processes

    @classmethod
    def for_scale(cls, scale: str, *, scratch: bool = False) -> BenchDatabase:
        """`<db>_bench_<scale>` beside the developer's PostgreSQL database, or the SQLite file
        `DATA_DIR/bench-<scale>.sqlite3`; a scratch one adds `_scratch` / `-scratch`."""
        default = settings.DATABASES["default"]
        if default["ENGINE"] == "django.db.backends.postgresql":
            name = f"{default['NAME']}_bench_{scale}" + ("_scratch" if scratch else "")
            url = os.environ.get("DATABASE_URL", "")
            if not url:
                raise BenchmarkError("PostgreSQL benchmarks need DATABASE_URL.")
            parts = urllib.parse.urlsplit(url)
            url = urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name)))
            return cls(vendor="postgresql", name=name, url=url)
        path = Path(settings.DATA_DIR) / (
            f"bench-{scale}" + ("-scratch" if scratch else "") + ".sqlite3"
        )
        # Same connection options as the developer's SQLite (WAL, IMMEDIATE, timeout).
        options = default.get("OPTIONS") or {}
        query = urllib.parse.urlencode(options) if options else ""
        return cls(
            vendor="sqlite",
            name=str(path),
            url=f"sqlite:///{path}" + (f"?{query}" if query else ""),
        )

    @contextlib.contextmanager
    def _admin(self) -> Iterator[Any]:
        """A psycopg connection (autocommit) to the developer's database, to create/drop ours."""
        import psycopg

        default = settings.DATABASES["default"]
        params = {
            "dbname": default["NAME"],
            "user": default.get("USER") or None,
            "password": default.get("PASSWORD") or None,
            "host": default.get("HOST") or None,
            "port": default.get("PORT") or None,
            **{
                k: v
                for k, v in (default.get("OPTIONS") or {}).items()
                if k not in _DJANGO_ONLY_PG_OPTIONS
            },
        }
        with psycopg.connect(
            **{k: v for k, v in params.items() if v is not None}, autocommit=True
        ) as conn:
            yield conn

    def exists(self) -> bool:
        if self.vendor == "sqlite":
            return Path(self.name).exists()
        with self._admin() as conn:
            return (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
                is not None
            )

    def create(self) -> None:
        if self.vendor == "sqlite":
            Path(self.name).parent.mkdir(parents=True, exist_ok=True)
            return
        from psycopg import sql

        if not self.exists():
            with self._admin() as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(self.name + suffix).unlink(missing_ok=True)
            return
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def env(self, **extra: str) -> dict[str, str]:
        return bench_env(self.url, **extra)

    def migrate(self) -> None:
        run_child(
            ["-m", "maillage", "migrate", "--noinput", "-v", "0"], env=self.env(), what="migrate"
        )

    def worker(self, task: str, payload: Mapping[str, Any] | None = None) -> dict:
        return run_worker(task, payload or {}, env=self.env())


# --- what a benchmark gets -------------------------------------------------------------------


class Harness:
    """State shared by the benchmarks of one `maillage bench` run at one scale."""

    def __init__(self, *, scale: str, fresh: bool = False, log: Callable[[str], None] = stderr_log):
        self.scale = scale
        self.fresh = fresh
        self._log = log
        self._started = time.monotonic()
        self._tmp = tempfile.TemporaryDirectory(prefix="maillage-bench-")
        self.tmp = Path(self._tmp.name)
        self._dataset: BenchDatabase | None = None
        self.dataset_info: dict[str, Any] = {}  # the load worker's answer
        self._static_root: Path | None = None
        self._servers = itertools.count(1)

    @property
    def vendor(self) -> str:
        return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"

    def log(self, message: str) -> None:
        self._log(f"[{time.monotonic() - self._started:6.1f}s] {message}")

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def dataset(self) -> BenchDatabase:
        """The bench database of this scale, migrated and loaded with the scale's demo data.

        Loaded once and kept between runs (the loader is idempotent); `--fresh` starts over.
        """
        if self._dataset is not None:
            return self._dataset
        database, wanted = BenchDatabase.for_scale(self.scale), DATASETS[self.scale]
        if self.fresh:
            self.log(f"dropping {database.name}")
            database.drop()
        started = time.monotonic()
        database.create()
        self.log(f"migrating {database.name}")
        database.migrate()
        self.log(f"demo data {wanted} in {database.name} (loaded once, then reused)")
        try:
            info = database.worker("load", wanted)
        except BenchmarkError as exc:
            raise BenchmarkError(f"{exc} If the bench data is incomplete, use --fresh.") from None
        held = {k: (info.get("config") or {}).get(k) for k in wanted}
        if held != wanted:
            raise BenchmarkError(
                f"{database.name} holds demo data made with {held}, not {wanted}: "
                "run again with --fresh to reload it."
            )
        age = (dt.date.today() - dt.date.fromisoformat(info["config"]["history_ends_on"])).days
        if age > 7:
            self.log(
                f"note: the demo history ends {age} days ago; pages that show this month's "
                "activity have less to show. --fresh reloads it up to today."
            )
        self._dataset, self.dataset_info = database, info
        self.log(f"bench database ready in {time.monotonic() - started:.1f} s")
        return database

    def dataset_results(self) -> Iterator[Result]:
        """How much data the scale's bench database holds (part of what a result means)."""
        info = self.dataset_info
        yield Result("dataset.members", info["members"], "count")
        yield Result("dataset.activities", info["activities"], "count")

    @contextlib.contextmanager
    def scratch_database(self) -> Iterator[BenchDatabase]:
        """An empty, migrated bench database that is dropped afterwards."""
        database = BenchDatabase.for_scale(self.scale, scratch=True)
        database.drop()
        database.create()
        try:
            database.migrate()
            yield database
        finally:
            database.drop()

    def static_root(self) -> Path:
        """Collected static files: DEBUG=false templates need the manifest to render."""
        if self._static_root is None:
            root = self.tmp / "static"
            run_child(
                ["-m", "maillage", "collectstatic", "--noinput", "-v", "0"],
                env=bench_env("sqlite://:memory:", STATIC_ROOT=str(root)),
                what="collectstatic",
            )
            self._static_root = root
        return self._static_root

    def server(self, database: BenchDatabase, *, threads: int = 1) -> ServerProcess:
        env = database.env(STATIC_ROOT=str(self.static_root()))
        log_path = self.tmp / f"server-{next(self._servers)}.log"
        return ServerProcess(env, threads=threads, log_path=log_path, log=self.log)

    def sessions(self, database: BenchDatabase, emails: Sequence[str]) -> dict[str, str]:
        """A logged-in session cookie ("sessionid=…") for each account, made in the database."""
        keys = database.worker("sessions", {"emails": list(emails)})
        return {email: f"{settings.SESSION_COOKIE_NAME}={key}" for email, key in keys.items()}


@dataclass
class Context:
    """What a benchmark's `run` receives: the shared harness and its own parameters."""

    harness: Harness
    params: dict[str, Any]

    @property
    def scale(self) -> str:
        return self.harness.scale

    def log(self, message: str) -> None:
        self.harness.log(message)
