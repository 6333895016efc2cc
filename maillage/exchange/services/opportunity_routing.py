"""Routing an opportunity inside a transaction: who the candidates are, their history, the
pure `maillage.exchange.routing` decision, and what it leaves behind (the decision log with
its explanation, `RoutingShare` rows summed in `ExposureHistory`, the offers, the ledger).

Used by `leads` (a new opportunity is routed at once) and `opportunities` (a decline passes
it on). Nothing here is called from a view."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from maillage.core.models import ActivityKind, Member
from maillage.core.services import activity_record
from maillage.exchange import routing
from maillage.exchange.models import (
    DecisionKind,
    ExchangePreference,
    ExposureHistory,
    OfferStatus,
    Opportunity,
    OpportunityOffer,
    OpportunityStatus,
    RoutingDecisionLog,
    RoutingShare,
)
from maillage.exchange.services.candidates import matches_for
from maillage.exchange.services.common import is_newcomer
from maillage.exchange.services.opportunity_notices import enqueue_opportunity_notice
from maillage.members.models import Profile


def routing_policy() -> routing.RoutingPolicy:
    """`routing.DEFAULT_POLICY`, with the settings EXCHANGE_SHORTLIST_SIZE,
    EXCHANGE_NEWCOMER_BOOST and EXCHANGE_LOW_EXPOSURE_BOOST (0 turns a boost off) when set;
    read at each routing, so a changed setting applies at once."""
    default = routing.DEFAULT_POLICY
    return dataclasses.replace(
        default,
        k=getattr(settings, "EXCHANGE_SHORTLIST_SIZE", default.k),
        newcomer_boost=getattr(settings, "EXCHANGE_NEWCOMER_BOOST", default.newcomer_boost),
        low_exposure_boost=getattr(
            settings, "EXCHANGE_LOW_EXPOSURE_BOOST", default.low_exposure_boost
        ),
    )


def requester_members(opp: Opportunity) -> list[int]:
    """Members of the operator who are the requester themselves (same email): never offered
    their own lead (their company is excluded through `requester_company_ref`)."""
    return list(
        Member.objects.filter(
            operator_id=opp.operator_id, user__email__iexact=opp.requester_email
        ).values_list("pk", flat=True)
    )


def _candidates(opp: Opportunity) -> tuple[list[routing.Candidate], dict[int, str]]:
    concepts = list(opp.concepts.all())
    matches = matches_for(concepts, operator_id=opp.operator_id, language=opp.language or "fr")
    if not matches:
        return [], {}
    prefs = {p.member_id: p for p in ExchangePreference.objects.filter(member_id__in=matches)}
    members = Member.objects.filter(pk__in=matches).select_related("user", "profile")
    today = timezone.localdate()
    candidates, names = [], {}
    for member in members:
        m = matches[member.pk]
        pref = prefs.get(member.pk)
        reason = ""
        if pref is not None and pref.paused_at is not None:
            reason = "paused"
        elif (pref is not None and not pref.wants_kind(opp.kind)) or not _listed(member):
            reason = "opted_out"
        elif not member.user.is_active:
            reason = "excluded"
        candidates.append(
            routing.Candidate(
                member_id=member.pk,
                relevance=min(1.0, m.relevance),
                company_id=m.company_id,
                is_newcomer=is_newcomer(member, today),
                excluded=bool(reason),
                reason=reason,
            )
        )
        names[member.pk] = member.user.get_full_name() or member.user.email.split("@")[0]
    return candidates, names


def _listed(member: Member) -> bool:
    try:
        return member.profile.listed  # fetched with the candidates just now
    except Profile.DoesNotExist:  # no profile yet: the default one is listed
        return True


def _history(member_ids: Iterable[int]) -> dict[int, routing.MemberHistory]:
    """Each member's amortized totals, locked until the decision is persisted."""
    ids = sorted(set(member_ids))
    ExposureHistory.objects.bulk_create(
        [ExposureHistory(member_id=i) for i in ids], ignore_conflicts=True
    )
    rows = (
        ExposureHistory.objects.select_for_update().filter(member_id__in=ids).order_by("member_id")
    )
    return {
        h.member_id: routing.MemberHistory(
            h.member_id,
            cumulative_exposure=h.cumulative_exposure,
            cumulative_relevance=h.cumulative_relevance,
            opportunities_received=h.opportunities_received,
            opportunities_relevant=h.opportunities_relevant,
        )
        for h in rows
    }


def _persist(
    opp: Opportunity,
    decision: routing.RoutingDecision,
    history: dict[int, routing.MemberHistory],
    names: dict[int, str],
    *,
    kind: str,
    now: dt.datetime,
) -> RoutingDecisionLog:
    log = RoutingDecisionLog.objects.create(
        opportunity=opp,
        operator_id=opp.operator_id,
        kind=kind,
        created_at=now,
        shortlist=decision.member_ids,
        replaced_id=decision.replaced,
        quality=decision.quality,
        quality_floor=decision.quality_floor * decision.quality_reference,
        objective=decision.objective,
        objective_by_relevance=decision.objective_by_relevance,
        eligible_count=decision.eligible_count,
        explanation_fr=routing.explain(decision, "fr", names),
        explanation_en=routing.explain(decision, "en", names),
    )
    touched = decision.relevance.keys() | decision.exposure.keys()
    RoutingShare.objects.bulk_create(
        [
            RoutingShare(
                decision=log,
                member_id=member_id,
                relevance=decision.relevance.get(member_id, 0.0),
                exposure=decision.exposure.get(member_id, 0.0),
                created_at=now,
            )
            for member_id in sorted(touched)
        ]
    )
    updated = routing.update_history(history, decision)
    rows = {h.member_id: h for h in ExposureHistory.objects.filter(member_id__in=touched)}
    for member_id in touched:
        h, new = rows[member_id], updated[member_id]
        h.cumulative_exposure = new.cumulative_exposure
        h.cumulative_relevance = new.cumulative_relevance
        h.opportunities_received = new.opportunities_received
        h.opportunities_relevant = new.opportunities_relevant
        h.updated_at = now
    ExposureHistory.objects.bulk_update(
        rows.values(),
        [
            "cumulative_exposure",
            "cumulative_relevance",
            "opportunities_received",
            "opportunities_relevant",
            "updated_at",
        ],
    )
    relevance = {c.member_id: c.relevance for c in decision.shortlist}
    new_ids = list(decision.exposure)
    members = {m.pk: m for m in Member.objects.filter(pk__in=new_ids).select_related("home_space")}
    for member_id in new_ids:
        OpportunityOffer.objects.create(
            opportunity=opp,
            member_id=member_id,
            relevance=relevance[member_id],
            exposure=decision.exposure[member_id],
            offered_at=now,
        )
        member = members[member_id]
        activity_record(
            member=member,
            kind=ActivityKind.OPPORTUNITY_RECEIVED,
            space=member.home_space,
            target=opp,
            payload={"relevance": round(relevance[member_id], 3)},
        )
        enqueue_opportunity_notice(opp.pk, "offered", member_id=member_id)
    return log


def opportunity_route(*, opportunity: Opportunity, now: dt.datetime) -> RoutingDecisionLog:
    """Route a new opportunity to its shortlist (call inside the transaction creating it)."""
    opp = opportunity
    candidates, names = _candidates(opp)
    history = _history(c.member_id for c in candidates)
    decision = routing.route(
        candidates,
        history,
        routing_policy(),
        requester_company_id=opp.requester_company_ref_id,
        exclude_member_ids=requester_members(opp),
    )
    log = _persist(opp, decision, history, names, kind=DecisionKind.ROUTE, now=now)
    if not decision.shortlist:
        opp.status = OpportunityStatus.UNMATCHED
        opp.save(update_fields=["status"])
    return log


def _current_decision(
    opp: Opportunity, offers: list[OpportunityOffer], policy: routing.RoutingPolicy
) -> routing.RoutingDecision:
    """The state of an opportunity's routing, rebuilt from its offers (for `pass_on`)."""
    live = [o for o in offers if o.status in (OfferStatus.OFFERED, OfferStatus.ACCEPTED)]
    return routing.RoutingDecision(
        shortlist=tuple(
            routing.Choice(
                member_id=o.member_id,
                relevance=o.relevance,
                rank=0,
                exposure_deficit=0.0,
                boost=0.0,
                received=0,
                relevant_to=0,
            )
            for o in live
        ),
        exposure={},
        relevance={},
        shown={o.member_id: o.exposure for o in offers},
        quality=1.0,
        quality_floor=policy.quality_floor,
        quality_reference=1.0,
        objective=0.0,
        objective_by_relevance=0.0,
        eligible_count=0,
        declined=tuple(o.member_id for o in offers if o.status == OfferStatus.DECLINED),
        requester_company_id=opp.requester_company_ref_id,
        caller_excluded=frozenset(requester_members(opp)),
    )


def opportunity_pass_on(
    *, opportunity: Opportunity, offers: list[OpportunityOffer], decliner: Member, now: dt.datetime
) -> RoutingDecisionLog:
    """`decliner` declined (their offer is already marked so; `offers` are as they were
    before): give their place to the best eligible member not yet shown the opportunity."""
    opp = opportunity
    policy = routing_policy()
    decision = _current_decision(opp, offers, policy)
    candidates, names = _candidates(opp)
    if decliner.pk not in names:
        names[decliner.pk] = decliner.user.get_full_name()
    if decliner.pk not in {c.member_id for c in candidates}:
        # No longer a candidate (their profile changed): still the one who declined.
        candidates.append(routing.Candidate(member_id=decliner.pk, relevance=0.0))
    history = _history(c.member_id for c in candidates)
    new = routing.pass_on(decision, decliner.pk, candidates, history, policy)
    log = _persist(opp, new, history, names, kind=DecisionKind.PASS_ON, now=now)
    if not opp.offers.filter(status=OfferStatus.OFFERED).exists():
        opp.status = OpportunityStatus.UNMATCHED
        opp.save(update_fields=["status"])
    return log
