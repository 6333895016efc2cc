"""The demo's hidden compatibilities, and the matching modules' independence from Django."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from maillage.demo.compatibility import (
    NEED_OF_SKILL,
    Truth,
    latent,
    likes,
    observed_presence,
    usual_days,
)
from maillage.demo.generator import DemoConfig, generate
from maillage.demo.network import MEMBER
from maillage.demo.profiles import demo_profile

MATCHING = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def network():
    return generate(DemoConfig(members=200, spaces=3))


def test_it_draws_the_same_truth_whatever_the_size_of_the_network(network) -> None:
    bigger = generate(DemoConfig(members=400, spaces=3))
    for index in (5, 50, 150):
        a, b = network.people[index], bigger.people[index]
        assert a.key == b.key
        assert latent(a, demo_profile(a, seed=42), 42) == latent(b, demo_profile(b, seed=42), 42)


def test_liking_depends_on_the_direction(network) -> None:
    truth = Truth(network.people, seed=42)
    members = [p.index for p in network.people if p.role == MEMBER][:80]
    pairs = [(u, v) for u in members for v in members if u < v]
    assert any(truth.likes(u, v) != truth.likes(v, u) for u, v in pairs)
    assert any(truth.mutual(u, v) for u, v in pairs)
    assert truth.likes(members[0], members[1]) == likes(
        truth.latent(members[0]), truth.latent(members[1]), 42
    )


def test_published_needs_are_real_needs(network) -> None:
    for person in network.people:
        if person.role != MEMBER:
            continue
        profile = demo_profile(person, seed=42)
        hidden = latent(person, profile, 42)
        assert {NEED_OF_SKILL[s] for n in profile.needs for s in n.skills} <= hidden.needs
        assert set(profile.interests) <= hidden.interests


def test_check_ins_show_the_usual_days_with_noise(network) -> None:
    members = [p for p in network.people if p.role == MEMBER]
    usual = sum(len(usual_days(p, 42)) for p in members)
    seen = [observed_presence(p, 42) for p in members]
    assert all(
        space == p.home_space_index
        for p, slots in zip(members, seen, strict=True)
        for space, _ in slots
    )
    shown = sum(
        len({d for _, d in slots} & usual_days(p, 42))
        for p, slots in zip(members, seen, strict=True)
    )
    assert 0.75 * usual < shown < usual  # about 15 % of usual days missed


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("name", ["ties", "reciprocal", "roulette", "teams"])
def test_the_algorithms_import_no_django_and_no_demo_truth(name: str) -> None:
    imported = imports_of(MATCHING / f"{name}.py")
    assert not any(m == "django" or m.startswith("django.") for m in imported)
    assert not any(m.startswith("maillage.demo") for m in imported)


def test_the_demo_truth_imports_no_django() -> None:
    imported = imports_of(MATCHING.parent / "demo" / "compatibility.py")
    assert not any(m.startswith("django") for m in imported)
