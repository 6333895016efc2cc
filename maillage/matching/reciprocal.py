"""People to meet: a reciprocal recommender, with reasons a person can read. No Django.

Fusion follows RECON (Pizzato, Rej, Chung, Koprinska & Kay, "RECON: a reciprocal recommender
for online dating", RecSys 2010): a meeting is only worth suggesting if both sides gain, so the
reciprocal score of u and v is the harmonic mean of the two one-sided scores,

    score(u, v) = 2 · s(u→v) · s(v→u) / (s(u→v) + s(v→u)) · (1 − tie(u, v))

which is 0 as soon as one side has nothing to gain. RECON learns each one-sided preference
from messaging history; here it is content-based, from what profiles say (each term in [0, 1]):

    s(u→v) = avail(v) · (0.6 · need + 0.2 · interests + 0.2 · presence)

- need: noisy-or over u's needs n of g(n) = 1 if v offers n, 0.2 × level if v has the skill
  (expert: 0.8), else 0 — needs ↔ offers and needs ↔ skills, in each direction;
- interests: min(1, shared interests / 2);
- presence: share of u's (space, weekday) slots when v is there too (asymmetric: someone in
  once a week is always there when a full-timer is, not the other way round);
- avail(v): 1 if v is open to a coffee or lunch, else 0.5.

Never suggested: oneself, the same company, anyone who opted out (or when u did), pairs who
already know each other (tie ≥ `knows_threshold`; weaker ties lower the score: novelty), and
pairs u dismissed ("not now") until the dismissal expires.

Speed (`SuggestionIndex`): a candidate with score > 0 must gain from u and u from them, so it
is in mutual ∪ local ∪ interests, where mutual = (people offering or skilled in u's needs) ∩
(people needing what u offers or knows), local = same space on the same weekday, interests =
sharing an interest. Inverted indexes (concept → who offers / has / needs it, interest → who
has it, (space, weekday) → who is there) give these sets; they are scored in tiers with an
upper bound each: mutual ∪ local (≤ 1), then the one-directional needs that share an interest
(≤ HM(0.8, 0.2) = 0.32), then interest-only people (≤ 0.2), most shared interests first; a
tier is skipped once k scores beat its bound, and at most `cap` candidates are scored. Cost:
O(size of the indexed lists touched + scored · (|needs| + |skills|) + k log k) per member.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

MemberId = Hashable
Concept = Hashable  # a skill concept (SkillConcept pk in the product)
Slot = tuple[Hashable, int]  # (space id, weekday 0 = Monday)

NEED_WEIGHT = 0.6
INTEREST_WEIGHT = 0.2
PRESENCE_WEIGHT = 0.2
OFFER_MATCH = 1.0  # v publishes an offer for a concept u needs
SKILL_MATCH_PER_LEVEL = 0.2  # v has the skill: 0.2 (beginner) … 0.8 (expert)
INTERESTS_FOR_FULL = 2  # shared interests that make the interests term 1
UNAVAILABLE = 0.5  # factor for someone not open to a coffee or lunch
KNOWS_THRESHOLD = 0.5  # as maillage.matching.ties.KNOWS_THRESHOLD
BOUND_SLACK = 1e-9  # float rounding: a score may exceed its tier's bound by an ulp or two
DEFAULT_CAP = 4_000  # candidates scored at most per member
MAX_REASONS = 3  # clauses in an explanation

Fusion = Literal["harmonic", "one_sided"]
Tier = tuple[float, "Callable[[], Iterable[PersonFeatures]]"]  # (score bound, its candidates)


@dataclass(frozen=True, slots=True, eq=False)
class PersonFeatures:
    """What a member's profile and presence say, as plain sets of ids.

    Compared and hashed by identity (cheap in the indexes' sets); member ids must be orderable
    (ints in the product) so that equal scores rank the same way on every run.
    """

    member_id: MemberId
    company_id: Hashable | None = None
    offers: frozenset[Concept] = frozenset()
    needs: frozenset[Concept] = frozenset()
    skills: Mapping[Concept, int] = field(default_factory=dict)  # concept → level 1..4
    interests: frozenset[Hashable] = frozenset()
    presence: frozenset[Slot] = frozenset()  # (space id, weekday) where they usually are
    available: bool = True  # open to a coffee or a lunch
    opted_out: bool = False  # never suggest them, nor anyone to them


class Why:
    """Reason codes (stable strings: stored with dismissals, shown through `explain`)."""

    THEY_OFFER = "they_offer"  # v offers something u needs
    THEY_KNOW = "they_know"  # v has a skill u needs (no offer published)
    YOU_OFFER = "you_offer"  # u offers something v needs
    YOU_KNOW = "you_know"  # u has a skill v needs
    INTERESTS = "shared_interests"
    SAME_DAYS = "same_days"  # both at the same space on the same weekdays


@dataclass(frozen=True, slots=True)
class Reason:
    code: str  # a `Why` value
    items: tuple[Hashable, ...]  # concepts, interests, or (space, weekday) slots


@dataclass(frozen=True, slots=True)
class Suggestion:
    member_id: MemberId
    score: float  # reciprocal (or one-sided) score, in [0, 1]
    s_uv: float  # how much the member asking gains
    s_vu: float  # how much the suggested member gains
    reasons: tuple[Reason, ...] = ()


# --- scoring ---------------------------------------------------------------------------------


def need_gain(u: PersonFeatures, v: PersonFeatures) -> float:
    """Noisy-or over u's needs of how well v covers each one (offer 1, skill 0.2 × level)."""
    miss = 1.0
    offers, skills = v.offers, v.skills
    for need in u.needs:
        if need in offers:
            return OFFER_MATCH  # noisy-or with a certain cover is 1
        level = skills.get(need)
        if level:
            miss *= 1.0 - min(1.0, SKILL_MATCH_PER_LEVEL * level)
    return 1.0 - miss


def interest_gain(u: PersonFeatures, v: PersonFeatures) -> float:
    if not u.interests or not v.interests:
        return 0.0
    return min(1.0, len(u.interests & v.interests) / INTERESTS_FOR_FULL)


def presence_gain(u: PersonFeatures, v: PersonFeatures) -> float:
    if not u.presence or not v.presence:
        return 0.0
    return len(u.presence & v.presence) / len(u.presence)


def one_sided(u: PersonFeatures, v: PersonFeatures) -> float:
    """s(u→v): how much u gains from meeting v, in [0, 1]."""
    score = (
        NEED_WEIGHT * need_gain(u, v)
        + INTEREST_WEIGHT * interest_gain(u, v)
        + PRESENCE_WEIGHT * presence_gain(u, v)
    )
    return score if v.available else score * UNAVAILABLE


def harmonic(a: float, b: float) -> float:
    return 2.0 * a * b / (a + b) if a > 0.0 and b > 0.0 else 0.0


def reciprocal_score(u: PersonFeatures, v: PersonFeatures) -> float:
    """HM(s(u→v), s(v→u)), without exclusions or novelty: the pair's mutual gain."""
    return harmonic(one_sided(u, v), one_sided(v, u))


def reasons(u: PersonFeatures, v: PersonFeatures) -> tuple[Reason, ...]:
    """Why u and v should meet, strongest first (needs, then shared days, then interests)."""
    out: list[Reason] = []
    for who_helps, who_needs, offer_code, skill_code in (
        (v, u, Why.THEY_OFFER, Why.THEY_KNOW),
        (u, v, Why.YOU_OFFER, Why.YOU_KNOW),
    ):
        offered = _ordered(who_needs.needs & who_helps.offers)
        known = _ordered(n for n in who_needs.needs - who_helps.offers if n in who_helps.skills)
        if offered:
            out.append(Reason(offer_code, offered))
        elif known:
            out.append(Reason(skill_code, known))
    days = _ordered(u.presence & v.presence)
    if days:
        out.append(Reason(Why.SAME_DAYS, days))
    shared = _ordered(u.interests & v.interests)
    if shared:
        out.append(Reason(Why.INTERESTS, shared))
    return tuple(out)


def _ordered(items: Iterable[Hashable]) -> tuple[Hashable, ...]:
    try:
        return tuple(sorted(items))  # type: ignore[type-var]
    except TypeError:
        return tuple(sorted(items, key=repr))


def _by_id(people: Iterable[PersonFeatures]) -> list[PersonFeatures]:
    return sorted(people, key=lambda p: p.member_id)  # type: ignore[arg-type, return-value]


# --- ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Filter:
    """What to leave out and how known ties lower the score, for one member asking."""

    u: PersonFeatures
    ties: Mapping[MemberId, float]
    dismissed: Mapping[MemberId, dt.datetime | None]
    now: dt.datetime | None
    knows_threshold: float

    def novelty(self, v: PersonFeatures) -> float | None:
        """The novelty factor, or None if v must not be suggested to u."""
        u = self.u
        if v is u or v.opted_out or v.member_id == u.member_id:
            return None
        if v.company_id == u.company_id and u.company_id is not None:
            return None
        member_id = v.member_id
        if self.dismissed and member_id in self.dismissed:
            until = self.dismissed[member_id]
            if until is None or self.now is None or self.now < until:
                return None
        if not self.ties:
            return 1.0
        tie = self.ties.get(member_id, 0.0)
        if tie >= self.knows_threshold:
            return None
        return 1.0 - tie


def pair_gains(u: PersonFeatures, v: PersonFeatures) -> tuple[float, float]:
    """(s(u→v), s(v→u)) at once, sharing the symmetric parts: the ranking's inner loop."""
    shared = 0.0
    if u.interests and v.interests:
        shared = min(1.0, len(u.interests & v.interests) / INTERESTS_FOR_FULL)
    up, vp = u.presence, v.presence
    s_uv = s_vu = INTEREST_WEIGHT * shared
    if up and vp:
        common = len(up & vp)
        if common:
            s_uv += PRESENCE_WEIGHT * common / len(up)
            s_vu += PRESENCE_WEIGHT * common / len(vp)
    if u.needs:
        s_uv += NEED_WEIGHT * need_gain(u, v)
    if v.needs:
        s_vu += NEED_WEIGHT * need_gain(v, u)
    if not v.available:
        s_uv *= UNAVAILABLE
    if not u.available:
        s_vu *= UNAVAILABLE
    return s_uv, s_vu


def _score(flt: _Filter, v: PersonFeatures, fusion: Fusion) -> tuple[float, float, float]:
    novelty = flt.novelty(v)
    if novelty is None:
        return 0.0, 0.0, 0.0
    s_uv, s_vu = pair_gains(flt.u, v)
    if fusion == "one_sided":
        return s_uv * novelty, s_uv, s_vu
    if s_uv <= 0.0 or s_vu <= 0.0:
        return 0.0, s_uv, s_vu
    return 2.0 * s_uv * s_vu / (s_uv + s_vu) * novelty, s_uv, s_vu


def _top(
    flt: _Filter,
    tiers: Iterable[Tier],
    *,
    k: int,
    fusion: Fusion,
    cap: int,
) -> list[Suggestion]:
    """Score candidates tier by tier; a tier whose bound cannot beat the k-th best is skipped."""
    heap: list[tuple[float, _Earlier, float, float, PersonFeatures]] = []  # the best k so far
    scored = 0
    for bound, make in tiers:
        if len(heap) >= k and heap[0][0] > bound + BOUND_SLACK:
            continue
        if scored >= cap:
            break
        for v in make():
            if scored >= cap:
                break
            scored += 1
            score, s_uv, s_vu = _score(flt, v, fusion)
            if score <= 0.0:
                continue
            item = (score, _Earlier(v.member_id), s_uv, s_vu, v)
            if len(heap) < k:
                heapq.heappush(heap, item)
            elif item[:2] > heap[0][:2]:
                heapq.heapreplace(heap, item)
    ranked = sorted(heap, key=lambda item: item[:2], reverse=True)
    return [
        Suggestion(v.member_id, score, s_uv, s_vu, reasons(flt.u, v))
        for score, _, s_uv, s_vu, v in ranked
    ]


class _Earlier:
    """Orders member ids backwards, so that among equal scores the smaller id ranks first."""

    __slots__ = ("member_id",)

    def __init__(self, member_id: MemberId) -> None:
        self.member_id = member_id

    def __lt__(self, other: _Earlier) -> bool:
        return other.member_id < self.member_id  # type: ignore[operator]

    def __gt__(self, other: _Earlier) -> bool:
        return self.member_id < other.member_id  # type: ignore[operator]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Earlier) and self.member_id == other.member_id

    __hash__ = None  # type: ignore[assignment]


def suggest(
    u: PersonFeatures,
    candidates: Iterable[PersonFeatures],
    *,
    k: int = 10,
    ties: Mapping[MemberId, float] | None = None,
    dismissed: Mapping[MemberId, dt.datetime | None] | None = None,
    now: dt.datetime | None = None,
    knows_threshold: float = KNOWS_THRESHOLD,
    fusion: Fusion = "harmonic",
) -> list[Suggestion]:
    """The k best people for u to meet among `candidates`, scoring every one. O(n log k).

    `ties`: u's tie strengths (e.g. `TiesGraph.neighbours(u)`); `dismissed`: who u said
    "not now" to, with when it expires (None: never); `fusion="one_sided"` ranks by s(u→v)
    alone (the baseline RECON is compared with).
    """
    if u.opted_out or k <= 0:
        return []
    flt = _Filter(u, ties or {}, dismissed or {}, now, knows_threshold)
    people = list(candidates)
    return _top(flt, [(float("inf"), lambda: people)], k=k, fusion=fusion, cap=len(people))


class SuggestionIndex:
    """Inverted indexes over a whole community, to rank among 100,000 members fast.

    Build once (O(total profile size)), then `suggest` per member (see the module docstring).
    """

    def __init__(self, people: Iterable[PersonFeatures]) -> None:
        self.people: dict[MemberId, PersonFeatures] = {}
        self._offering: dict[Concept, list[PersonFeatures]] = {}
        self._skilled: dict[Concept, list[PersonFeatures]] = {}
        self._needing: dict[Concept, list[PersonFeatures]] = {}
        self._interested: dict[Hashable, list[PersonFeatures]] = {}
        self._present: dict[Slot, list[PersonFeatures]] = {}
        for p in people:
            if p.member_id in self.people:
                raise ValueError(f"Member {p.member_id!r} appears twice.")
            self.people[p.member_id] = p
            if p.opted_out:
                continue  # never a candidate: keep them out of the lists
            for index, keys in (
                (self._offering, p.offers),
                (self._skilled, p.skills),
                (self._needing, p.needs),
                (self._interested, p.interests),
                (self._present, p.presence),
            ):
                for key in keys:
                    index.setdefault(key, []).append(p)

    def __len__(self) -> int:
        return len(self.people)

    def _union(self, index: Mapping[Hashable, list[PersonFeatures]], keys: Iterable) -> set:
        out: set[PersonFeatures] = set()
        for key in keys:
            out.update(index.get(key, ()))
        return out

    def tiers(self, u: PersonFeatures, fusion: Fusion = "harmonic") -> list[Tier]:
        """Candidate tiers for u, each with an upper bound of its members' scores.

        Each tier's list is made only if it is needed, in member id order (deterministic)."""
        helpers = self._union(self._offering, u.needs) | self._union(self._skilled, u.needs)
        local = self._union(self._present, u.presence)
        interests = sorted(u.interests, key=repr)

        def by_interests(seen: set[PersonFeatures]) -> Callable[[], list[PersonFeatures]]:
            def make() -> list[PersonFeatures]:
                counts = Counter[PersonFeatures]()
                for interest in interests:
                    counts.update(self._interested.get(interest, ()))
                return [p for p, _ in counts.most_common() if p not in seen]

            return make

        if fusion == "one_sided":
            first = helpers | local
            return [(float("inf"), lambda: _by_id(first)), (INTEREST_WEIGHT, by_interests(first))]
        helped = self._union(self._needing, u.offers) | self._union(self._needing, u.skills)
        first = (helpers & helped) | local

        def one_way() -> list[PersonFeatures]:
            sharing = self._union(self._interested, interests)
            return _by_id(((helpers | helped) & sharing) - first)

        one_way_bound = harmonic(NEED_WEIGHT + INTEREST_WEIGHT, INTEREST_WEIGHT)
        return [
            (float("inf"), lambda: _by_id(first)),
            (one_way_bound, one_way),
            (INTEREST_WEIGHT, by_interests(first | helpers | helped)),
        ]

    def suggest(
        self,
        member_id: MemberId,
        *,
        k: int = 10,
        ties: Mapping[MemberId, float] | None = None,
        dismissed: Mapping[MemberId, dt.datetime | None] | None = None,
        now: dt.datetime | None = None,
        knows_threshold: float = KNOWS_THRESHOLD,
        fusion: Fusion = "harmonic",
        cap: int = DEFAULT_CAP,
    ) -> list[Suggestion]:
        """As `suggest`, among the indexed community, scoring at most `cap` candidates."""
        u = self.people[member_id]
        if u.opted_out or k <= 0:
            return []
        flt = _Filter(u, ties or {}, dismissed or {}, now, knows_threshold)
        return _top(flt, self.tiers(u, fusion), k=k, fusion=fusion, cap=cap)


# --- explanations ----------------------------------------------------------------------------

WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"),
}


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = " et " if lang == "fr" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


_VOWELS_FR = "aeiouàâäéèêëîïôöûüù"


def _of_fr(name: str) -> str:
    """French "de" before a first name, elided before a vowel, a mute h or a y sounding as a
    vowel: d'Anne, d'Hugo, d'Yves; de Chloé, de Yasmine (a y before a vowel is a consonant)."""
    first, second = name[:1].lower(), name[1:2].lower()
    if (
        first in _VOWELS_FR
        or first == "h"
        or (first == "y" and second and second not in _VOWELS_FR)
    ):
        return f"d'{name}"
    return f"de {name}"


def _at_space_fr(name: str) -> str:
    """French "à" before a space's name: à La Filature, au Quai, aux Ateliers."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def explain(
    suggestion: Suggestion,
    lang: str = "fr",
    *,
    name: str,
    labels: Mapping[Hashable, str] | Callable[[Hashable], str],
    space_names: Mapping[Hashable, str] | Callable[[Hashable], str] = str,
    pronoun: str | None = None,
    asker: str | None = None,
    interest_labels: Mapping[Hashable, str] | Callable[[Hashable], str] | None = None,
) -> str:
    """One sentence, addressed to the member who asked, saying why they should meet `name`.

    `labels` names concepts and interests ("droit des contrats", "escalade"); `pronoun` is how
    to refer to `name` the second time ("il", "elle", "iel", "she"…), the name if None. At most
    MAX_REASONS clauses, strongest first, e.g. « Vous cherchez de l'aide en droit des contrats
    et Hugo en propose ; Hugo cherche de l'aide en design UX, c'est votre métier ; vous êtes
    tous deux à La Filature le mardi. » With `asker` (the member's name), the sentence speaks
    of them instead, for someone else reading it (staff choosing whom to introduce):
    « Chloé cherche de l'aide en droit des contrats et Hugo en propose. » `interest_labels`
    names the interests, if they are not in `labels`.
    """
    if lang not in WEEKDAYS:
        raise ValueError(f"No explanations in {lang!r} (fr, en).")
    label = labels.get if isinstance(labels, Mapping) else labels
    if interest_labels is None:
        interest_label = label
    elif isinstance(interest_labels, Mapping):
        interest_label = interest_labels.get
    else:
        interest_label = interest_labels
    space = space_names.get if isinstance(space_names, Mapping) else space_names
    # About the asker, the person is named each time ("Chloé et il" would not do).
    again = name if asker else (pronoun or name)
    fr = lang == "fr"
    # Each clause as it appears inside the sentence: one about "vous"/"you" in lower case, one
    # about a person with their name.
    parts: list[str] = []
    mentioned = False  # the name has appeared: use the pronoun after
    for reason in suggestion.reasons[:MAX_REASONS]:
        who = again if mentioned else name
        naming = interest_label if reason.code == Why.INTERESTS else label
        what = _join([str(naming(i) or i) for i in reason.items[:3]], lang)
        text = _clause(reason, who, what, fr=fr, lang=lang, space=space, asker=asker)
        if text is None:
            continue
        mentioned = mentioned or name in text
        parts.append(text)
    if not parts:
        if asker:
            return (
                f"{name} pourrait être une belle rencontre pour {asker}."
                if fr
                else f"{name} could be a good person for {asker} to meet."
            )
        return (
            f"{name} pourrait être une belle rencontre."
            if fr
            else f"{name} could be a good person to meet."
        )
    sentence = " ; ".join(parts) if fr else "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def _clause(
    reason: Reason, who: str, what: str, *, fr: bool, lang: str, space, asker
) -> str | None:
    code = reason.code
    if code == Why.THEY_OFFER:
        if asker:
            return (
                f"{asker} cherche de l'aide en {what} et {who} en propose"
                if fr
                else f"{asker} needs help with {what} and {who} offers it"
            )
        return (
            f"vous cherchez de l'aide en {what} et {who} en propose"
            if fr
            else f"you need help with {what} and {who} offers it"
        )
    if code == Why.THEY_KNOW:
        if asker:
            return (
                f"{asker} cherche de l'aide en {what} et {who} s'y connaît"
                if fr
                else f"{asker} needs help with {what} and {who} knows the field"
            )
        return (
            f"vous cherchez de l'aide en {what} et {who} s'y connaît"
            if fr
            else f"you need help with {what} and {who} knows the field"
        )
    if code == Why.YOU_OFFER:
        if asker:
            return (
                f"{who} cherche de l'aide en {what}, ce que {asker} propose"
                if fr
                else f"{who} needs help with {what}, which {asker} offers"
            )
        return (
            f"{who} cherche de l'aide en {what}, ce que vous proposez"
            if fr
            else f"{who} needs help with {what}, which you offer"
        )
    if code == Why.YOU_KNOW:
        if asker:
            return (
                f"{who} cherche de l'aide en {what}, c'est le métier {_of_fr(asker)}"
                if fr
                else f"{who} needs help with {what}, which is {asker}'s line of work"
            )
        return (
            f"{who} cherche de l'aide en {what}, c'est votre métier"
            if fr
            else f"{who} needs help with {what}, which is your line of work"
        )
    if code == Why.SAME_DAYS:
        by_space: dict[Hashable, list[int]] = {}
        for space_id, weekday in reason.items:  # type: ignore[misc]
            by_space.setdefault(space_id, []).append(weekday)
        space_id, days = max(by_space.items(), key=lambda item: len(item[1]))
        day_names = [WEEKDAYS[lang][d] for d in sorted(days)]
        where = str(space(space_id) or space_id)
        if fr:
            when = _join([f"le {d}" for d in day_names], lang)
            both = f"{asker} et {who} sont" if asker else "vous êtes"
            return f"{both} tous deux {_at_space_fr(where)} {when}"
        both = f"{asker} and {who} are" if asker else "you are"
        return f"{both} both at {where} on {_join(day_names, lang)}"
    if code == Why.INTERESTS:
        one = len(reason.items) == 1
        interests = (
            ("un centre d'intérêt" if one else "des centres d'intérêt")
            if fr
            else ("an interest" if one else "interests")
        )
        if asker:
            return (
                f"{asker} et {who} partagent {interests} ({what})"
                if fr
                else f"{asker} and {who} share {interests} ({what})"
            )
        return f"vous partagez {interests} ({what})" if fr else f"you share {interests} ({what})"
    return None
