"""The demo network generator: a deterministic French network of coworking spaces, no Django.

`generate(config)` builds the operators, spaces, companies and people; `activities(network)`
then streams each person's ledger history, person by person, so 10 million lines never sit in
memory together (see behaviour.py for the simulation of each archetype).

What is generated:

- Ruche & Co (the personas' operator) runs La Filature, Le Quai and Le Belvédère, then the next
  generated spaces up to ten (around Lyon); beyond ten, each further block of ten spaces belongs
  to a generated operator in another French city. Le Grenier (Grenoble, one space) is always
  there as the outsider operator where Zoé is a member. `config.spaces` counts the spaces of the
  main network, so there are `spaces + 1` spaces in all.
- Staff: one admin per operator (Claire for Ruche & Co, Camille for Le Grenier) and one manager
  per space (Malik at La Filature, Juliette at Le Quai, Thomas at Le Belvédère; Le Grenier is
  run by its admin). Staff come first in `network.people`.
- `config.members` members, Inès, Hugo and Zoé first, the others drawn from French names,
  professions, companies of one to five people (most alone) and plans. Each keeps the behaviour
  archetype that drives their history (`DemoPerson.archetype`): a hidden label for quality
  benchmarks, never shown in the product.

Determinism: every draw comes from its own `random.Random` seeded with a string naming the seed
and the thing drawn (`rng_for`), so member 17 is the same whether 30 or 100,000 members are
generated, and the output is identical on every run. Cost: O(members + spaces) time and memory
for `generate`; O(lines) time and O(one person's lines) memory for `activities`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import re
import unicodedata
from collections.abc import Iterator

from maillage.demo import vocabulary as words
from maillage.demo.behaviour import person_lines
from maillage.demo.network import (
    ADMIN,
    ARCHETYPE_WEIGHTS,
    ARCHETYPES,
    COWORKER,
    DAY_PASS,
    DEFAULT_TODAY,
    DRIFTING,
    MANAGER,
    MEMBER,
    NEWCOMER,
    NEWCOMER_DAYS,
    STAFF,
    TENANT,
    ActivityLine,
    DemoCompany,
    DemoConfig,
    DemoNetwork,
    DemoOperator,
    DemoPerson,
    DemoSpace,
    rng_for,
)
from maillage.demo.personas import (
    FIXED_SPACES,
    GRENIER,
    HOURS_TEMPLATES,
    MEMBER_PERSONAS,
    RUCHE,
    STAFF_PERSONAS,
    Persona,
)
from maillage.demo.timetable import LedgerContext

__all__ = [
    "ARCHETYPES",
    "ARCHETYPE_WEIGHTS",
    "DEFAULT_TODAY",
    "NEWCOMER_DAYS",
    "ActivityLine",
    "DemoCompany",
    "DemoConfig",
    "DemoNetwork",
    "DemoOperator",
    "DemoPerson",
    "DemoSpace",
    "activities",
    "generate",
]

RUCHE_SPACES_MAX = 10  # Ruche & Co runs the first ten spaces of the main network
SPACES_PER_OPERATOR = 10  # beyond them, one generated operator per ten spaces
EMAIL_DOMAIN = "demo.maillage.example"


def activities(network: DemoNetwork, *, people: range | None = None) -> Iterator[ActivityLine]:
    """Stream the ledger lines of every person (or of `people`, a range of indexes).

    Lines come person by person, each person's in time order; only one person's lines are
    held at a time. The same network always yields the same lines.
    """
    if network._context is None:
        network._context = LedgerContext.build(network)
    context = network._context
    selected = network.people if people is None else (network.people[i] for i in people)
    for person in selected:
        yield from person_lines(context, person)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _unique(slug: str, taken: set[str]) -> str:
    slug = slug[:50]
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _fiction_phone(rng: random.Random) -> str:
    """A landline number in the range ARCEP reserves for fiction."""
    return f"04 65 71 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def generate(config: DemoConfig) -> DemoNetwork:
    """Build the network for `config` (see the module docstring). O(members + spaces)."""
    operators, spaces = _operators_and_spaces(config)
    people: list[DemoPerson] = []
    companies: list[DemoCompany] = []
    _add_staff(config, operators, spaces, people)
    _add_members(config, spaces, people, companies)
    return DemoNetwork(
        config=config, operators=operators, spaces=spaces, companies=companies, people=people
    )


def _operators_and_spaces(config: DemoConfig) -> tuple[list[DemoOperator], list[DemoSpace]]:
    operators = [RUCHE, GRENIER]
    spaces = list(FIXED_SPACES)
    op_slugs = {o.slug for o in operators}
    space_slugs = {s.slug for s in spaces}
    for main_index in range(3, config.spaces):
        rng = rng_for(config.seed, "space", main_index)
        index = len(spaces)
        if main_index < RUCHE_SPACES_MAX:
            name, street, postal_code, city = words.LYON_SPACES[main_index - 3]
            operator = RUCHE
            email = f"{slugify(name)}@ruche.example"
        else:
            block = (main_index - RUCHE_SPACES_MAX) // SPACES_PER_OPERATOR
            if block + 2 >= len(operators):
                operators.append(_generated_operator(block, op_slugs))
            operator = operators[block + 2]
            _, city, postal_code = words.OPERATOR_CITIES[block % len(words.OPERATOR_CITIES)]
            name = rng.choice(words.SPACE_NAMES)
            street = f"{rng.randint(1, 120)} {rng.choice(words.STREET_NAMES)}"
            email = f"{slugify(name)}@{operator.slug}.example"
        spaces.append(
            DemoSpace(
                index=index,
                operator_index=operator.index,
                name=name,
                slug=_unique(slugify(f"{name}-{city}"), space_slugs),
                street=street,
                postal_code=postal_code,
                city=city,
                time_zone="Europe/Paris",
                opening_hours=rng.choice(HOURS_TEMPLATES),
                contact_email=email,
                contact_phone=_fiction_phone(rng),
                description=rng.choice(words.SPACE_DESCRIPTIONS),
                weight=round(rng.uniform(0.5, 1.3), 2),
            )
        )
    return operators, spaces


def _generated_operator(block: int, taken: set[str]) -> DemoOperator:
    base, city, _ = words.OPERATOR_CITIES[block % len(words.OPERATOR_CITIES)]
    round_ = block // len(words.OPERATOR_CITIES)
    name = base if round_ == 0 else f"{base} {round_ + 1}"
    slug = _unique(slugify(name), taken)
    return DemoOperator(
        index=block + 2,
        name=name,
        slug=slug,
        website=f"https://{slug}.example",
        contact_email=f"bonjour@{slug}.example",
        description=f"Un réseau de tiers-lieux à {city} et alentour, ouvert aux indépendants et "
        "aux petites équipes.",
    )


def _demo_email(first: str, last: str, tag: object) -> str:
    return f"{slugify(first)}.{slugify(last)}.{tag}@{EMAIL_DOMAIN}"


def _add_staff(
    config: DemoConfig,
    operators: list[DemoOperator],
    spaces: list[DemoSpace],
    people: list[DemoPerson],
) -> None:
    today = config.end
    for persona in STAFF_PERSONAS:
        people.append(_persona_person(persona, len(people), f"staff:{persona.key}", None, today))
    first_space = {}
    for space in spaces:
        first_space.setdefault(space.operator_index, space.index)
    for operator in operators[2:]:
        rng = rng_for(config.seed, "admin", operator.index)
        people.append(
            _staff_person(
                rng,
                people,
                f"admin:{operator.index}",
                operator.index,
                first_space[operator.index],
                ADMIN,
                today,
            )
        )
    for space in spaces[len(FIXED_SPACES) :]:
        rng = rng_for(config.seed, "manager", space.index)
        people.append(
            _staff_person(
                rng,
                people,
                f"manager:{space.index}",
                space.operator_index,
                space.index,
                MANAGER,
                today,
            )
        )


def _persona_person(
    persona: Persona, index: int, key: str, company_index: int | None, today: dt.date
) -> DemoPerson:
    return DemoPerson(
        index=index,
        key=key,
        first_name=persona.first_name,
        last_name=persona.last_name,
        email=persona.email,
        operator_index=FIXED_SPACES[persona.home_space_index].operator_index,
        home_space_index=persona.home_space_index,
        role=persona.role,
        archetype=persona.archetype,
        profession=persona.profession,
        skills=persona.skills,
        company_index=company_index,
        plan=persona.plan,
        joined_on=today - dt.timedelta(days=persona.joined_days_ago),
        persona=persona.key,
    )


def _staff_person(
    rng: random.Random,
    people: list[DemoPerson],
    key: str,
    operator_index: int,
    home: int,
    role: str,
    today: dt.date,
) -> DemoPerson:
    female = rng.random() < 0.5
    first = rng.choice(words.FEMALE_FIRST_NAMES if female else words.MALE_FIRST_NAMES)
    last = rng.choice(words.LAST_NAMES)
    profession = ("directrice" if female else "directeur") if role == ADMIN else "community manager"
    return DemoPerson(
        index=len(people),
        key=key,
        first_name=first,
        last_name=last,
        email=_demo_email(first, last, key.replace(":", "")),
        operator_index=operator_index,
        home_space_index=home,
        role=role,
        archetype=STAFF,
        profession=profession,
        skills=("animation de communauté", "événementiel"),
        company_index=None,
        plan="",
        joined_on=today - dt.timedelta(days=rng.randint(400, 2500)),
    )


# Company sizes: most members are freelancers on their own, some are small teams.
COMPANY_SIZES = (1, 2, 3, 4, 5)
COMPANY_SIZE_WEIGHTS = (0.80, 0.09, 0.05, 0.035, 0.025)


def _add_members(
    config: DemoConfig,
    spaces: list[DemoSpace],
    people: list[DemoPerson],
    companies: list[DemoCompany],
) -> None:
    today = config.end
    for persona in MEMBER_PERSONAS:
        space = spaces[persona.home_space_index]
        company = DemoCompany(
            len(companies), persona.company, space.operator_index, space.index, team=False
        )
        companies.append(company)
        key = f"member:{persona.key}"
        people.append(_persona_person(persona, len(people), key, company.index, today))
    cumulative: list[float] = []
    total = 0.0
    for space in spaces:
        total += space.weight
        cumulative.append(total)
    archetypes = list(ARCHETYPE_WEIGHTS)
    solo_weights, team_weights = _archetype_weights()
    company: DemoCompany | None = None
    seats_left = 0
    for number in range(len(MEMBER_PERSONAS), config.members):
        rng = rng_for(config.seed, "member", number)
        female = rng.random() < 0.5
        first = rng.choice(words.FEMALE_FIRST_NAMES if female else words.MALE_FIRST_NAMES)
        last = rng.choice(words.LAST_NAMES)
        feminine, masculine, skills = rng.choice(words.PROFESSIONS)
        draw = rng.random()
        if seats_left == 0:
            company_rng = rng_for(config.seed, "company", number)
            size = company_rng.choices(COMPANY_SIZES, COMPANY_SIZE_WEIGHTS)[0]
            home = bisect.bisect_right(cumulative, company_rng.random() * total)
            home = min(home, len(spaces) - 1)
            if size == 1:
                name = company_rng.choice(words.SOLO_COMPANY_PATTERNS).format(
                    first=first, last=last
                )
            else:
                name = (
                    f"{company_rng.choice(words.COMPANY_PREFIXES)} "
                    f"{company_rng.choice(words.COMPANY_ROOTS)}"
                )
            company = DemoCompany(
                len(companies), name, spaces[home].operator_index, home, team=size > 1
            )
            companies.append(company)
            seats_left = size
        seats_left -= 1
        assert company is not None
        weights = team_weights if company.team else solo_weights
        archetype = archetypes[min(bisect.bisect_right(weights, draw), len(archetypes) - 1)]
        joined_on, left_on = _membership_dates(rng, archetype, config)
        people.append(
            DemoPerson(
                index=len(people),
                key=f"member:{number}",
                first_name=first,
                last_name=last,
                email=_demo_email(first, last, number),
                operator_index=company.operator_index,
                home_space_index=company.home_space_index,
                role=MEMBER,
                archetype=archetype,
                profession=feminine if female else masculine,
                skills=skills,
                company_index=company.index,
                plan=_plan(rng, archetype, company.team),
                joined_on=joined_on,
                left_on=left_on,
            )
        )


def _archetype_weights() -> tuple[list[float], list[float]]:
    """Cumulative archetype weights for freelancers and for team members.

    Teams (who rent private offices) buy no day passes; freelancers make up for it, so the
    overall mix stays ARCHETYPE_WEIGHTS."""
    sizes = dict(zip(COMPANY_SIZES, COMPANY_SIZE_WEIGHTS, strict=True))
    solo_share = sizes[1] / sum(size * weight for size, weight in sizes.items())
    no_pass = 1.0 - ARCHETYPE_WEIGHTS[DAY_PASS]
    team = {a: 0.0 if a == DAY_PASS else w / no_pass for a, w in ARCHETYPE_WEIGHTS.items()}
    solo = {
        a: (w - (1.0 - solo_share) * team[a]) / solo_share for a, w in ARCHETYPE_WEIGHTS.items()
    }
    return list(itertools.accumulate(solo.values())), list(itertools.accumulate(team.values()))


def _plan(rng: random.Random, archetype: str, team: bool) -> str:
    if archetype == TENANT:
        if team:
            return words.PLAN_PRIVATE_OFFICE if rng.random() < 0.8 else words.PLAN_RESIDENT
        return words.PLAN_RESIDENT if rng.random() < 0.85 else words.PLAN_PRIVATE_OFFICE
    if archetype == COWORKER:
        return words.PLAN_RESIDENT if rng.random() < 0.55 else words.PLAN_PART_TIME
    if archetype == DAY_PASS:
        return words.PLAN_DAY_PASS if rng.random() < 0.55 else words.PLAN_TEN_DAYS
    return rng.choices(
        (words.PLAN_PART_TIME, words.PLAN_RESIDENT, words.PLAN_TEN_DAYS),
        (0.4, 0.4, 0.2) if archetype == DRIFTING else (0.4, 0.35, 0.25),
    )[0]


def _weekday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _membership_dates(
    rng: random.Random, archetype: str, config: DemoConfig
) -> tuple[dt.date, dt.date | None]:
    """When a member joined and, for some, left. Newcomers joined in the last 60 days;
    drifting members joined long enough ago to have been active before they faded."""
    today = config.end
    window = (today - config.start).days
    if archetype == NEWCOMER:
        # at most 59 days ago, even after moving a weekend join back to the Friday
        days_ago = rng.randint(1, NEWCOMER_DAYS - 3)
    elif archetype == DRIFTING:
        days_ago = rng.randint(min(150, window), max(150, 4 * 365))
    elif rng.random() < 0.45:  # a growing network: many joined during the year
        days_ago = rng.randint(NEWCOMER_DAYS + 1, max(NEWCOMER_DAYS + 2, window))
    else:
        days_ago = rng.randint(window + 1, 5 * 365)
    joined_on = _weekday_on_or_before(today - dt.timedelta(days=days_ago))
    left_on = None
    if archetype == DRIFTING and rng.random() < 0.4:
        left_on = today - dt.timedelta(days=rng.randint(1, 40))
    elif archetype in (TENANT, COWORKER, DAY_PASS) and rng.random() < 0.12:
        earliest = max(config.start, joined_on) + dt.timedelta(days=60)
        if earliest < today:
            left_on = earliest + dt.timedelta(days=rng.randint(0, (today - earliest).days))
    if left_on is not None and left_on <= joined_on:
        left_on = None
    return joined_on, left_on
