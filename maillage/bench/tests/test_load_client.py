"""The load client against a tiny standard-library server (no Django, no granian)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from maillage.bench.loadclient import LoadClient, Target, _Tally, latency_results
from maillage.bench.registry import BenchmarkError


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as granian
    seen: list[tuple[str, str]] = []

    def do_GET(self):
        Handler.seen.append((self.path, self.headers.get("Cookie", "")))
        status, body = {
            "/page/": (200, b"<h1 id='mark'>page</h1>"),
            "/health/": (200, b"ok"),
            "/wrong/": (200, b"<h1>landing page</h1>"),
        }.get(self.path, (500, b"boom"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def client_for(server, concurrency=1):
    host, port = server.server_address[:2]
    return LoadClient(host, port, concurrency=concurrency)


def test_it_measures_each_target_after_warming_up(server):
    page = Target("page", "/page/", cookie="sessionid=abc", expect="id='mark'")
    health = Target("health", "/health/")
    with client_for(server, concurrency=3) as client:
        reports = client.measure([page, health], requests=20, warmup=5, rounds=4)
    for name in ("page", "health"):
        summary = reports[name].summary
        assert summary.count == 20
        assert summary.errors == 0
        assert 0 < summary.p50 <= summary.p95 <= summary.p99 <= summary.max
        assert summary.throughput > 0
    # one check + 5 warm-up + 20 measured per target; the cookie goes with its target only
    assert Handler.seen.count(("/page/", "sessionid=abc")) == 26
    assert Handler.seen.count(("/health/", "")) == 26


def test_it_alternates_the_targets_round_by_round(server):
    a, b = Target("a", "/page/"), Target("b", "/health/")
    with client_for(server) as client:
        client.measure([a, b], requests=4, rounds=2)
    measured = [path for path, _ in Handler.seen[2:]]  # after the two checks
    assert measured == ["/page/"] * 2 + ["/health/"] * 4 + ["/page/"] * 2


def test_it_refuses_to_measure_a_page_that_fails(server):
    with client_for(server) as client, pytest.raises(BenchmarkError, match="HTTP 500"):
        client.measure([Target("broken", "/broken/")], requests=5)


def test_it_refuses_to_measure_a_page_without_its_mark(server):
    target = Target("home", "/wrong/", expect="id='mark'")
    with client_for(server) as client, pytest.raises(BenchmarkError, match="200 without"):
        client.check(target)


def test_it_counts_every_failed_request_as_an_error(server):
    flaky = Target("flaky", "/broken/")
    tally = _Tally()
    with client_for(server, concurrency=2) as client:
        client.block(flaky, 7, tally)
    assert tally.errors == 7
    assert tally.latencies_ns == []
    assert tally.error_samples == ["GET /broken/: HTTP 500"] * 3


def test_it_reports_ratios_to_the_floor_with_both_targets_errors(server):
    page = Target("page", "/page/")
    health = Target("health", "/health/")
    with client_for(server) as client:
        reports = client.measure([page, health], requests=10)
    results = {r.metric: r for r in latency_results(reports, floor="health")}
    assert set(results) == {
        "page.p50", "page.p95", "page.p99", "page.throughput", "page.p50_ratio", "page.p95_ratio",
        "health.p50", "health.p95", "health.p99", "health.throughput",
    }  # fmt: skip
    ratio = results["page.p95_ratio"]
    assert ratio.unit == "x"
    assert ratio.value == pytest.approx(results["page.p95"].value / results["health.p95"].value)
    assert ratio.extra == {"errors": 0}
    assert results["page.p95"].extra == {"errors": 0, "requests": 10}
