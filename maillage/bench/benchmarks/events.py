"""The member home page with its ranked upcoming events, against the framework's floor.

The scale's bench database (the demo network: 1,000 members at small scale, 100,000 at large,
with the demo profiles) gets `events` upcoming events network-wide, once: spread over all
spaces and the next eight weeks, a mix of types and visibilities (60 % members, 30 % network,
10 % public), 0–3 interests each, and `rsvps` members going to each (of the event's operator,
a few from elsewhere for network events). They are written by `event_load_many`, in a child
process (`python -m maillage.bench.benchmarks.events setup JSON`), and kept for later runs
(the loader is idempotent: it tops the bench events up to `events`).

Measured through granian, as Inès (a member of La Filature, whose profile has interests),
alternating with /health/ (the minimal view, no session):
- `member_home`: `/`, the whole home page, which ranks the events for her
  (`maillage.events.selectors.for_you`) among its other cards;
- `for_you`: `/events/for-you/`, the ranked card alone (the same selector, the same template).
Target (issue 5): `member_home.p95_ratio` ≤ 10, "within 10× the minimal view". The home page
carries the cards of other apps too (workspace, mutual help, engagement, people to meet), so
`for_you` isolates what events cost: the card with the logged-in floor (session, account,
navigation) around it. Results and the profile of the home page: docs/benchmarks.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

from maillage.bench.harness import Context, run_child
from maillage.bench.loadclient import LoadClient, Target, latency_results
from maillage.bench.registry import BenchmarkError, Result, benchmark

INES = "ines@ruche.example"
HOME_MARK = 'id="ev-for-you-title"'
BENCH_TITLE = "Bench · "


# --- the child process: add the events to the bench database ------------------------------


def _setup(payload: dict) -> dict:
    import datetime as dt
    import random
    from collections import defaultdict

    from django.utils import timezone

    from maillage.core.models import Member, Role, Space
    from maillage.events.models import Event, EventKind, EventVisibility
    from maillage.events.services.bulk import EventRow, event_load_many
    from maillage.members.models import Interest

    wanted, per_event = payload["events"], payload["rsvps"]
    have = Event.objects.filter(title__startswith=BENCH_TITLE).count()
    if have < wanted:
        rng = random.Random(f"bench-events:{wanted}:{have}")
        spaces = list(Space.objects.values_list("pk", "operator_id"))
        members_of_space: dict[int, list[int]] = defaultdict(list)
        members_of_operator: dict[int, list[int]] = defaultdict(list)
        for pk, space_id, operator_id in (
            Member.objects.active()
            .filter(role=Role.MEMBER)
            .values_list("pk", "home_space_id", "operator_id")
        ):
            members_of_space[space_id].append(pk)
            members_of_operator[operator_id].append(pk)
        staff = dict(
            Member.objects.active()
            .filter(role__in=(Role.ADMIN, Role.MANAGER))
            .values_list("operator_id", "pk")
        )
        everyone = [m for ms in members_of_operator.values() for m in ms]
        interests = list(Interest.objects.values_list("pk", flat=True))
        kinds = [k for k in EventKind.values if k != EventKind.OTHER]
        now = timezone.now()
        rows = []
        for n in range(have, wanted):
            space_id, operator_id = rng.choice(spaces)
            local = members_of_space.get(space_id) or members_of_operator.get(operator_id) or []
            host = staff.get(operator_id) or (local[0] if local else None)
            if host is None:
                continue
            visibility = rng.choices(
                (EventVisibility.MEMBERS, EventVisibility.NETWORK, EventVisibility.PUBLIC),
                weights=(6, 3, 1),
            )[0]
            capacity = rng.choice((None, 8, 12, 20, 30))
            going_n = min(per_event, capacity or per_event, len(local))
            going = set(rng.sample(local, going_n)) if going_n else set()
            if visibility != EventVisibility.MEMBERS and everyone and going_n:
                going |= set(rng.sample(everyone, min(2, len(everyone))))
                if capacity is not None:
                    going = set(list(going)[:capacity])
            starts_at = (now + dt.timedelta(hours=rng.randint(2, 8 * 7 * 24))).replace(
                minute=0, second=0, microsecond=0
            )
            rows.append(
                EventRow(
                    space_id=space_id,
                    host_id=host,
                    title=f"{BENCH_TITLE}{n}",
                    kind=rng.choice(kinds),
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=rng.choice((60, 90, 120))),
                    capacity=capacity,
                    visibility=visibility,
                    interests=tuple(rng.sample(interests, rng.randint(0, 3))),
                    going=tuple(sorted(going)),
                )
            )
        event_load_many(rows)
    _backfill_going(Event, BENCH_TITLE)
    total = Event.objects.filter(title__startswith=BENCH_TITLE).count()
    upcoming = Event.objects.filter(starts_at__gt=timezone.now()).count()
    return {"bench_events": total, "upcoming_events": upcoming}


def _backfill_going(Event, prefix: str) -> None:
    """Bench events loaded before `features["going"]` existed get it (what migration
    0002 of events does for the other events)."""
    from collections import defaultdict

    from maillage.events.models import Rsvp

    missing = [
        e
        for e in Event.objects.filter(title__startswith=prefix).only("pk", "features")
        if "going" not in (e.features or {})
    ]
    if not missing:
        return
    going = defaultdict(list)
    for event_id, member_id in (
        Rsvp.objects.filter(event__title__startswith=prefix, status="going", member__isnull=False)
        .order_by("pk")
        .values_list("event_id", "member_id")
    ):
        going[event_id].append(member_id)
    for event in missing:
        event.features = {**(event.features or {}), "going": going.get(event.pk, [])[:50]}
    Event.objects.bulk_update(missing, ["features"], batch_size=2_000)


# --- the benchmark -------------------------------------------------------------------------


@benchmark(
    "events",
    "Member home page with ranked upcoming events (and the ranked card alone) vs /health/.",
    small={"events": 1_000, "rsvps": 8, "requests": 300, "warmup": 30, "rounds": 3,
           "concurrency": 1},
    large={"events": 10_000, "rsvps": 8, "requests": 2_000, "warmup": 100, "rounds": 5,
           "concurrency": 1},
)  # fmt: skip
def events(ctx: Context) -> Iterator[Result]:
    from maillage.bench.benchmarks.directory import load_profiles

    p = ctx.params
    database = ctx.harness.dataset()
    yield from ctx.harness.dataset_results()
    load_profiles(ctx, database)
    ctx.log(f"topping the bench events up to {p['events']:,} in {database.name}")
    out = run_child(
        ["-m", "maillage.bench.benchmarks.events", "setup",
         json.dumps({"events": p["events"], "rsvps": p["rsvps"]})],
        env=database.env(),
        what="events bench setup",
    )  # fmt: skip
    try:
        info = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchmarkError(f"events bench setup gave no answer: {out[-500:]!r}") from None
    yield Result("dataset.upcoming_events", info["upcoming_events"], "count")
    cookie = ctx.harness.sessions(database, [INES])[INES]
    targets = [
        Target("member_home", "/", cookie=cookie, expect=HOME_MARK),
        Target("for_you", "/events/for-you/", cookie=cookie, expect=HOME_MARK),
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
    yield from latency_results(reports, floor="health")


TASKS = {"setup": _setup}

if __name__ == "__main__":
    import contextlib

    import django

    django.setup()
    task, payload = sys.argv[1], json.loads(sys.argv[2])
    with contextlib.redirect_stdout(sys.stderr):
        answer = TASKS[task](payload)
    print(json.dumps(answer), flush=True)
