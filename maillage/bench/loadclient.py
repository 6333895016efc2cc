"""A load client on the standard library: keep-alive connections over loopback, one per
client thread, timing each request with `perf_counter_ns`."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from maillage.bench.registry import BenchmarkError, Result
from maillage.bench.stats import LatencySummary, ratio, summarize


@dataclass(frozen=True)
class Target:
    """A URL to load. `expect` is text the body must contain (proves it is the right page)."""

    name: str
    path: str
    cookie: str = ""
    expect: str = ""

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": "maillage-bench", "Accept": "text/html"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        return headers


@dataclass
class _Tally:
    latencies_ns: list[int] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    wall_ns: int = 0

    def error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(message)

    def merge(self, other: _Tally) -> None:
        self.latencies_ns.extend(other.latencies_ns)
        self.errors += other.errors
        self.error_samples = (self.error_samples + other.error_samples)[:3]


@dataclass(frozen=True)
class LoadReport:
    target: Target
    summary: LatencySummary
    error_samples: list[str]


class LoadClient:
    """C keep-alive connections (one per client thread) to a server over loopback.

    Any answer other than 200, or a 200 without the target's `expect` text, is an error;
    errors are counted, never retried, and left out of the latencies.
    """

    def __init__(self, host: str, port: int, *, concurrency: int = 1, timeout: float = 60) -> None:
        if concurrency < 1:
            raise BenchmarkError("concurrency must be at least 1.")
        self.connections = [
            http.client.HTTPConnection(host, port, timeout=timeout) for _ in range(concurrency)
        ]

    def close(self) -> None:
        for conn in self.connections:
            conn.close()

    def __enter__(self) -> LoadClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _get(conn: http.client.HTTPConnection, target: Target) -> tuple[int, bytes, int]:
        start = time.perf_counter_ns()
        conn.request("GET", target.path, headers=target.headers())
        response = conn.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter_ns() - start

    def _one(self, conn: http.client.HTTPConnection, target: Target, tally: _Tally) -> None:
        try:
            status, body, elapsed = self._get(conn, target)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()  # the next request reconnects
            tally.error(f"GET {target.path}: {type(exc).__name__}: {exc}")
            return
        if status != 200:
            tally.error(f"GET {target.path}: HTTP {status}")
        elif target.expect and target.expect.encode() not in body:
            tally.error(f"GET {target.path}: 200 without {target.expect!r}")
        else:
            tally.latencies_ns.append(elapsed)

    def check(self, target: Target) -> None:
        """One request; raise with a clear message unless it is the page we mean to measure."""
        tally = _Tally()
        self._one(self.connections[0], target, tally)
        if tally.errors:
            raise BenchmarkError(
                f"{tally.error_samples[0]} (target {target.name!r}: the benchmark would measure "
                "the wrong thing; is the bench data loaded and the session valid?)"
            )

    def block(self, target: Target, requests: int, tally: _Tally) -> None:
        """Send `requests` requests for one target over all connections at once."""
        lock = threading.Lock()
        remaining = [requests]

        def take() -> bool:
            with lock:
                if remaining[0] <= 0:
                    return False
                remaining[0] -= 1
                return True

        def client(conn: http.client.HTTPConnection, local: _Tally) -> None:
            while take():
                self._one(conn, target, local)

        locals_ = [_Tally() for _ in self.connections]
        threads = [
            threading.Thread(target=client, args=(conn, local), daemon=True)
            for conn, local in zip(self.connections, locals_, strict=True)
        ]
        start = time.perf_counter_ns()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        tally.wall_ns += time.perf_counter_ns() - start
        for local in locals_:
            tally.merge(local)

    def measure(
        self, targets: Sequence[Target], *, requests: int, warmup: int = 0, rounds: int = 1
    ) -> dict[str, LoadReport]:
        """Load each target with `requests` requests, after `warmup` unmeasured ones.

        The requests are sent in `rounds` rounds; each round loads the targets one after the
        other in alternating order (AB, BA, AB...), so that drift of a shared machine affects
        them alike, and each target's wall time (hence its throughput) is its own.
        """
        for target in targets:
            self.check(target)
        tallies = {t.name: _Tally() for t in targets}
        warm = {t.name: _Tally() for t in targets}
        for target in targets:
            self.block(target, warmup, warm[target.name])
        rounds = max(1, min(rounds, requests))
        for r in range(rounds):
            share = requests // rounds + (1 if r < requests % rounds else 0)
            for target in targets if r % 2 == 0 else list(reversed(targets)):
                self.block(target, share, tallies[target.name])
        reports = {}
        for target in targets:
            tally, warmup_tally = tallies[target.name], warm[target.name]
            errors = tally.errors + warmup_tally.errors  # a failure while warming up counts too
            reports[target.name] = LoadReport(
                target=target,
                summary=summarize(
                    tally.latencies_ns, errors=errors, wall_seconds=tally.wall_ns / 1e9
                ),
                error_samples=(warmup_tally.error_samples + tally.error_samples)[:3],
            )
        return reports


def latency_results(
    reports: Mapping[str, LoadReport], *, floor: str = "health"
) -> Iterator[Result]:
    """Results for a load run: p50/p95/p99 and throughput per target, and each target's
    p50 and p95 as a ratio to the `floor` target's (the minimal view in the same run).

    Every line carries `errors` (requests that failed; the ratio lines add both targets').
    """
    for name, report in reports.items():
        s = report.summary
        extra = {"errors": s.errors, "requests": s.count}
        yield Result(f"{name}.p50", s.p50, "ms", extra)
        yield Result(f"{name}.p95", s.p95, "ms", extra)
        yield Result(f"{name}.p99", s.p99, "ms", extra)
        yield Result(f"{name}.throughput", s.throughput, "req/s", extra)
    base = reports[floor].summary
    for name, report in reports.items():
        if name == floor:
            continue
        s = report.summary
        extra = {"errors": s.errors + base.errors}
        yield Result(f"{name}.p50_ratio", ratio(s.p50, base.p50), "x", extra)
        yield Result(f"{name}.p95_ratio", ratio(s.p95, base.p95), "x", extra)
