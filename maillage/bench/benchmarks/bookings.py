"""Bookings under contention, and the availability of a day across 50 rooms.

Both run against a scratch database of their own (created, migrated, dropped), set up by this
module run as a child process (`python -m maillage.bench.benchmarks.bookings setup JSON`): one
operator, one space open round the clock, `rooms` meeting rooms and one account per client.

- `bookings`: `clients` concurrent clients, each logged in as its own member, POST
  `attempts` bookings through the booking form of a real server (granian), on slots drawn so
  that they overlap a lot (a few rooms, one day, 30 to 120 minutes from a few start times).
  Each answer is 302 (booked) or 409 (taken); anything else is an error. Afterwards a SQL
  query counts pairs of overlapping confirmed bookings on the same seat: it must be 0.
- `availability`: the day calendar of the space (all its rooms, three bookings each: one in
  ten the viewer's own, the others by `neighbours` other members), as a page and as the htmx
  partial, against /health/ in the same run (p95 ratio; target ≤ 10×).
"""

from __future__ import annotations

import http.client
import json
import random
import secrets
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

from maillage.bench.harness import Context, run_child
from maillage.bench.loadclient import LoadClient, Target, latency_results
from maillage.bench.registry import BenchmarkError, Result, benchmark
from maillage.bench.stats import summarize

EMAIL = "bench-client-{}@bench.example"
NEIGHBOUR = "bench-neighbour-{}@bench.example"
OVERLAPS_SQL = """
SELECT COUNT(*) FROM workspace_booking a
JOIN workspace_booking b
  ON a.resource_id = b.resource_id AND a.seat = b.seat AND a.id < b.id
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
WHERE a.status = 'confirmed' AND b.status = 'confirmed'
"""


# --- the child process: set the scratch database up, count what was written ---------------


def _setup(payload: dict) -> dict:
    import datetime as dt

    from django.utils import timezone

    from maillage.core.services import MemberRow, member_add_many, operator_create, space_create
    from maillage.members.services import UserRow, user_create_many
    from maillage.workspace import services

    operator = operator_create(name="Bench & Co", slug="bench-and-co")
    hours = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    space = space_create(operator=operator, name="Bench Space", slug="bench", opening_hours=hours)
    rooms = [
        services.resource_create(space=space, kind="room", name=f"Salle {n:02d}", capacity=6)
        for n in range(payload["rooms"])
    ]
    neighbours = payload.get("neighbours", 0)
    users = user_create_many(
        [UserRow(email=EMAIL.format(i), full_name=f"Client {i}") for i in range(payload["clients"])]
        + [UserRow(email=NEIGHBOUR.format(i), full_name=f"Voisin {i}") for i in range(neighbours)]
    )
    members = member_add_many(
        MemberRow(user_id=u.pk, operator_id=operator.pk, home_space_id=space.pk) for u in users
    )
    clients, others = members[: payload["clients"]], members[payload["clients"] :]
    day = timezone.localdate() + dt.timedelta(days=2)
    # Some bookings on the calendar's day, so that it draws busy and free blocks: with
    # neighbours, one booking in ten is the clients' own, the others theirs.
    rng = random.Random("bench-availability")
    for room in rooms:
        for hour in sorted(rng.sample(range(8, 19), 3)):
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=space.tz)
            owner = rng.choice(others if others and rng.random() >= 0.1 else clients)
            services.booking_create(
                resource=room,
                member=owner,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=rng.choice((30, 60))),
            )
    return {
        "space": space.pk,
        "rooms": [r.pk for r in rooms],
        "day": (day + dt.timedelta(days=1)).isoformat(),  # the contended day: still empty
        "calendar_day": day.isoformat(),
    }


def _count(payload: dict) -> dict:
    from django.db import connection

    from maillage.workspace.models import Booking

    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        (overlaps,) = cursor.fetchone()
    day_bookings = Booking.objects.filter(resource_id__in=payload["rooms"], status="confirmed")
    return {"double_bookings": overlaps, "confirmed": day_bookings.count()}


def _child(database, task: str, payload: dict) -> dict:
    out = run_child(
        ["-m", "maillage.bench.benchmarks.bookings", task, json.dumps(payload)],
        env=database.env(),
        what=f"bookings bench {task}",
    )
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchmarkError(f"bookings bench {task} gave no answer: {out[-500:]!r}") from None


# --- the load: concurrent booking attempts ---------------------------------------------------


@dataclass
class _Tally:
    latencies_ns: list[int] = field(default_factory=list)
    booked: int = 0
    taken: int = 0
    errors: int = 0
    samples: list[str] = field(default_factory=list)


def _attempts(payload: dict, n: int, contended_rooms: int, seed: str) -> list[dict]:
    """Booking forms on overlapping slots: few rooms, one day, starts every half hour
    between 09:00 and 12:00, lasting 30 to 120 minutes."""
    rng = random.Random(seed)
    rooms = payload["rooms"][:contended_rooms]
    forms = []
    for _ in range(n):
        start = rng.randrange(9 * 60, 12 * 60 + 1, 30)
        end = start + rng.choice((30, 60, 90, 120))
        forms.append(
            {
                "resource": rng.choice(rooms),
                "day": payload["day"],
                "start": f"{start // 60:02d}:{start % 60:02d}",
                "end": f"{end // 60:02d}:{end % 60:02d}",
            }
        )
    return forms


def _post_all(host: str, port: int, cookies: list[str], forms: list[dict]) -> tuple[_Tally, float]:
    lock = threading.Lock()
    queue = list(reversed(forms))
    tallies = [_Tally() for _ in cookies]

    def client(cookie: str, tally: _Tally) -> None:
        csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        headers = {
            "Cookie": f"{cookie}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "maillage-bench",
        }
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                form = queue.pop()
            body = urllib.parse.urlencode(form)
            start = time.perf_counter_ns()
            try:
                conn.request("POST", "/bookings/new/", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                tally.errors += 1
                if len(tally.samples) < 3:
                    tally.samples.append(f"{type(exc).__name__}: {exc}")
                continue
            tally.latencies_ns.append(time.perf_counter_ns() - start)
            if response.status == 302 and "/bookings/" in response.getheader("Location", ""):
                tally.booked += 1
            elif response.status == 409:
                tally.taken += 1
            else:
                tally.errors += 1
                if len(tally.samples) < 3:
                    tally.samples.append(f"HTTP {response.status} for {form}")
        conn.close()

    threads = [
        threading.Thread(target=client, args=(c, t), daemon=True)
        for c, t in zip(cookies, tallies, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    total = _Tally()
    for t in tallies:
        total.latencies_ns += t.latencies_ns
        total.booked += t.booked
        total.taken += t.taken
        total.errors += t.errors
        total.samples = (total.samples + t.samples)[:3]
    return total, wall


@benchmark(
    "bookings",
    "Concurrent booking attempts on overlapping slots through a real server; double bookings "
    "counted by SQL afterwards (must be 0).",
    small={"clients": 50, "attempts": 1_000, "rooms": 10, "threads": 8},
    large={"clients": 100, "attempts": 10_000, "rooms": 20, "threads": 16},
)
def bookings(ctx: Context) -> Iterator[Result]:
    p = ctx.params
    with ctx.harness.scratch_database() as database:
        ctx.log(f"setting up {p['rooms']} rooms and {p['clients']} accounts in {database.name}")
        setup = _child(database, "setup", {"rooms": max(p["rooms"], 1), "clients": p["clients"]})
        sessions = ctx.harness.sessions(database, [EMAIL.format(i) for i in range(p["clients"])])
        forms = _attempts(setup, p["attempts"], p["rooms"], seed=f"bookings:{p['attempts']}")
        with ctx.harness.server(database, threads=p["threads"]) as server:
            ctx.log(f"{p['clients']} clients, {p['attempts']} attempts, {p['threads']} threads")
            tally, wall = _post_all(server.host, server.port, list(sessions.values()), forms)
        for sample in tally.samples:
            ctx.log(f"error: {sample}")
        counted = _child(database, "count", setup)
    summary = summarize(tally.latencies_ns, errors=tally.errors, wall_seconds=wall)
    extra = {"errors": tally.errors, "requests": len(forms)}
    yield Result("attempts.throughput", len(tally.latencies_ns) / wall, "req/s", extra)
    yield Result("attempts.p50", summary.p50, "ms", extra)
    yield Result("attempts.p95", summary.p95, "ms", extra)
    yield Result("attempts.p99", summary.p99, "ms", extra)
    yield Result("booked", tally.booked, "count")
    yield Result("refused_taken", tally.taken, "count")
    mismatch = int(counted["confirmed"] != tally.booked + len(setup["rooms"]) * 3)
    yield Result(
        "double_bookings",
        counted["double_bookings"],
        "count",
        # Any double booking, or a database that disagrees with the answers, is a failure.
        {"errors": counted["double_bookings"] + mismatch},
    )


# --- availability of a day across 50 rooms ---------------------------------------------------


@dataclass(frozen=True)
class HtmxTarget(Target):
    """A target requested the way htmx does (the partial, without the page around it)."""

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "HX-Request": "true"}


@benchmark(
    "availability",
    "The day calendar of one space with 50 rooms (page and htmx partial) vs /health/.",
    small={
        "rooms": 50,
        "neighbours": 30,
        "requests": 300,
        "warmup": 30,
        "rounds": 3,
        "concurrency": 1,
    },
    large={
        "rooms": 50,
        "neighbours": 30,
        "requests": 2_000,
        "warmup": 100,
        "rounds": 5,
        "concurrency": 1,
    },
)
def availability(ctx: Context) -> Iterator[Result]:
    p = ctx.params
    with ctx.harness.scratch_database() as database:
        setup = _child(
            database, "setup", {"rooms": p["rooms"], "clients": 1, "neighbours": p["neighbours"]}
        )
        cookie = ctx.harness.sessions(database, [EMAIL.format(0)])[EMAIL.format(0)]
        path = f"/bookings/?space={setup['space']}&day={setup['calendar_day']}"
        mark = 'id="calendar"'
        targets = [
            Target("day_page", path, cookie=cookie, expect=mark),
            HtmxTarget("day_partial", path, cookie=cookie, expect=mark),
            Target("health", "/health/"),
        ]
        with (
            ctx.harness.server(database, threads=p["concurrency"]) as server,
            LoadClient(server.host, server.port, concurrency=p["concurrency"]) as client,
        ):
            reports = client.measure(
                targets, requests=p["requests"], warmup=p["warmup"], rounds=p["rounds"]
            )
    for report in reports.values():
        for sample in report.error_samples:
            ctx.log(f"error: {sample}")
    yield Result("rooms", p["rooms"], "count")
    yield from latency_results(reports, floor="health")


TASKS = {"setup": _setup, "count": _count}

if __name__ == "__main__":
    import contextlib

    import django

    django.setup()
    task, payload = sys.argv[1], json.loads(sys.argv[2])
    with contextlib.redirect_stdout(sys.stderr):
        answer = TASKS[task](payload)
    print(json.dumps(answer), flush=True)
