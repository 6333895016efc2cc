"""Who could help: members whose published offers and declared skills match some concepts.

Relevance of a member for concepts C (0-1): 0.6 x their best match plus 0.4 x the mean
over C of their best match for each concept — an active offer tagged with it counts 1, a declared skill 0.5 to 0.9 by level
(beginner to expert). Reasons name what matched, so the person can check it.
Cost: two indexed queries on (concept) for the concepts, bounded by `MAX_ROWS`; the rest is
proportional to the matching members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from maillage.core.models import Member, Role
from maillage.members.models import Offer, ProfileSkill, SkillConcept

OFFER_WEIGHT = 1.0
SKILL_WEIGHT = {1: 0.5, 2: 0.65, 3: 0.8, 4: 0.9}
MAX_ROWS = 20_000


@dataclass
class Match:
    member_id: int
    relevance: float = 0.0
    company_id: int | None = None
    offers: list[str] = field(default_factory=list)  # offer titles
    skills: list[str] = field(default_factory=list)  # concept labels
    concepts: int = 1  # how many concepts were asked for
    # per section ("skills", "offers"): concept -> best weight
    by_section: dict[str, dict[int, float]] = field(default_factory=dict)

    def relevance_seen(self, sections: frozenset[str] | set[str]) -> float:
        """Relevance counting only the sections a viewer may see."""
        best: dict[int, float] = {}
        for section, weights in self.by_section.items():
            if section in sections:
                for concept_id, w in weights.items():
                    best[concept_id] = max(best.get(concept_id, 0.0), w)
        if not best:
            return 0.0
        # The best match counts most: a lawyer fits "juriste, droit des contrats" even if
        # the text also linked a neighbouring concept they did not declare.
        return round(0.6 * max(best.values()) + 0.4 * sum(best.values()) / self.concepts, 6)


def matches_for(
    concepts: Sequence[SkillConcept], *, operator_id: int, language: str = "fr"
) -> dict[int, Match]:
    """Active, non-guest members of an operator matching any of `concepts`."""
    ids = [c.pk for c in concepts]
    if not ids:
        return {}
    labels = {c.pk: c.label(language) for c in concepts}
    found: dict[int, Match] = {}
    members = Member.objects.active().filter(operator_id=operator_id).exclude(role=Role.GUEST)
    skill_rows = ProfileSkill.objects.filter(
        concept_id__in=ids, profile__member__in=members
    ).values_list("profile__member_id", "profile__company_id", "concept_id", "level")[:MAX_ROWS]
    for member_id, company_id, concept_id, level in skill_rows:
        m = found.setdefault(member_id, Match(member_id, company_id=company_id, concepts=len(ids)))
        weights = m.by_section.setdefault("skills", {})
        weights[concept_id] = max(weights.get(concept_id, 0.0), SKILL_WEIGHT.get(level, 0.8))
        m.skills.append(labels[concept_id])
    offer_rows = Offer.objects.filter(
        is_active=True, skills__in=ids, profile__member__in=members
    ).values_list("profile__member_id", "profile__company_id", "skills", "title")[:MAX_ROWS]
    for member_id, company_id, concept_id, title in offer_rows:
        m = found.setdefault(member_id, Match(member_id, company_id=company_id, concepts=len(ids)))
        m.by_section.setdefault("offers", {})[concept_id] = OFFER_WEIGHT
        if title not in m.offers:
            m.offers.append(title)
    for m in found.values():
        m.relevance = m.relevance_seen({"skills", "offers"})
        m.skills = sorted(set(m.skills))
    return found
