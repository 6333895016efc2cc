"""Routing an opportunity to a shortlist of k members: relevance under amortized fairness.

Follows Biega, Gummadi & Weikum (2018), "Equity of attention: amortizing individual
fairness in rankings", SIGIR '18. Plain Python, no Django: candidates and histories in,
a decision (structured, language-neutral reasons) out; `explain` turns it into sentences.

The paper's definitions, as used here. Each routed opportunity is one ranking j over its
eligible candidates (not excluded, relevance at least `relevance_threshold`):

- relevance  r_i^j = rel_i / sum of rel over the eligible candidates (sums to 1);
- attention  a_i^j = w_p / sum of w over the filled positions when i is at position p of
  the shortlist, 0 otherwise (sums to 1);
- amortized: A_i = sum_j a_i^j, R_i = sum_j r_i^j; unfairness = sum_i |A_i - R_i|, so that
  over time each member's exposure tracks their relevance (equity of attention);
- quality: NDCG@k of the shortlist (linear gains, log2 discounts, shortlist in relevance
  order) must be at least theta = `quality_floor` (theta = 1 is greedy-by-relevance).

The paper solves, per ranking, the ILP  min sum_i |A_i + a_i - (R_i + r_i)|  s.t.
NDCG@k >= theta. We solve it without an ILP solver. With s_i = R_i + r_i - A_i (the
deficit, plus optional boosts counted in shortlist places), giving member i a place of
attention a changes its term from |s_i| to |s_i - a|, a gain g_i = clamp(2 s_i - a, -a, a).
The objective is separable, so without the floor the k largest gains are the exact optimum.
Gains saturate: every member owed at least a full place gains a, however much they are owed.
Among equal gains we take the member owed most first (largest s, boosts included), then the
most relevant. That leaves this ranking's objective unchanged, but over time it serves the
members who have waited longest instead of the most relevant of them again and again. It
matters most with boosts: a boost given to many members at once (every newcomer of a young
community) pushes them all into saturation, and ties broken by relevance alone turned the
choice back into greedy-by-relevance among them (newcomers beyond the k most relevant never
received anything). With the floor we take candidates by (gain, amount owed, relevance,
member id) and admit one only if the shortlist can still be completed, with the most
relevant remaining members, to a DCG of at least theta x the ideal DCG; completing that way
is always possible, so the floor always holds. If plain top-k by relevance would gain more
(the greedy can be beaten when the floor binds), we keep that instead: a decision is never
less fair than greedy on its own ranking.

Attention per position: equal by default. Every shortlisted member is notified at once and
any of them may accept, so each receives the same exposure; the order is only how staff see
the list. A deployment that offers the lead in sequence (the first has a head start) can set
decaying `position_weights`; positions then follow relevance order and the selection scores
a place by its mean attention 1/n (exact for equal weights, an approximation otherwise).

A decline passes the lead on (`pass_on`): the remaining members keep their place and the
freed place goes to the best eligible member not yet shown it, by the same rule. The
decliner keeps the attention received; the newcomer to the list gets the same amount.

Complexity: O(N log N + N k log k) for N candidates (two sorts, then at most N admission
checks of O(k log k)): a few ms for 1,000 candidates and k = 3 (`maillage bench routing`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member who might receive the opportunity; `relevance` (0-1) comes from the caller."""

    member_id: int
    relevance: float
    company_id: int | None = None
    is_newcomer: bool = False
    excluded: bool = False  # paused, opted out...: never chosen
    reason: str = ""  # why excluded, a code: "paused", "opted_out"...


@dataclass(frozen=True, slots=True)
class MemberHistory:
    """A member's amortized totals: attention A_i and relevance R_i (both per-ranking shares),
    and how many opportunities they received and were relevant to (for explanations)."""

    member_id: int
    cumulative_exposure: float = 0.0
    cumulative_relevance: float = 0.0
    opportunities_received: int = 0
    opportunities_relevant: int = 0


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    """How an opportunity is routed. Boosts are counted in shortlist places: a newcomer boost
    of 0.5 treats a newcomer as owed half a place more than their history says."""

    k: int = 3
    # NDCG@k the shortlist keeps, as a fraction of the best. 0.95 guarantees the issue's
    # "NDCG at least 0.95 x greedy's" by construction (greedy's is 1); 0.9 cost too much
    # quality in `maillage bench routing` (0.92 x greedy) for the fairness it bought.
    quality_floor: float = 0.95
    position_weights: tuple[float, ...] | None = None  # attention per position; None: equal
    newcomer_boost: float = 0.0
    low_exposure_boost: float = 0.0  # full for members never exposed, none at mean exposure
    relevance_threshold: float = 0.1  # below it a member is not considered (nor counted)

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("k must be at least 1.")
        if not 0.0 <= self.quality_floor <= 1.0:
            raise ValueError("quality_floor must be between 0 and 1.")
        if self.position_weights is not None and (
            len(self.position_weights) < self.k or any(w <= 0 for w in self.position_weights)
        ):
            raise ValueError("position_weights needs k positive weights.")
        if self.newcomer_boost < 0 or self.low_exposure_boost < 0:
            raise ValueError("boosts cannot be negative.")

    def attention(self, n: int) -> tuple[float, ...]:
        """The attention of each of n filled positions, normalised to sum to 1."""
        weights = self.position_weights[:n] if self.position_weights else (1.0,) * n
        total = math.fsum(weights)
        return tuple(w / total for w in weights)


# The policy Maillage routes with: the services start from it (settings may change k and the
# boosts) and `maillage bench routing` measures it. `RoutingPolicy()` itself has no boosts, so
# that hand-computed cases stay simple. A newcomer (joined in the last 30 days) is treated as
# owed half a place more than their history says, a member never exposed a quarter of a place
# (less, down to nothing, up to the mean exposure); both only decide between members whose
# relevance keeps the quality floor.
DEFAULT_POLICY = RoutingPolicy(k=3, quality_floor=0.95, newcomer_boost=0.5, low_exposure_boost=0.25)

# A structured reason: ("relevance", 0.82), ("fairness_adjustment", 0.31) (in places owed),
# ("newcomer_boost", 0.5), ("low_exposure_boost", 0.2), ("replaces", 17) (the decliner).
Reason = tuple[str, float]


@dataclass(frozen=True, slots=True)
class Choice:
    """A member on (or kept off) the shortlist, with the numbers that explain it."""

    member_id: int
    relevance: float
    rank: int  # by relevance among the eligible candidates, from 1
    exposure_deficit: float  # R_i + r_i - A_i, in shortlist places (positive: owed)
    boost: float  # in shortlist places
    received: int  # opportunities received before this decision
    relevant_to: int  # opportunities this member was relevant to, this one included
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class RoutingDecision:
    """The shortlist, what it adds to the histories, and what staff need to audit it."""

    shortlist: tuple[Choice, ...]  # in relevance order
    exposure: Mapping[int, float]  # attention this decision adds (shortlist, or replacement)
    relevance: Mapping[int, float]  # relevance shares this decision adds (route only)
    shown: Mapping[int, float]  # all attention given for this opportunity so far
    quality: float  # NDCG@k of the shortlist
    quality_floor: float
    quality_reference: float  # what the floor is a fraction of: 1, or less after a decline
    objective: float  # sum over the ranking's candidates of |A_i - R_i| after this decision
    objective_by_relevance: float  # the same had the top-k by relevance been chosen
    eligible_count: int
    below_threshold: int = 0
    excluded: tuple[tuple[int, str], ...] = ()  # (member, code) never considered
    displaced: tuple[Choice, ...] = ()  # top-k by relevance left out for fairness
    set_aside: tuple[int, ...] = ()  # favoured by fairness, left out by the quality floor
    declined: tuple[int, ...] = ()
    replaced: int | None = None  # the decliner this decision replaces (pass_on)
    requester_company_id: int | None = None
    caller_excluded: frozenset[int] = field(default_factory=frozenset)

    @property
    def member_ids(self) -> list[int]:
        return [c.member_id for c in self.shortlist]


@dataclass(slots=True)
class _Scored:
    candidate: Candidate
    deficit: float  # R_i + r_i - A_i
    newcomer_boost: float  # places
    low_exposure_boost: float  # places
    gain: float  # |s| - |s - a| for s = deficit + boost * a
    owed: float  # s: breaks ties between equal (saturated) gains
    rank: int
    received: int
    relevant_to: int

    @property
    def id(self) -> int:
        return self.candidate.member_id

    @property
    def rel(self) -> float:
        return self.candidate.relevance


# --- routing -------------------------------------------------------------------------------


def route(
    candidates: Sequence[Candidate],
    history: Mapping[int, MemberHistory],
    policy: RoutingPolicy | None = None,
    *,
    requester_company_id: int | None = None,
    exclude_member_ids: Iterable[int] = (),
) -> RoutingDecision:
    """Choose the shortlist for one opportunity (see the module docstring for the method).

    Never chosen: members of the requester's company, `exclude_member_ids` (the requester,
    members who already declined this opportunity...), candidates marked `excluded`, and
    relevance below the policy's threshold. Ties are broken by member id.
    """
    policy = policy or RoutingPolicy()
    caller_excluded = frozenset(exclude_member_ids)
    eligible, excluded, below = _eligible(
        candidates, policy, requester_company_id, caller_excluded, declined=()
    )
    total = math.fsum(c.relevance for c in eligible)
    shares = {c.member_id: c.relevance / total for c in eligible}
    n = min(policy.k, len(eligible))
    attention = policy.attention(n)
    place = 1 / n if n else 0.0  # a place's mean attention
    scored = _score(eligible, history, shares, place, policy, counted=False)
    chosen, set_aside = _choose(scored, fixed=[], slots=n, floor=policy.quality_floor)
    exposure = {e.id: a for e, a in zip(chosen, attention, strict=True)}
    top = scored[:n]
    return RoutingDecision(
        shortlist=tuple(_choice(e, place, replaces=None) for e in chosen),
        exposure=exposure,
        relevance=shares,
        shown=dict(exposure),
        quality=ndcg_at_k([e.rel for e in chosen], [e.rel for e in top], policy.k),
        quality_floor=policy.quality_floor,
        quality_reference=1.0,
        objective=_objective(scored, exposure),
        objective_by_relevance=_objective(
            scored, {e.id: a for e, a in zip(top, attention, strict=True)}
        ),
        eligible_count=len(eligible),
        below_threshold=below,
        excluded=excluded,
        displaced=_displaced(top, exposure, place),
        set_aside=set_aside,
        requester_company_id=requester_company_id,
        caller_excluded=caller_excluded,
    )


def pass_on(
    decision: RoutingDecision,
    declined_member_id: int,
    candidates: Sequence[Candidate],
    history: Mapping[int, MemberHistory],
    policy: RoutingPolicy | None = None,
) -> RoutingDecision:
    """A shortlisted member declined: give their place to the best eligible member not yet
    shown this opportunity, by the same rule as `route`.

    `history` is the current one, i.e. already updated with `decision` (this opportunity's
    relevance is counted once, by `route`). The quality floor is then a fraction of the best
    shortlist achievable while keeping the members already notified (`quality_reference`).
    """
    policy = policy or RoutingPolicy()
    if declined_member_id not in decision.member_ids:
        raise ValueError(f"Member {declined_member_id} is not on this shortlist.")
    declined = (*decision.declined, declined_member_id)
    eligible, excluded, below = _eligible(
        candidates,
        policy,
        decision.requester_company_id,
        decision.caller_excluded,
        declined=declined,
    )
    kept = [c for c in decision.shortlist if c.member_id != declined_member_id]
    kept_ids = {c.member_id for c in kept}
    place = decision.shown[declined_member_id]
    scored = _score(eligible, history, {}, place, policy, counted=True)
    pool = [e for e in scored if e.id not in kept_ids]
    slots = 1 if pool else 0
    fixed = [c.relevance for c in kept]
    chosen, set_aside = _choose(pool, fixed=fixed, slots=slots, floor=policy.quality_floor)
    new = [_choice(e, place, replaces=declined_member_id) for e in chosen]
    shortlist = sorted([*kept, *new], key=lambda c: (-c.relevance, c.member_id))
    exposure = {c.member_id: place for c in new}
    ideal = _dcg(sorted([e.rel for e in scored], reverse=True)[: policy.k])
    reachable = _dcg(sorted([*fixed, *(e.rel for e in pool[:slots])], reverse=True))
    top = pool[:slots]
    return RoutingDecision(
        shortlist=tuple(shortlist),
        exposure=exposure,
        relevance={},
        shown={**decision.shown, **exposure},
        quality=ndcg_at_k([c.relevance for c in shortlist], [e.rel for e in scored], policy.k),
        quality_floor=policy.quality_floor,
        quality_reference=reachable / ideal if ideal > 0 else 1.0,
        objective=_objective(scored, exposure),
        objective_by_relevance=_objective(scored, {e.id: place for e in top}),
        eligible_count=len(eligible),
        below_threshold=below,
        excluded=excluded,
        displaced=_displaced(top, exposure, place),
        set_aside=set_aside,
        declined=declined,
        replaced=declined_member_id,
        requester_company_id=decision.requester_company_id,
        caller_excluded=decision.caller_excluded,
    )


def update_history(
    history: Mapping[int, MemberHistory], decision: RoutingDecision
) -> dict[int, MemberHistory]:
    """A new history with this decision counted: every ranked candidate adds its relevance
    share, the shortlisted members (or a replacement) add their attention. Apply it once per
    decision, `route`'s and each `pass_on`'s (a pass-on adds no relevance)."""
    new = dict(history)
    for member_id in decision.relevance.keys() | decision.exposure.keys():
        old = new.get(member_id) or MemberHistory(member_id)
        relevance = decision.relevance.get(member_id)
        attention = decision.exposure.get(member_id)
        new[member_id] = MemberHistory(
            member_id,
            cumulative_exposure=old.cumulative_exposure + (attention or 0.0),
            cumulative_relevance=old.cumulative_relevance + (relevance or 0.0),
            opportunities_received=old.opportunities_received + (attention is not None),
            opportunities_relevant=old.opportunities_relevant + (relevance is not None),
        )
    return new


def _eligible(
    candidates: Sequence[Candidate],
    policy: RoutingPolicy,
    requester_company_id: int | None,
    caller_excluded: frozenset[int],
    *,
    declined: Sequence[int],
) -> tuple[list[Candidate], tuple[tuple[int, str], ...], int]:
    """(eligible candidates in relevance order, (member, code) excluded, how many below)."""
    seen: set[int] = set()
    eligible: list[Candidate] = []
    excluded: list[tuple[int, str]] = []
    below = 0
    declined_set = set(declined)
    for c in candidates:
        if c.member_id in seen:
            raise ValueError(f"Member {c.member_id} is a candidate twice.")
        seen.add(c.member_id)
        if not 0.0 <= c.relevance <= 1.0:  # also refuses NaN
            raise ValueError(f"Member {c.member_id}: relevance must be in [0, 1].")
        if c.member_id in declined_set:
            excluded.append((c.member_id, "declined"))
        elif requester_company_id is not None and c.company_id == requester_company_id:
            excluded.append((c.member_id, "same_company"))
        elif c.excluded:
            excluded.append((c.member_id, c.reason or "excluded"))
        elif c.member_id in caller_excluded:
            excluded.append((c.member_id, "excluded"))
        elif c.relevance <= 0.0 or c.relevance < policy.relevance_threshold:
            below += 1
        else:
            eligible.append(c)
    eligible.sort(key=lambda c: (-c.relevance, c.member_id))
    return eligible, tuple(excluded), below


def _score(
    eligible: list[Candidate],
    history: Mapping[int, MemberHistory],
    shares: Mapping[int, float],
    place: float,
    policy: RoutingPolicy,
    *,
    counted: bool,
) -> list[_Scored]:
    """Each eligible candidate's deficit, boost and gain for a place of attention `place`."""
    empty = MemberHistory(0)
    hists = [history.get(c.member_id, empty) for c in eligible]
    mean_exposure = math.fsum(h.cumulative_exposure for h in hists) / len(hists) if hists else 0
    scored = []
    for rank, (c, h) in enumerate(zip(eligible, hists, strict=True), start=1):
        deficit = h.cumulative_relevance + shares.get(c.member_id, 0.0) - h.cumulative_exposure
        newcomer = policy.newcomer_boost if c.is_newcomer else 0.0
        low = 0.0
        if policy.low_exposure_boost and mean_exposure > 0:
            low = policy.low_exposure_boost * max(0.0, 1 - h.cumulative_exposure / mean_exposure)
        s = deficit + (newcomer + low) * place
        gain = min(place, max(-place, 2 * s - place))
        relevant = h.opportunities_relevant + (0 if counted else 1)
        scored.append(
            _Scored(c, deficit, newcomer, low, gain, s, rank, h.opportunities_received, relevant)
        )
    return scored


def _choose(
    pool: list[_Scored], *, fixed: list[float], slots: int, floor: float
) -> tuple[list[_Scored], tuple[int, ...]]:
    """`slots` members of `pool` (in relevance order) maximising the gain, such that with the
    `fixed` relevances the shortlist keeps a DCG of at least floor x the best achievable.
    Returns them in relevance order, and the members the floor set aside."""
    by_rel = pool  # already in relevance order
    best = by_rel[:slots]
    target = floor * _dcg(sorted([*fixed, *(e.rel for e in best)], reverse=True))

    def completes(rels: list[float], taken: set[int]) -> bool:
        rels = list(rels)
        for e in by_rel:
            if len(rels) == len(fixed) + slots:
                break
            if e.id not in taken:
                rels.append(e.rel)
        return _dcg(sorted(rels, reverse=True)) >= target - _TOLERANCE

    by_gain = sorted(pool, key=lambda e: (-e.gain, -e.owed, -e.rel, e.id))
    picked: list[_Scored] = []
    rels, taken = list(fixed), set()
    skipped: list[int] = []
    for e in by_gain:
        if len(picked) == slots:
            break
        if completes([*rels, e.rel], taken | {e.id}):
            picked.append(e)
            rels.append(e.rel)
            taken.add(e.id)
        else:
            skipped.append(e.id)
    if sum(e.gain for e in best) > sum(e.gain for e in picked) + _TOLERANCE:
        picked, skipped = list(best), []
    picked.sort(key=lambda e: e.rank)
    return picked, tuple(skipped)


def _choice(e: _Scored, place: float, *, replaces: int | None) -> Choice:
    deficit = e.deficit / place if place else 0.0  # in shortlist places, not shares
    reasons: list[Reason] = [("relevance", e.rel), ("fairness_adjustment", deficit)]
    if e.newcomer_boost:
        reasons.append(("newcomer_boost", e.newcomer_boost))
    if e.low_exposure_boost:
        reasons.append(("low_exposure_boost", e.low_exposure_boost))
    if replaces is not None:
        reasons.append(("replaces", float(replaces)))
    return Choice(
        member_id=e.id,
        relevance=e.rel,
        rank=e.rank,
        exposure_deficit=deficit,
        boost=e.newcomer_boost + e.low_exposure_boost,
        received=e.received,
        relevant_to=e.relevant_to,
        reasons=tuple(reasons),
    )


def _displaced(
    top: list[_Scored], exposure: Mapping[int, float], place: float
) -> tuple[Choice, ...]:
    return tuple(_choice(e, place, replaces=None) for e in top if e.id not in exposure)


def _objective(scored: list[_Scored], exposure: Mapping[int, float]) -> float:
    """sum_i |R_i + r_i - A_i - a_i| over the ranking's candidates (boosts left out)."""
    return math.fsum(abs(e.deficit - exposure.get(e.id, 0.0)) for e in scored)


# --- metrics ---------------------------------------------------------------------------------


def _dcg(relevances: Sequence[float]) -> float:
    return math.fsum(r / math.log2(p + 2) for p, r in enumerate(relevances))


def ndcg_at_k(chosen_relevances: Sequence[float], all_relevances: Iterable[float], k: int) -> float:
    """NDCG@k of a list shown in the given order (linear gains, log2 discounts) against the
    best k of `all_relevances`; 1 when nothing is relevant (no list can do better)."""
    ideal = _dcg(sorted(all_relevances, reverse=True)[:k])
    return _dcg(list(chosen_relevances)[:k]) / ideal if ideal > 0 else 1.0


def unfairness(histories: Mapping[int, MemberHistory] | Iterable[MemberHistory]) -> float:
    """Biega et al.'s sum_i |A_i - R_i| on cumulative attention and relevance each normalised
    to sum to 1 (so it lies in [0, 2] and compares runs of different lengths). With one share
    of attention per ranking this is the paper's unfairness divided by the number of rankings."""
    items = list(histories.values() if isinstance(histories, Mapping) else histories)
    total_a = math.fsum(h.cumulative_exposure for h in items)
    total_r = math.fsum(h.cumulative_relevance for h in items)
    return math.fsum(
        abs(
            (h.cumulative_exposure / total_a if total_a else 0.0)
            - (h.cumulative_relevance / total_r if total_r else 0.0)
        )
        for h in items
    )


def gini(values: Iterable[float]) -> float:
    """Gini coefficient of non-negative values: 0 when equal, towards 1 when one has all."""
    xs = sorted(values)
    total = math.fsum(xs)
    if not xs or total <= 0:
        return 0.0
    n = len(xs)
    return math.fsum((2 * i - n - 1) * x for i, x in enumerate(xs, start=1)) / (n * total)


# --- explanations ------------------------------------------------------------------------------

_TEXT = {
    "fr": {
        "member": "membre {id}",
        "summary": "Liste de {n} membre(s) parmi {m} éligible(s) ; qualité {q} de la meilleure "
        "possible (plancher {f}).",
        "nobody": "Aucun·e membre pertinent·e et éligible : l’opportunité n’est proposée à personne.",
        "passed": "{who} a décliné ; l’opportunité passe à {to}.",
        "passed_nobody": "{who} a décliné ; plus aucun membre éligible à qui la proposer.",
        "top": "{who} : choisi·e pour sa pertinence {rel} (rang {rank} sur {m})",
        "fair": "{who} : choisi·e au titre de l’équité, pertinence {rel} (rang {rank} sur {m})",
        "adjust": "ajustement d’équité {adj} : a reçu {got} pour {of} où son profil était "
        "pertinent",
        "opportunities": ("{n} opportunité", "{n} opportunités"),
        "newcomer_boost": "bonus nouvel·le membre {v}",
        "low_exposure_boost": "bonus peu exposé·e {v}",
        "replaces": "remplace {who}, qui a décliné",
        "kept": "{who} : reste sur la liste (pertinence {rel}).",
        "displaced": "{who} (pertinence {rel}, rang {rank}) non retenu·e",
        "set_aside": "Plancher de qualité : {n} membre(s) favorisé(s) par l’équité écarté(s), "
        "pertinence insuffisante.",
        "excluded": "Écarté·es d’office : {n} ({detail}).",
        "sep": " ; ",
        "colon": " : ",
    },
    "en": {
        "member": "member {id}",
        "summary": "Shortlist of {n} among {m} eligible member(s); quality {q} of the best "
        "achievable (floor {f}).",
        "nobody": "No relevant, eligible member: the opportunity goes to nobody.",
        "passed": "{who} declined; the opportunity passes to {to}.",
        "passed_nobody": "{who} declined; no eligible member is left to offer it to.",
        "top": "{who}: chosen for relevance {rel} (rank {rank} of {m})",
        "fair": "{who}: chosen for fairness, relevance {rel} (rank {rank} of {m})",
        "adjust": "fairness adjustment {adj}: received {got} while relevant to {of}",
        "opportunities": ("{n} opportunity", "{n} opportunities"),
        "newcomer_boost": "newcomer boost {v}",
        "low_exposure_boost": "low-exposure boost {v}",
        "replaces": "replaces {who}, who declined",
        "kept": "{who}: stays on the shortlist (relevance {rel}).",
        "displaced": "{who} (relevance {rel}, rank {rank}) not chosen",
        "set_aside": "Quality floor: {n} member(s) favoured by fairness set aside, not relevant "
        "enough.",
        "excluded": "Excluded from the start: {n} ({detail}).",
        "sep": "; ",
        "colon": ": ",
    },
}


# Why a member was excluded; a code not listed here is shown as it is.
_EXCLUSIONS = {
    "fr": {
        "same_company": "même entreprise que le demandeur",
        "declined": "a décliné",
        "paused": "en pause",
        "opted_out": "ne souhaite pas d’opportunités",
        "excluded": "exclu·e",
    },
    "en": {
        "same_company": "same company as the requester",
        "declined": "declined",
        "paused": "paused",
        "opted_out": "opted out of opportunities",
        "excluded": "excluded",
    },
}


def _number(value: float, lang: str, *, signed: bool = False) -> str:
    value = 0.0 if abs(value) < 0.005 else value  # no "-0.00"
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def explain(
    decision: RoutingDecision, lang: str = "fr", names: Mapping[int, str] | None = None
) -> list[str]:
    """Sentences for staff, in French ("fr") or English ("en"); `names` labels members."""
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}.")
    t = _TEXT[lang]

    def who(member_id: int) -> str:
        return (names or {}).get(member_id) or t["member"].format(id=member_id)

    def count(n: int) -> str:
        one, many = t["opportunities"]
        singular = n <= 1 if lang == "fr" else n == 1  # "0 opportunité", "0 opportunities"
        return (one if singular else many).format(n=n)

    def adjustment(c: Choice) -> str:
        return t["adjust"].format(
            adj=_number(c.exposure_deficit, lang, signed=True),
            got=count(c.received),
            of=c.relevant_to,
        )

    lines = []
    if decision.replaced is not None:
        new = [c for c in decision.shortlist if ("replaces", decision.replaced) in c.reasons]
        lines.append(
            t["passed"].format(who=who(decision.replaced), to=who(new[0].member_id))
            if new
            else t["passed_nobody"].format(who=who(decision.replaced))
        )
    if not decision.shortlist:
        lines.append(t["nobody"])
    else:
        lines.append(
            t["summary"].format(
                n=len(decision.shortlist),
                m=decision.eligible_count,
                q=_number(decision.quality, lang),
                f=_number(decision.quality_floor * decision.quality_reference, lang),
            )
        )
    n = len(decision.shortlist)
    for c in decision.shortlist:
        if decision.replaced is not None and ("replaces", decision.replaced) not in c.reasons:
            # Kept from before the decline: chosen (and explained) by an earlier decision.
            lines.append(t["kept"].format(who=who(c.member_id), rel=_number(c.relevance, lang)))
            continue
        head = "top" if c.rank <= n else "fair"
        parts = [
            t[head].format(
                who=who(c.member_id),
                rel=_number(c.relevance, lang),
                rank=c.rank,
                m=decision.eligible_count,
            ),
            adjustment(c),
        ]
        for code, value in c.reasons:
            if code in ("newcomer_boost", "low_exposure_boost"):
                parts.append(t[code].format(v=_number(value, lang, signed=True)))
            elif code == "replaces":
                parts.append(t["replaces"].format(who=who(int(value))))
        lines.append(t["sep"].join(parts) + ".")
    for c in decision.displaced:
        head = t["displaced"].format(
            who=who(c.member_id), rel=_number(c.relevance, lang), rank=c.rank
        )
        lines.append(f"{head}{t['sep']}{adjustment(c)}.")
    if decision.set_aside:
        lines.append(t["set_aside"].format(n=len(decision.set_aside)))
    if decision.excluded:
        by_code: dict[str, int] = {}
        for _, code in decision.excluded:
            by_code[code] = by_code.get(code, 0) + 1
        detail = t["sep"].join(
            f"{_EXCLUSIONS[lang].get(code, code)}{t['colon']}{k}"
            for code, k in sorted(by_code.items())
        )
        lines.append(t["excluded"].format(n=len(decision.excluded), detail=detail))
    return lines
