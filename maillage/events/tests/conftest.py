"""Event fixtures on top of the personas: rooms of La Filature and Le Quai, handy times, an
event factory that goes through the services, and a few more members.

La Filature is open 08:30–19:00 on weekdays (the factory's default); events that book a room
must fit in these hours (the booking service says so).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from maillage.core.models import Space
from maillage.core.tests.factories import MemberFactory, UserFactory
from maillage.events import services
from maillage.events.models import EventKind, EventVisibility
from maillage.workspace import services as workspace
from maillage.workspace.models import ResourceKind


@pytest.fixture(autouse=True)
def _in_english(settings, personas):
    """Assertions read the English source strings, whatever the French catalogue says."""
    from django.utils import translation

    from maillage.members.models import User

    settings.LANGUAGE_CODE = "en"
    User.objects.update(language="en")
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_cached_candidates():
    """Each test starts without the candidates "events for you" caches per space."""
    from django.core.cache import cache

    cache.clear()


def next_weekday(after: dt.date, weekday: int = 3, *, min_days: int = 2) -> dt.date:
    """The first `weekday` (0 = Monday; Thursday by default) at least `min_days` after."""
    day = after + dt.timedelta(days=min_days)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def at(space: Space, day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=space.tz)


@pytest.fixture
def day():
    """A Thursday at least two days ahead."""
    return next_weekday(timezone.localdate())


@pytest.fixture
def rooms(personas):
    p = personas
    return SimpleNamespace(
        jacquard=workspace.resource_create(
            space=p.filature, kind=ResourceKind.ROOM, name="Salle Jacquard", capacity=10
        ),
        canuts=workspace.resource_create(
            space=p.filature, kind=ResourceKind.ROOM, name="Salle des Canuts", capacity=4
        ),
        panorama=workspace.resource_create(
            space=p.quai, kind=ResourceKind.ROOM, name="Salle Panorama", capacity=12
        ),
    )


@pytest.fixture
def make_event(personas, day):
    """Publish an event as Malik (manager of La Filature) unless told otherwise."""

    def _make(**fields):
        by = fields.pop("by", personas.malik)
        space = fields.pop("space", personas.filature)
        when = fields.pop("day", day)
        start, end = fields.pop("start", "12:30"), fields.pop("end", "13:30")
        defaults = {
            "title": "Déjeuner des coworkers",
            "kind": EventKind.LUNCH,
            "capacity": 10,
            "visibility": EventVisibility.MEMBERS,
        }
        defaults.update(fields)
        return services.event_propose(
            proposer=by,
            operator=space.operator,
            space=space,
            starts_at=at(space, when, start),
            ends_at=at(space, when, end),
            **defaults,
        )

    return _make


@pytest.fixture
def members(personas):
    """Three more members of La Filature: Léa, Sami, Noé (reading English, like the
    personas here; the French emails have tests of their own)."""
    return [
        MemberFactory(
            user=UserFactory(
                email=f"{name.lower()}@example.org", full_name=f"{name} Durand", language="en"
            ),
            home_space=personas.filature,
        )
        for name in ("Lea", "Sami", "Noe")
    ]
