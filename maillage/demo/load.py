"""Write a generated demo network into the database, through the services.

Idempotent: a database that already holds a demo network (a `DemoRun`, or Ruche & Co's
operator) is left untouched. Memory stays bounded at any size: people are written in batches,
and the ledger is streamed from the generator in transactions of `ledger_chunk` lines.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, reset_queries, transaction
from django.utils import timezone

from maillage.core.models import Activity, Member, Operator, Space
from maillage.core.services import (
    ActivityRow,
    MemberRow,
    activity_record_many,
    member_add_many,
    operator_create,
    space_create,
)
from maillage.demo import services
from maillage.demo.generator import DemoConfig, DemoNetwork, activities, generate
from maillage.demo.models import DemoRun
from maillage.demo.personas import PERSONAS, RUCHE
from maillage.members.services import UserRow, user_create_many

# Demo only: every demo account shares this password. Never load the demo into a database
# that real people use.
DEMO_PASSWORD = "maillage-demo"  # noqa: S105

PEOPLE_BATCH = 5_000
LEDGER_BATCH = 10_000
LEDGER_CHUNK = 100_000  # lines per transaction (and per progress message)

# The log-ins the command prints and the README documents: (persona, role label).
LOGIN_PERSONAS = (
    ("claire", "Operator admin, Ruche & Co"),
    ("malik", "Space manager, La Filature"),
    ("ines", "Member, La Filature"),
    ("hugo", "Member, Le Quai"),
    ("zoe", "Member of another operator, Le Grenier"),
)


class DemoLoadError(Exception):
    """The demo cannot be loaded into this database; the message says why and what to do."""


@dataclass(frozen=True)
class LoadResult:
    loaded: bool  # False: a demo network was already there and nothing was written
    operators: int
    spaces: int
    members: int
    activities: int
    elapsed: float  # seconds
    logins: list[tuple[str, str, str]]  # (role label with the person's name, email, password)
    run: DemoRun | None = None


def demo_logins() -> list[tuple[str, str, str]]:
    return [
        (f"{label} ({PERSONAS[key].full_name})", PERSONAS[key].email, DEMO_PASSWORD)
        for key, label in LOGIN_PERSONAS
    ]


def load_demo(
    config: DemoConfig | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    ledger_chunk: int = LEDGER_CHUNK,
) -> LoadResult:
    """Generate the demo network for `config` and write it, unless one is already loaded.

    A config without `today` gets today's date, so the history is the last `months` months.
    """
    started = time.monotonic()
    config = config or DemoConfig()
    if config.today is None:
        config = replace(config, today=timezone.localdate())
    say = progress or (lambda message: None)

    existing = _existing(started)
    if existing is not None:
        return existing
    say(
        f"Generating {config.members:,} members, {config.spaces + 1:,} spaces and "
        f"{config.months} months of history (seed {config.seed})…"
    )
    network = generate(config)
    try:
        with transaction.atomic():
            existing = _existing(started)  # again, inside the transaction that writes
            if existing is not None:
                return existing
            run = services.demo_run_start(config=config)
            operator_ids, space_ids = _write_places(network)
            member_ids = _write_people(network, operator_ids, space_ids, say)
    except IntegrityError:
        # Another `maillage demo` wrote the same network at the same moment.
        existing = _existing(started)
        if existing is None:
            raise
        return existing

    lines = _write_ledger(network, operator_ids, space_ids, member_ids, say, ledger_chunk)
    services.demo_run_complete(run=run, activities=lines)
    return LoadResult(
        loaded=True,
        operators=len(network.operators),
        spaces=len(network.spaces),
        members=len(network.people),
        activities=lines + len(network.people),  # with the "joined" line of each member
        elapsed=time.monotonic() - started,
        logins=demo_logins(),
        run=run,
    )


def _existing(started: float) -> LoadResult | None:
    run = DemoRun.objects.first()
    if run is not None and run.completed_at is None:
        raise DemoLoadError(
            "The demo data in this database is incomplete: another `maillage demo` is still "
            "loading it, or one stopped before the end. In the second case, start again from "
            "an empty database (for SQLite, delete the database file in DATA_DIR)."
        )
    if run is None and not Operator.objects.filter(slug=RUCHE.slug).exists():
        return None
    members = Member.objects.count()
    return LoadResult(
        loaded=False,
        operators=Operator.objects.count(),
        spaces=Space.objects.count(),
        members=members,
        # Counting a 10-million-line ledger takes a while: the run knows how many it wrote.
        activities=run.activities + members if run is not None else Activity.objects.count(),
        elapsed=time.monotonic() - started,
        logins=demo_logins(),
        run=run,
    )


def _write_places(network: DemoNetwork) -> tuple[list[int], list[int]]:
    operators = [
        operator_create(
            name=o.name,
            slug=o.slug,
            website=o.website,
            contact_email=o.contact_email,
            description=o.description,
        )
        for o in network.operators
    ]
    spaces = [
        space_create(operator=operators[s.operator_index], **s.fields()) for s in network.spaces
    ]
    return [o.pk for o in operators], [s.pk for s in spaces]


def _write_people(
    network: DemoNetwork,
    operator_ids: list[int],
    space_ids: list[int],
    say: Callable[[str], None],
) -> list[int]:
    """Accounts, member records (with their "joined" line) and hidden labels, in batches.

    One password hash for everybody: hashing is deliberately slow (PBKDF2), once is enough."""
    password_hash = make_password(DEMO_PASSWORD)
    member_ids = [0] * len(network.people)
    total = len(network.people)
    for done, batch in _batches(network.people, PEOPLE_BATCH):
        users = user_create_many(
            [
                UserRow(email=p.email, full_name=p.full_name, password_hash=password_hash)
                for p in batch
            ]
        )
        members = member_add_many(
            MemberRow(
                user_id=user.pk,
                operator_id=operator_ids[person.operator_index],
                home_space_id=space_ids[person.home_space_index],
                role=person.role,
                joined_on=person.joined_on,
                left_on=person.left_on,
            )
            for person, user in zip(batch, users, strict=True)
        )
        for person, member in zip(batch, members, strict=True):
            member_ids[person.index] = member.pk
        services.demo_truth_record_many(
            (member.pk, person.archetype) for person, member in zip(batch, members, strict=True)
        )
        reset_queries()
        say(f"  members: {done:,} / {total:,}")
    return member_ids


def _batches(items: list, size: int) -> Iterator[tuple[int, list]]:
    for start in range(0, len(items), size):
        batch = items[start : start + size]
        yield start + len(batch), batch


def _write_ledger(
    network: DemoNetwork,
    operator_ids: list[int],
    space_ids: list[int],
    member_ids: list[int],
    say: Callable[[str], None],
    chunk: int,
) -> int:
    """Stream the generator's ledger into the database, `chunk` lines per transaction."""
    person_operator = [operator_ids[p.operator_index] for p in network.people]
    rows = (
        ActivityRow(
            operator_id=person_operator[line.person_index],
            member_id=member_ids[line.person_index],
            kind=line.kind,
            occurred_at=line.occurred_at,
            space_id=space_ids[line.space_index],
            payload=line.payload,
        )
        for line in activities(network)
    )
    total = 0
    while True:
        with transaction.atomic():
            written = activity_record_many(itertools.islice(rows, chunk), batch_size=LEDGER_BATCH)
        # With DEBUG on (the demo's default), Django keeps the last 9,000 queries' SQL: at
        # 10,000 rows per INSERT that would be gigabytes. Forget them as we go.
        reset_queries()
        if not written:
            return total
        total += written
        say(f"  ledger: {total:,} lines")
