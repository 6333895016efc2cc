"""The demo's hidden "true" compatibilities: who would really like to meet whom. No Django.

A quality benchmark for people-to-meet needs a ground truth the recommender cannot see. Each
demo member gets a latent state, drawn from their profession and public profile with noise of
its own (`rng_for(seed, "compatibility", key)`, so it does not depend on how many people were
generated), and `likes(u, v)` says whether u, meeting v, would find it worthwhile:

    utility(u ← v) = 1.0 · quality(v) · [v can really help with one of u's real needs]
                     + 0.25 · [v helps with a second one]
                     + 0.2 · min(3, shared real interests)
                     + 0.45 · share of u's usual days v is there too (same home space)
                     + ε(u, v),  ε ~ N(0, 0.3), drawn for the ordered pair
    likes(u, v)    = utility(u ← v) > pickiness(u)

What is hidden: real needs are the published ones plus 0–2 unpublished ones; real interests
add 0–2 unlisted ones; who can help with what goes by profession (an employment lawyer can
review a contract too, though no skill of theirs says "contrats"); quality comes from the
skill levels with noise; the usual weekdays; pickiness (tenants are choosier, coworkers
less). What is observable is what the product would know: the profile (`demo_profile`) and
`observed_presence` (the usual days as check-ins show them: a usual day is missed 15 % of
the time, another weekday appears 5 % of the time).

Only benchmarks read `Truth`; the product never does (see test_truth_hidden). Cost: O(1) per
person for `latent` (cached by `Truth`), O(1) per pair for `likes`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from maillage.demo import vocabulary as words
from maillage.demo.network import COWORKER, DAY_PASS, DRIFTING, NEWCOMER, TENANT, rng_for
from maillage.demo.profiles import INTEREST_SLUGS, DemoProfile, demo_profile

# What people need help with (the skills of profiles.NEEDS, grouped by what it takes).
CONTRACTS, WEB, ACCOUNTING, BRAND, TRANSLATION, PHOTO = (
    "contracts", "web", "accounting", "brand", "translation", "photo",
)  # fmt: skip
HR, TECH, LOGO, FUNDRAISING, SEO, GRANTS = "hr", "tech", "logo", "fundraising", "seo", "grants"
NEED_OF_SKILL = {
    "contrats": CONTRACTS,
    "programmation web": WEB,
    "comptabilité": ACCOUNTING,
    "stratégie de marque": BRAND,
    "traduction": TRANSLATION,
    "anglais": TRANSLATION,
    "photographie": PHOTO,
    "recrutement": HR,
    "Python": TECH,
    "graphiste": LOGO,
    "levée de fonds": FUNDRAISING,
    "SEO": SEO,
    "subventions": GRANTS,
}
# How often each need comes up among the unpublished ones (freelancers' usual troubles).
NEED_PRIOR = {
    ACCOUNTING: 3.0, CONTRACTS: 2.5, WEB: 2.5, BRAND: 2.0, LOGO: 1.5, PHOTO: 1.2, SEO: 1.2,
    GRANTS: 1.0, FUNDRAISING: 0.8, TRANSLATION: 0.8, HR: 0.6, TECH: 0.6,
}  # fmt: skip
# Which needs each profession (feminine label, as in vocabulary.PROFESSIONS) can really help with.
HELPS_WITH = {
    "avocate d'affaires": {CONTRACTS, FUNDRAISING},
    "avocate en droit social": {CONTRACTS, HR},
    "experte-comptable": {ACCOUNTING, GRANTS},
    "développeuse web": {WEB, TECH},
    "développeuse mobile": {TECH},
    "ingénieure logiciel": {TECH, WEB},
    "data analyst": {TECH},
    "data scientist": {TECH},
    "consultante marketing": {BRAND, SEO},
    "community manager": {BRAND},
    "chargée de communication": {BRAND},
    "rédactrice": {SEO},
    "graphiste": {LOGO, BRAND},
    "illustratrice": {LOGO},
    "UX designer": {WEB},
    "photographe": {PHOTO},
    "vidéaste": {PHOTO},
    "traductrice": {TRANSLATION},
    "interprète": {TRANSLATION},
    "consultante RH": {HR},
    "psychologue du travail": {HR},
    "conseillère en financement": {GRANTS, FUNDRAISING},
    "coach professionnelle": {BRAND},
    "cheffe de projet digital": {WEB},
    "product manager": {WEB},
}
# The masculine labels too, and the personas' own professions.
_FEMININE = {masculine: feminine for feminine, masculine, _ in words.PROFESSIONS}
_FEMININE.update({"avocat d'affaires": "avocate d'affaires"})

PICKINESS_SHIFT = {TENANT: 0.25, COWORKER: -0.1, NEWCOMER: -0.1, DRIFTING: 0.1, DAY_PASS: 0.1}
NOISE = 0.3
MISSED_DAY = 0.15  # a usual day that check-ins do not show
SPURIOUS_DAY = 0.05  # a weekday that is not usual but shows up


@dataclass(frozen=True, slots=True)
class Latent:
    """One member's hidden state (for benchmarks only)."""

    key: str
    helps_with: frozenset[str]
    quality: float  # 0.2 … 1: how good their help is
    needs: frozenset[str]
    interests: frozenset[str]
    space: int
    days: frozenset[int]  # usual weekdays, 0 = Monday
    pickiness: float


def profession_key(profession: str) -> str:
    return _FEMININE.get(profession, profession)


def usual_days(person, seed: int) -> frozenset[int]:
    """The weekdays a member usually comes (hidden; drawn from the plan)."""
    rng = rng_for(seed, "compatibility-days", person.key)
    if person.plan in (words.PLAN_DAY_PASS, words.PLAN_TEN_DAYS):
        count = 1
    elif person.plan == words.PLAN_PART_TIME:
        count = rng.choice((2, 3))
    else:
        count = rng.choice((3, 4, 4, 5))
    return frozenset(rng.sample(range(5), count))


def observed_presence(person, seed: int) -> frozenset[tuple[int, int]]:
    """(space, weekday) slots as a few months of check-ins would show them: observable."""
    rng = rng_for(seed, "compatibility-checkins", person.key)
    days = usual_days(person, seed)
    seen = {
        d
        for d in range(5)
        if (rng.random() >= MISSED_DAY if d in days else rng.random() < SPURIOUS_DAY)
    }
    return frozenset((person.home_space_index, d) for d in sorted(seen))


def latent(person, profile: DemoProfile, seed: int) -> Latent:
    """The hidden state of a demo member (`person` a DemoPerson, `profile` its demo profile)."""
    rng = rng_for(seed, "compatibility", person.key)
    helps = frozenset(HELPS_WITH.get(profession_key(person.profession), ()))
    levels = [level for _, level in profile.skills] or [2]
    quality = min(1.0, max(0.2, sum(levels) / len(levels) / 4 + rng.gauss(0.0, 0.1)))
    needs = {NEED_OF_SKILL[s] for need in profile.needs for s in need.skills if s in NEED_OF_SKILL}
    options = [n for n in NEED_PRIOR if n not in helps]
    for _ in range(rng.choices((0, 1, 2), (0.35, 0.45, 0.2))[0]):
        needs.add(rng.choices(options, [NEED_PRIOR[n] for n in options])[0])
    interests = set(profile.interests)
    interests.update(rng.sample(INTEREST_SLUGS, rng.choice((0, 1, 1, 2))))
    pickiness = rng.uniform(0.45, 0.85) + PICKINESS_SHIFT.get(person.archetype, 0.0)
    return Latent(
        key=person.key,
        helps_with=helps,
        quality=quality,
        needs=frozenset(needs),
        interests=frozenset(interests),
        space=person.home_space_index,
        days=usual_days(person, seed),
        pickiness=pickiness,
    )


def _noise(seed: int, u: str, v: str) -> float:
    """ε(u, v) ~ N(0, NOISE): a deterministic draw for the ordered pair (Box–Muller)."""
    digest = hashlib.blake2b(f"{seed}:{u}>{v}".encode(), digest_size=16).digest()
    a = (int.from_bytes(digest[:8], "big") + 1) / 2**64
    b = int.from_bytes(digest[8:], "big") / 2**64
    return NOISE * math.sqrt(-2.0 * math.log(a)) * math.cos(2.0 * math.pi * b)


def utility(u: Latent, v: Latent, seed: int) -> float:
    covered = len(u.needs & v.helps_with)
    value = (v.quality if covered else 0.0) + 0.25 * (covered >= 2)
    value += 0.2 * min(3, len(u.interests & v.interests))
    if u.space == v.space and u.days:
        value += 0.45 * len(u.days & v.days) / len(u.days)
    return value + _noise(seed, u.key, v.key)


def likes(u: Latent, v: Latent, seed: int) -> bool:
    return utility(u, v, seed) > u.pickiness


class Truth:
    """The hidden compatibilities of a generated network's people (benchmarks only)."""

    def __init__(self, people: Sequence, *, seed: int) -> None:
        self.people = people  # DemoPerson by index (DemoNetwork.people)
        self.seed = seed
        self._latent: dict[int, Latent] = {}

    def latent(self, index: int) -> Latent:
        found = self._latent.get(index)
        if found is None:
            person = self.people[index]
            found = latent(person, demo_profile(person, seed=self.seed), self.seed)
            self._latent[index] = found
        return found

    def likes(self, u: int, v: int) -> bool:
        return likes(self.latent(u), self.latent(v), self.seed)

    def mutual(self, u: int, v: int) -> bool:
        return self.likes(u, v) and self.likes(v, u)
