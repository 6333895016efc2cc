"""The shapes of the demo network: plain dataclasses, no Django.

`DemoNetwork` holds operators, spaces, companies and people (small slotted dataclasses, so
100,000 people fit in memory); their ledger history is streamed separately as `ActivityLine`s.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maillage.demo.timetable import LedgerContext

DEFAULT_TODAY = dt.date(2026, 1, 15)

# Roles: the values of maillage.core.models.Role (copied: no Django here).
ADMIN = "admin"
MANAGER = "manager"
MEMBER = "member"

# Behaviour archetypes: the hidden labels kept for quality benchmarks, never shown in the product.
TENANT = "tenant"  # rents a desk and comes to work; never joins anything
COWORKER = "coworker"  # uses what the community offers: events, help, introductions
NEWCOMER = "newcomer"  # joined in the last 60 days, trying things
DRIFTING = "drifting"  # was active, fading away over the last three months
DAY_PASS = "day_pass"  # noqa: S105 (not a password) — comes one to four days a month
STAFF = "staff"  # operator admins and space managers
ARCHETYPES = (TENANT, COWORKER, NEWCOMER, DRIFTING, DAY_PASS, STAFF)
ARCHETYPE_WEIGHTS = {TENANT: 0.35, COWORKER: 0.25, NEWCOMER: 0.12, DRIFTING: 0.15, DAY_PASS: 0.13}
NEWCOMER_DAYS = 60


def rng_for(seed: int, *parts: object) -> random.Random:
    """A generator of its own for one thing drawn, seeded with e.g. "42:member:17".

    String seeds are hashed with SHA-512 by `random`: the same on every run and platform,
    whatever PYTHONHASHSEED, and independent of what else is drawn."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


@dataclass(frozen=True)
class DemoConfig:
    """What to generate. `today` ends the history (exclusive); None means `DEFAULT_TODAY`.

    The loader passes today's date so the history is always "the last 12 months"; the output
    is a pure function of the whole config, `today` included. `spaces` counts the spaces of
    the main network (Ruche & Co and, at scale, generated operators); Le Grenier is added.
    """

    members: int = 150
    spaces: int = 3
    seed: int = 42
    months: int = 12
    today: dt.date | None = None

    def __post_init__(self) -> None:
        if self.members < 3:
            raise ValueError("The demo needs at least 3 members (Inès, Hugo and Zoé).")
        if self.spaces < 3:
            raise ValueError("The demo needs at least 3 spaces (Filature, Quai, Belvédère).")
        if self.months < 1:
            raise ValueError("The demo history covers at least one month.")

    @property
    def end(self) -> dt.date:
        return self.today or DEFAULT_TODAY

    @property
    def start(self) -> dt.date:
        """First day of the history: `months` months before `end`."""
        end = self.end
        year, month = divmod(end.year * 12 + end.month - 1 - self.months, 12)
        return dt.date(year, month + 1, min(end.day, 28))


@dataclass(frozen=True, slots=True)
class DemoOperator:
    index: int
    name: str
    slug: str
    website: str
    contact_email: str
    description: str


@dataclass(frozen=True, slots=True)
class DemoSpace:
    index: int
    operator_index: int
    name: str
    slug: str
    street: str
    postal_code: str
    city: str
    time_zone: str
    opening_hours: dict[str, list[list[str]]]  # as core.Space.opening_hours
    contact_email: str
    contact_phone: str
    description: str
    weight: float  # relative number of members who make it their home

    def fields(self) -> dict[str, Any]:
        """The fields `space_create` takes."""
        return {
            "name": self.name,
            "slug": self.slug,
            "street": self.street,
            "postal_code": self.postal_code,
            "city": self.city,
            "time_zone": self.time_zone,
            "opening_hours": self.opening_hours,
            "contact_email": self.contact_email,
            "contact_phone": self.contact_phone,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class DemoCompany:
    index: int
    name: str
    operator_index: int
    home_space_index: int
    team: bool  # False: a freelancer trading under their own name


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """One generated person with a member record at one operator.

    `key` is stable across configs ("member:17", "manager:4", "staff:claire"); `index` is the
    position in `DemoNetwork.people`. `archetype` is the hidden behaviour label.
    """

    index: int
    key: str
    first_name: str
    last_name: str
    email: str
    operator_index: int
    home_space_index: int
    role: str  # ADMIN, MANAGER or MEMBER
    archetype: str  # one of ARCHETYPES
    profession: str
    skills: tuple[str, ...]
    company_index: int | None  # None for staff
    plan: str  # "" for staff
    joined_on: dt.date
    left_on: dt.date | None = None
    persona: str = ""  # "claire", "malik", "ines", "hugo", "zoe", ... for the fixed personas

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(slots=True)
class ActivityLine:
    """One ledger line: what `person_index` did at `space_index`, when (aware, UTC).

    `kind` is a value of maillage.core.models.ActivityKind; `payload` is small or None."""

    person_index: int
    space_index: int
    kind: str
    occurred_at: dt.datetime
    payload: dict | None = None


@dataclass
class DemoNetwork:
    config: DemoConfig
    operators: list[DemoOperator]
    spaces: list[DemoSpace]
    companies: list[DemoCompany]
    people: list[DemoPerson]  # staff first, then members (Inès, Hugo and Zoé first)
    _context: LedgerContext | None = field(default=None, repr=False, compare=False)

    def persona(self, name: str) -> DemoPerson:
        for person in self.people:
            if person.persona == name:
                return person
        raise KeyError(name)

    def members(self) -> list[DemoPerson]:
        return [p for p in self.people if p.role == MEMBER]

    def activities(self, people: range | None = None) -> Iterator[ActivityLine]:
        from maillage.demo.generator import activities

        return activities(self, people=people)
