"""Which upcoming events to show a member first. No Django: plain data in, plain data out.

A weighted hybrid of the four context signals of Macedo, Marinho & Santos, "Context-Aware
Event Recommendation in Event-based Social Networks" (RecSys 2015): content (the member's
interests and skills against the event's tags, type and hosts' skills), social (who else is
going), location (same space, same operator) and time (sooner is better). They learn the
weights with learning-to-rank; without training data yet we set them by hand (`WEIGHTS`), and
each signal saturates (1 − 2^−k for k matches) so that no single one can swamp the others.

Social: the matching app's ties graph will later say who knows whom; until then "known" is
the set of members the member has already attended an event with. People going whom the
member does not know yet weigh more than friends (the point is to widen the network), and a
few friends going still help (people come with people they know).

Cost: O(E · (I + S + G)) for E candidate events with I interests, S skills and G people
going; `rank` keeps the best k with a heap, O(E log k).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

WEIGHTS: Mapping[str, float] = {
    "interests": 1.0,
    "skills": 0.8,
    "host_skills": 0.4,
    "kind": 0.5,
    "new_people": 0.6,
    "friends": 0.3,
    "place": 0.5,
    "soon": 0.4,
}
NEW_PEOPLE_SATURATION = 20  # this many new faces going counts fully
SOON_HALF_LIFE_HOURS = 7 * 24  # an event a week away counts half as "soon" as one today
FULL_PENALTY = 0.6  # a full event (waiting list only) keeps this share of its score


@dataclass(frozen=True)
class MemberFeatures:
    member_id: int
    operator_id: int
    home_space_id: int
    interests: frozenset[int] = frozenset()
    skills: frozenset[int] = frozenset()
    kinds: Mapping[str, int] = field(default_factory=dict)  # event types attended → times
    known: frozenset[int] = frozenset()  # members already met at an event


class EventFeatures(NamedTuple):
    """One candidate event (a named tuple: hundreds are built per page, cheaply)."""

    event_id: int
    operator_id: int
    space_id: int | None  # None: across the operator's spaces
    kind: str
    hours_until: float
    interests: frozenset[int] = frozenset()
    skills: frozenset[int] = frozenset()
    host_skills: frozenset[int] = frozenset()
    going: frozenset[int] = frozenset()  # members going (not guests)
    full: bool = False
    series_id: int | None = None  # dates of one repeating event


@dataclass(frozen=True)
class Scored:
    event_id: int
    score: float
    # Why, for the page: ("interests", n), ("skills", n), ("new_people", n), ("friends", n),
    # ("kind", 1), ("place", 1) — only the signals that counted.
    reasons: tuple[tuple[str, int], ...]


def _saturate(k: int) -> float:
    return 1.0 - 0.5**k if k > 0 else 0.0


def _signals(member: MemberFeatures, event: EventFeatures) -> tuple[float, dict[str, int]]:
    """The weighted score and the count behind each signal."""
    interests = len(member.interests & event.interests) if event.interests else 0
    skills = len(member.skills & event.skills) if event.skills else 0
    host_skills = len(member.skills & event.host_skills) if event.host_skills else 0
    kind = member.kinds.get(event.kind, 0)
    others = len(event.going) - (member.member_id in event.going)
    friends = len(event.going & member.known) if others else 0
    new_people = others - friends
    if event.space_id == member.home_space_id:
        place = 1.0
    elif event.operator_id == member.operator_id:
        place = 0.7 if event.space_id is None else 0.5
    else:
        place = 0.0
    total = (
        WEIGHTS["interests"] * _saturate(interests)
        + WEIGHTS["skills"] * _saturate(skills)
        + WEIGHTS["host_skills"] * _saturate(host_skills)
        + WEIGHTS["kind"] * _saturate(kind)
        + WEIGHTS["new_people"] * min(1.0, math.log1p(new_people) / _LOG_SATURATION)
        + WEIGHTS["friends"] * _saturate(friends)
        + WEIGHTS["place"] * place
        + WEIGHTS["soon"] * 0.5 ** (max(event.hours_until, 0.0) / SOON_HALF_LIFE_HOURS)
    )
    if event.full:
        total *= FULL_PENALTY
    counts = {
        "interests": interests,
        "skills": skills + host_skills,
        "new_people": new_people,
        "friends": friends,
        "kind": 1 if kind else 0,
        "place": 1 if place == 1.0 else 0,
    }
    return total, counts


_LOG_SATURATION = math.log1p(NEW_PEOPLE_SATURATION)


def score(member: MemberFeatures, event: EventFeatures) -> Scored:
    total, counts = _signals(member, event)
    reasons = tuple((name, n) for name, n in counts.items() if n > 0)
    return Scored(event_id=event.event_id, score=total, reasons=reasons)


def rank(
    member: MemberFeatures,
    events: Iterable[EventFeatures],
    k: int,
    *,
    max_per_kind: int | None = None,
) -> list[Scored]:
    """The `k` best events for `member`, best first (ties: sooner, then by id).

    A short list should not be four dates of the same weekly lunch: only the best date of a
    repeating event is kept, and with `max_per_kind`, at most that many events of one type
    (a greedy diversification in the spirit of maximal marginal relevance, Carbonell &
    Goldstein, SIGIR 1998, with a hard cap instead of a similarity penalty).
    """
    ranked = sorted(
        ((-round(_signals(member, e)[0], 9), e.hours_until, e.event_id, e) for e in events),
        key=lambda t: t[:3],
    )
    chosen: list[Scored] = []
    series_seen: set[int] = set()
    kinds: dict[str, int] = {}
    for _neg, _hours, _id, event in ranked:
        if event.series_id is not None and event.series_id in series_seen:
            continue
        if max_per_kind is not None and kinds.get(event.kind, 0) >= max_per_kind:
            continue
        chosen.append(score(member, event))
        if event.series_id is not None:
            series_seen.add(event.series_id)
        kinds[event.kind] = kinds.get(event.kind, 0) + 1
        if len(chosen) == k:
            break
    return chosen
