"""Demo data for matching: who takes part in the lunch and coffee roulette, and the ties graph.

Loaded by `maillage demo` after the profiles, the workspace and the events. Idempotent: once
any roulette opt-in exists, nothing is added. No round is run here: a round sends invitations,
so it is left for the demo's manager to launch from /staff/roulette/.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from maillage.core.models import Member, Operator, Role, Space
from maillage.matching.models import Frequency, RouletteOptIn
from maillage.matching.services import roulette_join, ties_refresh

# Share of each space's members who join its roulette (those open to a coffee or a lunch
# join more often).
SHARE_OPEN = 0.7
SHARE_OTHERS = 0.2


@dataclass(frozen=True)
class MatchingLoadResult:
    created: bool
    optins: int
    ties: int


def load_matching(
    *, progress: Callable[[str], None] | None = None, seed: int = 42
) -> MatchingLoadResult:
    """Roulette opt-ins for part of each space's members, then the ties of every operator."""
    say = progress or (lambda message: None)
    if RouletteOptIn.objects.exists():
        return MatchingLoadResult(False, RouletteOptIn.objects.count(), 0)
    rng = random.Random(f"{seed}:matching")
    optins = 0
    for space in Space.objects.order_by("pk"):
        members = (
            Member.objects.filter(home_space=space, left_on__isnull=True)
            .exclude(role__in=[Role.ADMIN, Role.MANAGER])
            .select_related("profile")
            .order_by("pk")
        )
        joined = 0
        for member in members:
            profile = getattr(member, "profile", None)
            open_to_meet = profile is not None and (profile.open_to_coffee or profile.open_to_lunch)
            if rng.random() < (SHARE_OPEN if open_to_meet else SHARE_OTHERS):
                frequency = rng.choice([Frequency.WEEKLY, Frequency.WEEKLY, Frequency.MONTHLY])
                roulette_join(member=member, space=space, frequency=frequency)
                joined += 1
        if joined:
            say(f"matching: {joined} roulette participants at {space.name}")
        optins += joined
    ties = 0
    for operator in Operator.objects.order_by("pk"):
        ties += ties_refresh(operator=operator)
    say(f"matching: {optins} roulette participants, {ties} ties")
    return MatchingLoadResult(True, optins, ties)
