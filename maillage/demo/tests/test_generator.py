"""The pure demo generator: determinism, the personas, and the behaviour of each archetype."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import os
import subprocess
import sys
import zoneinfo
from functools import cache

import pytest

from maillage.core.models import ActivityKind, Role
from maillage.demo.behaviour import EVENT_KINDS, KINDS
from maillage.demo.generator import (
    ARCHETYPE_WEIGHTS,
    NEWCOMER_DAYS,
    DemoConfig,
    DemoNetwork,
    activities,
    generate,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@cache
def network(members: int = 600, spaces: int = 3, seed: int = 42) -> DemoNetwork:
    return generate(DemoConfig(members=members, spaces=spaces, seed=seed))


@cache
def lines_by_person(members: int = 600) -> dict[int, list]:
    by_person = collections.defaultdict(list)
    for line in activities(network(members)):
        by_person[line.person_index].append(line)
    return by_person


def of(archetype: str) -> list:
    return [p for p in network().people if p.archetype == archetype]


def test_it_imports_no_django() -> None:
    code = (
        "import sys, maillage.demo.generator as g; "
        "list(g.activities(g.generate(g.DemoConfig(members=5)), people=range(3))); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_it_generates_the_same_network_for_the_same_config() -> None:
    first = generate(DemoConfig(members=40, seed=7))
    second = generate(DemoConfig(members=40, seed=7))
    assert first.people == second.people
    assert first.spaces == second.spaces
    assert first.companies == second.companies
    first_lines = list(itertools.islice(activities(first), 2_000))
    second_lines = list(itertools.islice(activities(second), 2_000))
    assert first_lines == second_lines


def test_it_generates_the_same_network_in_another_process() -> None:
    code = (
        "import hashlib, maillage.demo.generator as g; "
        "n = g.generate(g.DemoConfig(members=40, spaces=12)); "
        "h = hashlib.sha256(repr((n.people, n.spaces, n.companies)).encode()); "
        "[h.update(repr(line).encode()) for line in g.activities(n)]; "
        "print(h.hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1


def test_it_generates_another_network_for_another_seed() -> None:
    assert (
        generate(DemoConfig(members=40, seed=7)).people
        != generate(DemoConfig(members=40, seed=8)).people
    )


def test_it_keeps_each_person_whatever_the_number_of_members() -> None:
    small, large = network(30), network(90)
    assert small.people == large.people[: 30 + 5]  # 5 staff at 3 spaces, then the members
    last_small = small.people[-1].index
    assert list(activities(small, people=range(last_small + 1))) == list(
        activities(large, people=range(last_small + 1))
    )


def test_it_moves_the_history_with_today() -> None:
    config = DemoConfig(members=10, today=dt.date(2030, 6, 1))
    lines = list(activities(generate(config)))
    assert config.start == dt.date(2029, 6, 1)
    assert all(
        dt.datetime(2029, 6, 1, tzinfo=PARIS)
        <= line.occurred_at
        < dt.datetime(2030, 6, 1, tzinfo=PARIS)
        for line in lines
    )


def test_it_creates_the_operators_and_spaces_of_the_personas() -> None:
    net = network()
    assert [(o.name, o.slug) for o in net.operators] == [
        ("Ruche & Co", "ruche-and-co"),
        ("Le Grenier", "le-grenier"),
    ]
    assert [(s.name, s.operator_index, s.city) for s in net.spaces] == [
        ("La Filature", 0, "Lyon"),
        ("Le Quai", 0, "Lyon"),
        ("Le Belvédère", 0, "Villeurbanne"),
        ("Le Grenier", 1, "Grenoble"),
    ]
    for space in net.spaces:
        assert space.time_zone == "Europe/Paris"
        assert space.opening_hours["mon"] and "sun" not in space.opening_hours
        assert space.description and space.contact_email.endswith(".example")


def test_it_gives_the_personas_their_roles_and_homes() -> None:
    net = network()
    expected = {
        "claire": ("claire@ruche.example", Role.ADMIN, "La Filature", "staff"),
        "malik": ("malik@ruche.example", Role.MANAGER, "La Filature", "staff"),
        "ines": ("ines@ruche.example", Role.MEMBER, "La Filature", "coworker"),
        "hugo": ("hugo@ruche.example", Role.MEMBER, "Le Quai", "tenant"),
        "zoe": ("zoe@grenier.example", Role.MEMBER, "Le Grenier", "coworker"),
    }
    for persona, (email, role, space, archetype) in expected.items():
        person = net.persona(persona)
        assert (person.email, person.role, net.spaces[person.home_space_index].name) == (
            email,
            role,
            space,
        )
        assert person.archetype == archetype
    assert net.persona("ines").profession == "UX designer"
    assert net.persona("hugo").profession == "avocat d'affaires"
    managers = {net.spaces[p.home_space_index].name for p in net.people if p.role == Role.MANAGER}
    assert managers == {"La Filature", "Le Quai", "Le Belvédère"}


def test_it_makes_emails_unique_and_on_reserved_domains() -> None:
    people = network(2_000).people
    emails = [p.email for p in people]
    assert len(set(emails)) == len(emails)
    assert all(e.endswith((".example",)) and e.isascii() for e in emails)


def test_it_mixes_the_archetypes_roughly_as_designed() -> None:
    members = network(3_000).members()
    counts = collections.Counter(p.archetype for p in members)
    for archetype, weight in ARCHETYPE_WEIGHTS.items():
        assert abs(counts[archetype] / len(members) - weight) < 0.03, (archetype, counts)


def test_it_makes_most_companies_one_person_and_none_larger_than_five() -> None:
    members = network(2_000).members()
    sizes = collections.Counter(collections.Counter(p.company_index for p in members).values())
    assert max(sizes) <= 5
    assert sizes[1] > 0.7 * sum(sizes.values())
    assert sizes[2] + sizes[3] + sizes[4] + sizes[5] > 0


def test_it_gives_members_professions_and_plans() -> None:
    members = network().members()
    assert len({p.profession for p in members}) > 30
    assert {p.plan for p in members} == {
        "Pass journée",
        "Pass 10 jours",
        "Temps partiel",
        "Résident",
        "Bureau privatif",
    }


def test_it_uses_only_ledger_kinds_the_product_knows() -> None:
    assert set(KINDS) <= set(ActivityKind.values)
    assert {line.kind for lines in lines_by_person().values() for line in lines} <= set(KINDS)


def test_it_writes_about_a_hundred_lines_per_member_a_year() -> None:
    total = sum(len(lines) for lines in lines_by_person().values())
    assert 60 <= total / len(network().people) <= 130


def test_it_records_nothing_before_joining_or_after_leaving() -> None:
    people = network().people
    for index, lines in lines_by_person().items():
        person = people[index]
        for line in lines:
            day = line.occurred_at.astimezone(PARIS).date()
            assert day >= person.joined_on
            assert person.left_on is None or day < person.left_on


def test_it_keeps_each_persons_lines_in_time_order() -> None:
    for lines in lines_by_person().values():
        times = [line.occurred_at for line in lines]
        assert times == sorted(times)


def test_it_checks_people_in_during_opening_hours_of_open_days() -> None:
    net = network()
    for lines in lines_by_person().values():
        for line in lines:
            if line.kind != "checked_in":
                continue
            local = line.occurred_at.astimezone(PARIS)
            ranges = net.spaces[line.space_index].opening_hours.get(
                ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
            )
            assert ranges, f"check-in on a closed day: {line}"
            assert ranges[0][0] <= local.strftime("%H:%M") < ranges[-1][1]
            assert (local.month, local.day) not in {(1, 1), (5, 1), (12, 25), (7, 14)}


def test_it_keeps_tenants_out_of_community_life() -> None:
    for tenant in of("tenant"):
        kinds = {line.kind for line in lines_by_person()[tenant.index]}
        assert kinds.isdisjoint({*EVENT_KINDS, "posted", "helped", "met", "introduced"})
    checkins = [
        sum(line.kind == "checked_in" for line in lines_by_person()[t.index]) for t in of("tenant")
    ]
    assert sum(checkins) / len(checkins) > 60


def test_it_brings_coworkers_to_events_and_into_exchanges() -> None:
    coworkers = of("coworker")
    with_events = [
        c for c in coworkers if any(line.kind == "attended" for line in lines_by_person()[c.index])
    ]
    with_help = [
        c
        for c in coworkers
        if any(line.kind in {"helped", "answered"} for line in lines_by_person()[c.index])
    ]
    assert len(with_events) > 0.8 * len(coworkers)
    assert len(with_help) > 0.7 * len(coworkers)


def test_it_makes_newcomers_recent() -> None:
    today = network().config.end
    for newcomer in of("newcomer"):
        assert 0 < (today - newcomer.joined_on).days <= NEWCOMER_DAYS
        assert newcomer.left_on is None
    for person in network().members():
        if person.archetype != "newcomer":
            assert (today - person.joined_on).days > NEWCOMER_DAYS


def test_it_makes_drifting_members_fade_over_the_last_three_months() -> None:
    net = network()
    start, today = net.config.start, net.config.end
    fade = today - dt.timedelta(days=90)
    fading = 0
    drifting = of("drifting")
    for person in drifting:
        days = [
            line.occurred_at.astimezone(PARIS).date()
            for line in lines_by_person()[person.index]
            if line.kind == "checked_in"
        ]
        earlier_days = (fade - max(start, person.joined_on)).days
        late_days = ((person.left_on or today) - fade).days
        earlier = sum(d < fade for d in days) / earlier_days
        late = sum(d >= fade for d in days) / max(1, late_days)
        fading += late < earlier
    assert fading >= 0.85 * len(drifting)


def test_it_gives_day_pass_members_one_to_four_days_a_month() -> None:
    config = network().config
    rates = []
    for person in of("day_pass"):
        days = {
            line.occurred_at.date()
            for line in lines_by_person()[person.index]
            if line.kind == "checked_in"
        }
        months = ((person.left_on or config.end) - max(config.start, person.joined_on)).days / 30.4
        if months >= 6:
            rates.append(len(days) / months)
    assert rates
    assert max(rates) <= 6
    assert 1 <= sum(rates) / len(rates) <= 3.5


def test_it_brings_hugo_four_days_a_week_and_never_to_events() -> None:
    hugo = network().persona("hugo")
    lines = lines_by_person()[hugo.index]
    checkins = [line.occurred_at.astimezone(PARIS) for line in lines if line.kind == "checked_in"]
    assert {d.weekday() for d in checkins} <= {0, 1, 2, 3}
    weeks = len({d.isocalendar()[:2] for d in checkins})
    assert 3.2 <= len(checkins) / weeks <= 4
    assert not {line.kind for line in lines} & {*EVENT_KINDS, "posted", "helped", "met"}


def test_it_has_malik_host_la_filature_events() -> None:
    net = network()
    malik = net.persona("malik")
    hosted = [line for line in lines_by_person()[malik.index] if line.kind == "hosted"]
    assert len(hosted) > 30
    assert {line.space_index for line in hosted} == {0}


@pytest.mark.parametrize("spaces", [3, 10, 11, 25])
def test_it_gives_large_networks_generated_operators_of_ten_spaces(spaces: int) -> None:
    net = generate(DemoConfig(members=50, spaces=spaces))
    assert len(net.spaces) == spaces + 1  # and Le Grenier
    assert len({s.slug for s in net.spaces}) == len(net.spaces)
    assert len({o.slug for o in net.operators}) == len(net.operators)
    per_operator = collections.Counter(s.operator_index for s in net.spaces)
    assert per_operator[0] == min(spaces, 10)
    assert per_operator[1] == 1
    assert all(n <= 10 for n in per_operator.values())
    managers = collections.Counter(p.home_space_index for p in net.people if p.role == "manager")
    assert set(managers) == {s.index for s in net.spaces} - {3}  # Le Grenier: its admin
    admins = {p.operator_index for p in net.people if p.role == "admin"}
    assert admins == {o.index for o in net.operators}


def test_it_refuses_a_config_without_the_personas() -> None:
    with pytest.raises(ValueError):
        DemoConfig(members=2)
    with pytest.raises(ValueError):
        DemoConfig(spaces=2)
