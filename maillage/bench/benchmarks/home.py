"""The home pages, served by granian over loopback, against the framework's floor.

The member home page asks for its "people you should meet" card once shown (htmx,
`/home/people/`): that fragment is measured too (`people_card`), so the deferred work is in
the figures rather than hidden by the deferral.
"""

from __future__ import annotations

from collections.abc import Iterator

from maillage.bench.harness import Context
from maillage.bench.loadclient import LoadClient, Target, latency_results
from maillage.bench.registry import Result, benchmark

INES = "ines@ruche.example"  # a member of La Filature (not staff)
CLAIRE = "claire@ruche.example"  # operator admin of Ruche & Co

# Ids only these pages have: a 200 without them is the wrong page (e.g. the landing page of
# a visitor whose session was not accepted), counted as an error.
MEMBER_HOME_MARK = 'id="month-title"'
STAFF_HOME_MARK = 'id="spaces-title"'
PEOPLE_CARD_MARK = 'id="meet-title"'


@benchmark(
    "home",
    "Member home (/) and its deferred people card as Inès, staff home (/staff/) as Claire, "
    "vs /health/, through granian.",
    small={"requests": 300, "warmup": 30, "concurrency": 1, "rounds": 3, "staff": True},
    large={"requests": 2_000, "warmup": 100, "concurrency": 1, "rounds": 5, "staff": True},
)
def home(ctx: Context) -> Iterator[Result]:
    p = ctx.params
    database = ctx.harness.dataset()
    yield from ctx.harness.dataset_results()
    cookies = ctx.harness.sessions(database, [INES, CLAIRE] if p["staff"] else [INES])
    targets = [
        Target("member_home", "/", cookie=cookies[INES], expect=MEMBER_HOME_MARK),
        Target("people_card", "/home/people/", cookie=cookies[INES], expect=PEOPLE_CARD_MARK),
        Target("health", "/health/"),  # anonymous: the framework's floor, no session lookup
    ]
    if p["staff"]:
        targets.append(
            Target("staff_home", "/staff/", cookie=cookies[CLAIRE], expect=STAFF_HOME_MARK)
        )
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
