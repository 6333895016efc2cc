# ruff: noqa: C408 -- keyword dicts read like the services' arguments
"""Demo data of the workspace: rooms, desks and booths in every space, each operator's plans,
each demo member's plan (the generator's plan names), holidays, and a lively "today".

Call `load_workspace()` after `maillage.demo.load.load_demo`; it is idempotent (a database that
already has resources is left untouched) and goes through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.core.models import Member, Operator, Role, Space
from maillage.workspace import services
from maillage.workspace.models import (
    ClosedDay,
    Membership,
    Plan,
    PlanPeriod,
    Resource,
    ResourceKind,
)

D = Decimal

# The plans every operator offers (names as the demo generator gives them to members).
PLANS = (
    dict(name="Pass journée", period=PlanPeriod.MONTH, access_days=0, credits=D(0), guest_days=0,
         monthly_price=None, day_price=D(25), position=1,
         description="À la journée, sans engagement : chaque venue est facturée."),
    dict(name="Pass 10 jours", period=PlanPeriod.TOTAL, access_days=10, credits=D(4), guest_days=1,
         monthly_price=None, day_price=D(22), position=2,
         description="Dix journées à utiliser en six mois, 4 crédits de salle."),
    dict(name="Temps partiel", period=PlanPeriod.MONTH, access_days=10, credits=D(4), guest_days=1,
         monthly_price=D(190), day_price=D(20), position=3,
         description="Dix jours par mois, 4 crédits de salle de réunion, un jour d'invité."),
    dict(name="Résident", period=PlanPeriod.MONTH, access_days=None, credits=D(8), guest_days=2,
         monthly_price=D(290), day_price=D(20), position=4,
         description="Accès illimité, poste en open space, 8 crédits de salle par mois."),
    dict(name="Bureau privatif", period=PlanPeriod.MONTH, access_days=None, credits=D(16),
         guest_days=4, monthly_price=D(520), day_price=D(20), position=5, allow_overage=True,
         description="Un bureau fermé pour l'équipe, 16 crédits de salle, quatre jours d'invités."),
)  # fmt: skip

ROOM = dict(kind=ResourceKind.ROOM)
# Resources of the personas' spaces, then a template for the others.
RESOURCES = {
    "la-filature": (
        dict(
            ROOM,
            name="Salle Jacquard",
            capacity=10,
            position=1,
            amenities=["screen", "videoconference", "whiteboard", "daylight"],
            description="La grande salle sous verrière, pour les ateliers et les comités.",
            credits_per_hour=D(2),
            credits_per_half_day=D(6),
            credits_per_day=D(10),
            price_per_hour=D(30),
            price_per_half_day=D(90),
            price_per_day=D(160),
        ),
        dict(
            ROOM,
            name="Salle des Canuts",
            capacity=4,
            position=2,
            amenities=["screen", "whiteboard"],
            description="Petite salle pour un rendez-vous.",
            credits_per_hour=D(1),
            credits_per_half_day=D(3),
            price_per_hour=D(15),
            price_per_half_day=D(45),
        ),
        dict(
            kind=ResourceKind.BOOTH,
            name="Cabine 1",
            capacity=1,
            position=3,
            amenities=["quiet"],
            description="Pour un appel en visio, au calme.",
        ),
        dict(kind=ResourceKind.BOOTH, name="Cabine 2", capacity=1, position=4, amenities=["quiet"]),
        dict(
            kind=ResourceKind.DESK,
            name="Open space",
            capacity=24,
            seats=24,
            position=5,
            amenities=["monitor", "daylight"],
            description="Postes libres, premier arrivé.",
        ),
        dict(
            kind=ResourceKind.EQUIPMENT,
            name="Vidéoprojecteur",
            capacity=1,
            position=6,
            price_per_day=D(10),
        ),
    ),
    "le-quai": (
        dict(
            ROOM,
            name="Salle Panorama",
            capacity=12,
            position=1,
            amenities=["screen", "videoconference", "projector", "accessible"],
            credits_per_hour=D(3),
            credits_per_half_day=D(8),
            credits_per_day=D(14),
            price_per_hour=D(40),
            price_per_half_day=D(120),
            price_per_day=D(210),
        ),
        dict(
            ROOM,
            name="Le Patio",
            capacity=6,
            position=2,
            amenities=["whiteboard", "daylight"],
            credits_per_hour=D(1),
            credits_per_half_day=D(3),
            price_per_hour=D(18),
        ),
        dict(kind=ResourceKind.BOOTH, name="Cabine du quai", capacity=1, position=3),
        dict(kind=ResourceKind.DESK, name="Plateau", capacity=30, seats=30, position=4),
    ),
}
TEMPLATE = (
    dict(
        ROOM,
        name="Grande salle",
        capacity=10,
        position=1,
        amenities=["screen", "videoconference", "whiteboard"],
        credits_per_hour=D(2),
        credits_per_half_day=D(6),
        credits_per_day=D(10),
        price_per_hour=D(25),
        price_per_half_day=D(80),
        price_per_day=D(140),
    ),
    dict(
        ROOM,
        name="Petite salle",
        capacity=4,
        position=2,
        amenities=["screen"],
        credits_per_hour=D(1),
        price_per_hour=D(15),
    ),
    dict(kind=ResourceKind.BOOTH, name="Cabine", capacity=1, position=3),
    dict(kind=ResourceKind.DESK, name="Open space", capacity=16, seats=16, position=4),
)

LIVELY_SPACES = 10  # spaces that get bookings to come and people checked in today
SERIES_TITLES = ("Point client", "Atelier", "Réunion d'équipe", "Entretien", "Comité", "")


@dataclass(frozen=True)
class WorkspaceLoadResult:
    loaded: bool
    resources: int
    plans: int
    memberships: int
    bookings: int
    checkins: int


def load_workspace(
    *, progress: Callable[[str], None] | None = None, seed: int = 42
) -> WorkspaceLoadResult:
    """Give the demo network its workspace (idempotent). Needs `load_demo` to have run."""
    say = progress or (lambda message: None)
    if Resource.objects.exists():
        return WorkspaceLoadResult(False, Resource.objects.count(), Plan.objects.count(),
                                   Membership.objects.count(), 0, 0)  # fmt: skip
    rng = random.Random(f"{seed}:workspace")
    with transaction.atomic():
        resources = _resources()
        plans = _plans()
        memberships = _memberships(plans)
        _closed_days()
        _this_months_days()
    say(f"Workspace: {resources} resources, {len(plans)} plans, {memberships} memberships.")
    bookings = _bookings(rng)
    checkins = _today(rng)
    say(f"Workspace: {bookings} bookings to come, {checkins} people checked in today.")
    return WorkspaceLoadResult(True, resources, len(plans), memberships, bookings, checkins)


def _resources() -> int:
    count = 0
    for space in Space.objects.order_by("pk"):
        for fields in RESOURCES.get(space.slug, TEMPLATE):
            fields = dict(fields)
            services.resource_create(
                space=space, kind=fields.pop("kind"), name=fields.pop("name"), **fields
            )
            count += 1
    return count


def _plans() -> dict[tuple[int, str], Plan]:
    plans = {}
    for operator in Operator.objects.order_by("pk"):
        for fields in PLANS:
            fields = dict(fields)
            plan = services.plan_create(operator=operator, name=fields.pop("name"), **fields)
            plans[(operator.pk, plan.name)] = plan
    return plans


def _memberships(plans: dict[tuple[int, str], Plan]) -> int:
    """Each demo member's plan, as the generator drew it, from the day they joined."""
    from maillage.demo.generator import DemoConfig, generate
    from maillage.demo.models import DemoRun

    run = DemoRun.objects.first()
    if run is None:
        return 0
    network = generate(
        DemoConfig(members=run.members, spaces=run.spaces, seed=run.seed, months=run.months,
                   today=run.history_ends_on)
    )  # fmt: skip
    by_email = {
        email.lower(): (pk, operator_id, joined_on, left_on)
        for pk, email, operator_id, joined_on, left_on in Member.objects.filter(
            role=Role.MEMBER
        ).values_list("pk", "user__email", "operator_id", "joined_on", "left_on")
    }
    rows = []
    for person in network.people:
        record = by_email.get(person.email.lower())
        if not person.plan or record is None:
            continue
        pk, operator_id, joined_on, left_on = record
        plan = plans.get((operator_id, person.plan))
        if plan is None:
            continue
        ends_on = left_on
        if plan.period == PlanPeriod.TOTAL and ends_on is None:
            ends_on = max(joined_on + dt.timedelta(days=182), run.history_ends_on)
        rows.append(
            services.MembershipRow(
                member_id=pk, plan_id=plan.pk, starts_on=joined_on, ends_on=ends_on
            )
        )
    return services.membership_start_many(rows)


def _this_months_days() -> int:
    """This month's days at the space, from the demo ledger's check-in lines, so that what
    is left of each plan matches the history (the lines themselves stay as they are)."""
    from maillage.core.models import Activity, ActivityKind

    first = timezone.localdate().replace(day=1)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=timezone.get_current_timezone())
    lines = Activity.objects.filter(
        kind=ActivityKind.CHECKED_IN, occurred_at__gte=start, space__isnull=False
    ).values_list("member_id", "space_id", "occurred_at")
    return services.checkin_import_many(
        services.CheckInRow(member_id=m, space_id=s, checked_in_at=at) for m, s, at in lines
    )


def _closed_days() -> None:
    from maillage.demo.timetable import french_public_holidays

    today = timezone.localdate()
    holidays = sorted(
        d for year in (today.year, today.year + 1) for d in french_public_holidays(year)
        if today <= d <= today + dt.timedelta(days=366)
    )  # fmt: skip
    ClosedDay.objects.bulk_create(
        [
            ClosedDay(space=space, date=day, reason="Jour férié")
            for space in Space.objects.all()
            for day in holidays
        ],
        ignore_conflicts=True,
    )


def _next_open_days(space: Space, start: dt.date, n: int) -> list[dt.date]:
    closed = set(ClosedDay.objects.filter(space=space).values_list("date", flat=True))
    days, day = [], start
    while len(days) < n and day < start + dt.timedelta(days=60):
        if space.hours_on(day.weekday()) and day not in closed:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _bookings(rng: random.Random) -> int:
    """Bookings of the next days in the first spaces, by their members, through the service."""
    count = 0
    for space in Space.objects.order_by("pk")[:LIVELY_SPACES]:
        members = list(
            Member.objects.active().filter(home_space=space, role=Role.MEMBER).order_by("pk")[:60]
        )
        rooms = list(space.resources.filter(kind__in=[ResourceKind.ROOM, ResourceKind.BOOTH]))
        desks = list(space.resources.filter(kind=ResourceKind.DESK))
        if not members:
            continue
        today = timezone.localtime(timezone.now(), space.tz).date()
        for day in _next_open_days(space, today, 8):
            opens, closes = space.hours_on(day.weekday())[0]
            first, last = int(opens[:2]) + 1, int(closes[:2]) - 1
            for room in rooms:
                for _ in range(rng.randint(1, 4)):
                    hour = rng.randint(first, max(first, last - 1))
                    length = rng.choice((30, 60, 60, 90, 120))
                    count += _try_book(space, room, rng.choice(members), day, hour * 60, length,
                                       rng.choice(SERIES_TITLES))  # fmt: skip
            for desk in desks:
                for member in rng.sample(members, min(len(members), desk.seats // 2)):
                    count += _try_book(
                        space, desk, member, day, first * 60, (last - first) * 60, ""
                    )
    return count


def _try_book(space, resource, member, day, minute, length, title) -> int:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=space.tz) + dt.timedelta(minutes=minute)
    try:
        services.booking_create(
            resource=resource,
            member=member,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=length),
            title=title,
        )
    except DomainError:  # taken, past, closed: a demo skips it
        return 0
    return 1


def _today(rng: random.Random) -> int:
    """A few members of the first spaces checked in this morning (if the space is open)."""
    count = 0
    now = timezone.now()
    for space in Space.objects.order_by("pk")[:LIVELY_SPACES]:
        local = now.astimezone(space.tz)
        ranges = space.hours_on(local.weekday())
        if not ranges or ClosedDay.objects.filter(space=space, date=local.date()).exists():
            continue
        opens = int(ranges[0][0][:2]) * 60 + int(ranges[0][0][3:])
        members = list(
            Member.objects.active().filter(home_space=space, role=Role.MEMBER).order_by("pk")[:40]
        )
        for member in rng.sample(members, min(len(members), rng.randint(6, 14))):
            minute = opens + rng.randint(0, 150)
            at = dt.datetime.combine(local.date(), dt.time(0), tzinfo=space.tz) + dt.timedelta(
                minutes=minute
            )
            if at > now:
                continue
            try:
                services.checkin_open(member=member, space=space, via=rng.choice(
                    ("qr", "qr", "button", "desk")), now=at)  # fmt: skip
            except DomainError:
                continue
            count += 1
    return count
