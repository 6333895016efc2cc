"""Demo data of the exchange: leads routed to the members of the personas' spaces (some
accepted, one declined and passed on, outcomes recorded), asks with helpers, introductions
(one connected), thanks.

Call `load_exchange()` after the members' demo (profiles with skills and offers). It is
idempotent (a database that already has opportunities or asks is left untouched),
deterministic for a seed, and goes through the services.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind, Member, Role, Space
from maillage.exchange import services
from maillage.exchange.models import Ask, Opportunity
from maillage.members.models import ProfileSkill, SkillConcept

SPACES = 3
LEADS_PER_SPACE = 6


@dataclass(frozen=True)
class ExchangeLoadResult:
    loaded: bool
    opportunities: int
    asks: int
    introductions: int
    outcomes: int


def _staff_of(space: Space) -> Member | None:
    staff = Member.objects.active().filter(operator_id=space.operator_id)
    return (
        staff.filter(role=Role.MANAGER, home_space=space).order_by("pk").first()
        or staff.filter(role=Role.ADMIN).order_by("pk").first()
    )


def _popular_concepts(space: Space, n: int) -> list[SkillConcept]:
    ids = (
        ProfileSkill.objects.filter(profile__member__operator_id=space.operator_id)
        .values("concept_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "concept_id")[:n]
    )
    found = {c.pk: c for c in SkillConcept.objects.filter(pk__in=[r["concept_id"] for r in ids])}
    return [found[r["concept_id"]] for r in ids if r["concept_id"] in found]


def load_exchange(
    *, progress: Callable[[str], None] | None = None, seed: int = 42
) -> ExchangeLoadResult:
    """Give the demo network asks, introductions, opportunities and outcomes (idempotent)."""
    say = progress or (lambda message: None)
    if Opportunity.objects.exists() or Ask.objects.exists():
        return ExchangeLoadResult(False, Opportunity.objects.count(), Ask.objects.count(), 0, 0)
    rng = random.Random(f"{seed}:exchange")
    counts = {"opportunities": 0, "asks": 0, "introductions": 0, "outcomes": 0}
    spaces = list(Space.objects.select_related("operator").order_by("pk")[:SPACES])
    for space in spaces:
        staff = _staff_of(space)
        concepts = _popular_concepts(space, 8)
        if staff is None or not concepts:
            continue
        say(f"exchange: {space.name}")
        for i in range(LEADS_PER_SPACE):
            concept = concepts[i % len(concepts)]
            label = concept.label("fr")
            requester = rng.choice(["La mairie", "Studio Nord", "Atelier Lune", "SCOP Ria"])
            try:
                opp = services.opportunity_create(
                    by=staff,
                    space=space,
                    title=f"{requester} cherche : {label}"[:140],
                    description=f"Un client cherche quelqu’un pour « {label} ».",
                    requester_name=requester,
                    requester_email=f"client{i}@{space.slug}.example",
                    kind=rng.choice(["client", "client", "tender", "partnership"]),
                    skills_text=label,
                )
            except DomainError:
                continue
            counts["opportunities"] += 1
            offers = list(opp.offers.select_related("member").order_by("pk"))
            if not offers:
                continue
            if i % 3 == 1:  # one declines, the lead passes on
                services.offer_decline(offer=offers[0], member=offers[0].member, reason="Complet")
            elif i % 3 == 0:  # one accepts and records the outcome
                services.offer_accept(offer=offers[0], member=offers[0].member)
                services.outcome_record(
                    by=offers[0].member,
                    opportunity=opp,
                    terms="paid",
                    amount=rng.choice([300, 450, 800, 1200]),
                    satisfaction=rng.choice([4, 5]),
                )
                counts["outcomes"] += 1
        # Members who already take part in community life (they came to an event): tenants,
        # who never join anything (Hugo, the demo's tenant), stay out of mutual help too.
        # (A community with no event history yet takes its members as they come.)
        everyone = (
            Member.objects.active()
            .filter(home_space=space, role=Role.MEMBER)
            .select_related("user", "home_space")
            .order_by("pk")
        )
        attended = Activity.objects.filter(space=space, kind=ActivityKind.ATTENDED)
        members = list(everyone.filter(pk__in=attended.values("member_id"))[:12])
        if len(members) < 3:
            members = list(everyone[:12])
        ask_titles = ("Je cherche de l’aide : {}", "Qui pourrait m’aider ? {}", "Un conseil : {}")
        for n, (author, concept) in enumerate(zip(members[:3], concepts[:3], strict=False)):
            try:
                ask = services.ask_post(
                    author=author,
                    title=ask_titles[(n + space.pk) % 3].format(concept.label("fr"))[:140],
                    skills=concept.label("fr"),
                    terms=rng.choice(["paid", "exchange", "free"]),
                )
            except DomainError:
                continue
            counts["asks"] += 1
            helpers = [m for m in members if m.pk != author.pk][:2]
            for helper in helpers:
                with contextlib.suppress(DomainError):
                    services.ask_offer_help(ask=ask, member=helper, note="Avec plaisir.")
        for a, b in zip(members[3:7:2], members[4:8:2], strict=False):
            try:
                intro = services.introduction_propose(
                    by=staff, a=a, b=b, note="Vous devriez vous rencontrer.", source="demo"
                )
            except DomainError:
                continue
            counts["introductions"] += 1
            services.introduction_answer(introduction=intro, member=a, accept=True)
            services.introduction_answer(introduction=intro, member=b, accept=True)
            with contextlib.suppress(DomainError):
                services.thanks_send(sender=a, recipient=b, message="Merci pour l'échange !")
    return ExchangeLoadResult(True, **counts)
