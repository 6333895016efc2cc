"""Workspace fixtures on top of the personas: rooms, desks, plans, and handy times.

La Filature (Lyon, Europe/Paris) is open 08:30–19:00 on weekdays (the factory's default).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from maillage.core.models import Space
from maillage.workspace import services
from maillage.workspace.models import PlanPeriod, ResourceKind


@pytest.fixture(autouse=True)
def _in_english(settings, personas):
    """Assertions read the English source strings, whatever the French catalogue says."""
    from django.utils import translation

    from maillage.members.models import User

    settings.LANGUAGE_CODE = "en"
    User.objects.update(language="en")
    with translation.override("en"):
        yield


def next_weekday(after: dt.date, weekday: int = 1, *, min_days: int = 2) -> dt.date:
    """The first `weekday` (0 = Monday) at least `min_days` after `after`."""
    day = after + dt.timedelta(days=min_days)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def at(space: Space, day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=space.tz)


@pytest.fixture
def ws(personas):
    """Resources and plans of Ruche & Co (and one room at Le Grenier)."""
    p = personas
    jacquard = services.resource_create(
        space=p.filature,
        kind=ResourceKind.ROOM,
        name="Salle Jacquard",
        capacity=8,
        amenities=["screen", "whiteboard"],
        credits_per_hour=Decimal(2),
        credits_per_half_day=Decimal(6),
        credits_per_day=Decimal(10),
        price_per_hour=Decimal(25),
        price_per_half_day=Decimal(80),
        price_per_day=Decimal(140),
    )
    canuts = services.resource_create(
        space=p.filature, kind=ResourceKind.ROOM, name="Salle des Canuts", capacity=4,
        credits_per_hour=Decimal(1), price_per_hour=Decimal(15),
    )  # fmt: skip
    desks = services.resource_create(
        space=p.filature, kind=ResourceKind.DESK, name="Open space", capacity=3, seats=3
    )
    booth = services.resource_create(space=p.filature, kind=ResourceKind.BOOTH, name="Cabine 1")
    panorama = services.resource_create(
        space=p.quai, kind=ResourceKind.ROOM, name="Salle Panorama", capacity=10,
        credits_per_hour=Decimal(3), price_per_hour=Decimal(30),
    )  # fmt: skip
    grenier_room = services.resource_create(
        space=p.grenier_space, kind=ResourceKind.ROOM, name="Sous les toits", capacity=6
    )
    resident = services.plan_create(
        operator=p.ruche, name="Résident", access_days=None, credits=Decimal(4), guest_days=2,
        monthly_price=Decimal(290), day_price=Decimal(25),
    )  # fmt: skip
    ten_days = services.plan_create(
        operator=p.ruche, name="Pass 10 jours", period=PlanPeriod.TOTAL, access_days=10,
        credits=Decimal(0), guest_days=0, day_price=Decimal(25),
    )  # fmt: skip
    strict = services.plan_create(
        operator=p.ruche, name="Temps partiel", access_days=2, credits=Decimal(2), guest_days=1,
        allow_overage=False, day_price=Decimal(25),
    )  # fmt: skip
    start = timezone.localdate().replace(day=1) - dt.timedelta(days=400)
    ines_plan = services.membership_start(member=p.ines, plan=resident, starts_on=start)
    return SimpleNamespace(
        jacquard=jacquard,
        canuts=canuts,
        desks=desks,
        booth=booth,
        panorama=panorama,
        grenier_room=grenier_room,
        resident=resident,
        ten_days=ten_days,
        strict=strict,
        ines_plan=ines_plan,
        membership_start=start,
    )


@pytest.fixture
def day():
    """A Tuesday at least two days ahead: La Filature is open, nothing is in the past."""
    return next_weekday(timezone.localdate(), 1)


@pytest.fixture
def open_all_week(personas):
    """La Filature open every day, round the clock (for daylight-saving cases)."""
    space = personas.filature
    space.opening_hours = {
        d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    space.save(update_fields=["opening_hours"])
    return space
