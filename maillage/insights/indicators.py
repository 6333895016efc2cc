"""Community indicators: a registry of versioned definitions, and small-cell suppression. No Django.

Adapted from CHAOSS (community health metrics: active contributors, newcomers, "bus factor"
style concentration; chaoss.community/kb-metrics-and-metrics-models) and the Orbit Model
(levels and love, see engagement.py). Each indicator says what it means in words (English and
French), its formula, its window (a calendar month, or a quarter), its unit and the minimum
cohort below which its value is withheld.

An indicator computes one *cell* (a space, or the whole operator, over one period) from plain
aggregates the recompute fills in (`Aggregates`, documented below), so it can be checked by
hand. A value computed on fewer than `min_cohort` members is withheld (primary suppression);
so is, in every additive group of cells (the spaces and their operator total, the segments
and their total), the smallest other cell when a single one is withheld, so nobody can get it
back by subtraction (secondary suppression, repeated until nothing changes, as statistical
offices do for tables: Hundepool et al., "Statistical Disclosure Control", Wiley 2012, ch. 4).

Changing what an indicator means bumps its `version`: stored values say which version made
them, so a series never mixes two definitions silently.

Cost: each compute is O(1) but `host_concentration`, O(c log c) for c contributors;
`suppress` is O(cells × rounds).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

READY = "ready"
NEEDS_DATA = "needs_data"
MONTH = "month"
QUARTER = "quarter"

# The segment keys of engagement.py (copied to keep the modules independent).
SEGMENT_KEYS = ("newcomer", "coworker", "tenant", "occasional", "drifting", "gone")

# Kinds counted as contributions for host concentration.
CONTRIBUTION_KINDS = ("hosted", "answered", "helped", "introduced")

Aggregates = Mapping[str, Any]
"""What the recompute measures for one cell (a space or the operator) over one period:

- `members`: members (not staff) whose home is the cell, not left at the period's end
- `segments`: {segment: members} at the period's end (the same members)
- `active_members`: the `members` with at least one ledger line (other than joining) in the
  period (so never more than `members`)
- `newcomers`: members who joined during the period
- `members_checked_in`, `checkin_days`: members who came at least once; days present in all
- `members_attended`: the `members` who attended at least one event
- `attended`, `no_shows`: attendance and no-show lines (after an RSVP)
- `members_with_outcome`: members with at least one attended or no-show line
- `introductions_accepted`, `members_accepted_introduction`
- `contributions`: one count per contributor (anyone, staff included) of hosted events,
  answers, help and introductions in the period
- `tenants_at_start`: members who were tenants at the period's start and are still members;
  `tenants_now_coworkers`: those of them who are coworkers at its end
- `answer_hours`: for each ask posted in the period (by a member of the cell) that got an
  answer, the hours to its first answer; `askers_answered`: the members who posted them
- `business_amount`: the sum of the amounts of outcomes recorded in the period;
  `members_declared_business`: the members who recorded them
- `ties`: distinct pairs of members of the cell (both ends) with a "met" line by the period's
  end; `ties_companies_known`, `ties_across_companies`: those of them whose two members both
  have a company, and those across two companies; `members_with_company_ties`: the members
  at the ends of the pairs with known companies
- `offer_components`: the measured parts of the operator's declared offer;
  `offer_members`: members (not gone) at the period's end; `offer_share_sum`: the sum of their
  shares of the offer used (0–1); `offer_share_sum_by_segment`: the same by segment;
  `offer_used`: {part: members who used it};
  `offer_segment_members`: {segment: members}; `offer_used_by_segment`:
  {"segment:part": members of the segment who used it}
"""


@dataclass(frozen=True)
class Computed:
    value: float | None  # None: nothing to compute on (e.g. a rate over nobody)
    cohort: int  # how many members the value is computed on


@dataclass(frozen=True)
class Indicator:
    id: str
    version: int
    name: Mapping[str, str]  # {"en": ..., "fr": ...}
    definition: Mapping[str, str]
    formula: str
    window: str  # MONTH or QUARTER
    unit: str  # "members", "percent", "days", "lines"
    min_cohort: int
    compute: Callable[[Aggregates], Computed | Mapping[str, Computed]] | None = None
    status: str = READY
    needs: str = ""  # for NEEDS_DATA: what data it waits for
    source: str = ""
    additive: bool = False  # cells add up over spaces (and breakdowns) to the total
    # A rate whose numerator and cohort both add up over spaces: a single withheld space can
    # be worked back from the operator's cell and the other spaces', as for a count.
    spaces_add_up: bool = False
    # A rate computed on a count published as another indicator (its cohort is that count's
    # value, for the same place; for the segment before ":" in its breakdown if the count is
    # by segment): withheld whenever that count is.
    cohort_of: str = ""
    breakdowns: tuple[str, ...] = ()  # e.g. the segments; () for a single value
    uses_segments: bool = False  # needs members' segments at the period's end (or start)

    def cells(self, aggregates: Aggregates) -> dict[str, Computed]:
        """{breakdown: Computed}; the key is "" for an indicator without breakdowns."""
        if self.compute is None:
            raise ValueError(f"Indicator {self.id} cannot be computed yet: {self.needs}")
        out = self.compute(aggregates)
        return dict(out) if isinstance(out, Mapping) else {"": out}


def _count(key: str, cohort_key: str | None = None) -> Callable[[Aggregates], Computed]:
    def compute(a: Aggregates) -> Computed:
        value = int(a.get(key, 0))
        return Computed(value, int(a.get(cohort_key, 0)) if cohort_key else value)

    return compute


def _percent(numerator: str, denominator: str, cohort_key: str | None = None):
    def compute(a: Aggregates) -> Computed:
        den = a.get(denominator, 0)
        cohort = int(a.get(cohort_key or denominator, 0))
        if not den:
            return Computed(None, cohort)
        return Computed(round(100 * a.get(numerator, 0) / den, 1), cohort)

    return compute


def _no_show_rate(a: Aggregates) -> Computed:
    outcomes = a.get("attended", 0) + a.get("no_shows", 0)
    cohort = int(a.get("members_with_outcome", 0))
    if not outcomes:
        return Computed(None, cohort)
    return Computed(round(100 * a.get("no_shows", 0) / outcomes, 1), cohort)


def half_of_contributions(contributions: Iterable[int]) -> int:
    """How few contributors made at least half of all contributions (0 if none)."""
    ordered = sorted((c for c in contributions if c > 0), reverse=True)
    total = sum(ordered)
    running = 0
    for rank, count in enumerate(ordered, start=1):
        running += count
        if 2 * running >= total:
            return rank
    return 0


def _host_concentration(a: Aggregates) -> Computed:
    contributions = [c for c in a.get("contributions", ()) if c > 0]
    if not contributions:
        return Computed(None, 0)
    return Computed(half_of_contributions(contributions), len(contributions))


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _time_to_first_answer(a: Aggregates) -> Computed:
    hours = list(a.get("answer_hours", ()))
    value = median(hours)
    return Computed(None if value is None else round(value, 1), int(a.get("askers_answered", 0)))


def _business(a: Aggregates) -> Computed:
    cohort = int(a.get("members_declared_business", 0))
    if not cohort:
        return Computed(None, 0)
    return Computed(round(float(a.get("business_amount", 0)), 2), cohort)


def _ties_density(a: Aggregates) -> Computed:
    n = int(a.get("members", 0))
    possible = n * (n - 1) / 2
    if not possible:
        return Computed(None, n)
    return Computed(round(100 * a.get("ties", 0) / possible, 2), n)


def _cross_company(a: Aggregates) -> Computed:
    known = int(a.get("ties_companies_known", 0))
    cohort = int(a.get("members_with_company_ties", 0))
    if not known:
        return Computed(None, cohort)
    return Computed(round(100 * a.get("ties_across_companies", 0) / known, 1), cohort)


def _segments(a: Aggregates) -> dict[str, Computed]:
    segments = a.get("segments", {})
    return {s: Computed(int(segments.get(s, 0)), int(segments.get(s, 0))) for s in SEGMENT_KEYS}


def _drifting(a: Aggregates) -> Computed:
    n = int(a.get("segments", {}).get("drifting", 0))
    return Computed(n, n)


def _offer_share(a: Aggregates) -> Computed:
    n = int(a.get("offer_members", 0))
    if not n:
        return Computed(None, 0)
    return Computed(round(100 * a.get("offer_share_sum", 0.0) / n, 1), n)


def _offer_share_by_segment(a: Aggregates) -> dict[str, Computed]:
    sizes = a.get("offer_segment_members", {})
    sums = a.get("offer_share_sum_by_segment", {})
    return {
        segment: Computed(round(100 * sums.get(segment, 0.0) / n, 1), n)
        for segment, n in sizes.items()
        if n
    }


def _offer_components(a: Aggregates) -> dict[str, Computed]:
    n = int(a.get("offer_members", 0))
    used = a.get("offer_used", {})
    return {
        c: Computed(round(100 * used.get(c, 0) / n, 1) if n else None, n)
        for c in a.get("offer_components", ())
    }


def _offer_by_segment(a: Aggregates) -> dict[str, Computed]:
    sizes = a.get("offer_segment_members", {})
    used = a.get("offer_used_by_segment", {})
    out = {}
    for segment, n in sizes.items():
        for c in a.get("offer_components", ()):
            key = f"{segment}:{c}"
            out[key] = Computed(round(100 * used.get(key, 0) / n, 1), n)
    return out


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="members",
        version=1,
        name={"en": "Members", "fr": "Membres"},
        definition={
            "en": "Members whose home is the space at the end of the period (staff apart).",
            "fr": "Membres dont c'est l'espace de rattachement à la fin de la période "
            "(hors équipe).",
        },
        formula="count(members not left at period end)",
        window=MONTH,
        unit="members",
        min_cohort=5,
        compute=_count("members"),
        additive=True,
        uses_segments=True,
    ),
    Indicator(
        id="members_by_segment",
        version=1,
        name={"en": "Members by segment", "fr": "Membres par segment"},
        definition={
            "en": "How many members are newcomers, coworkers, tenants, occasional, drifting "
            "away or gone at the end of the period (see the engagement rules).",
            "fr": "Combien de membres sont nouveaux, coworkers, locataires, occasionnels, en "
            "train de s'éloigner ou partis à la fin de la période (voir les règles "
            "d'engagement).",
        },
        formula="count(members) by segment at period end",
        window=MONTH,
        unit="members",
        min_cohort=5,
        compute=_segments,
        additive=True,
        breakdowns=SEGMENT_KEYS,
        source="Orbit Model (levels), our segment rules",
        uses_segments=True,
    ),
    Indicator(
        id="active_members",
        # 2: among the members counted at the end of the period (so never more than
        # "members"); 1 also counted those who had left by then, or not joined yet.
        version=2,
        name={"en": "Active members", "fr": "Membres actifs"},
        definition={
            "en": "Members (at the end of the period) who did anything recorded in the "
            "period: came in, booked, joined an event, asked, answered, helped, introduced…",
            "fr": "Membres (à la fin de la période) qui ont fait quelque chose d'enregistré "
            "pendant la période : venir, réserver, participer à un événement, demander, "
            "répondre, aider, présenter…",
        },
        formula="count(distinct member joined and not left at period end with ≥ 1 ledger "
        "line other than 'joined')",
        window=MONTH,
        unit="members",
        min_cohort=5,
        compute=_count("active_members"),
        additive=True,
        source="CHAOSS Active Contributors",
    ),
    Indicator(
        id="newcomers",
        version=1,
        name={"en": "Newcomers", "fr": "Nouveaux membres"},
        definition={
            "en": "Members who joined during the period.",
            "fr": "Membres arrivés pendant la période.",
        },
        formula="count(members with joined_on in the period)",
        window=MONTH,
        unit="members",
        min_cohort=5,
        compute=_count("newcomers"),
        additive=True,
        source="CHAOSS New Contributors",
    ),
    Indicator(
        id="drifting_members",
        version=1,
        name={"en": "Members drifting away", "fr": "Membres qui s'éloignent"},
        definition={
            "en": "Members whose presence and community activity fell to less than half of "
            "their own usual level (beyond the season's dip) at the end of the period.",
            "fr": "Membres dont la présence et l'activité collective sont tombées sous la "
            "moitié de leur niveau habituel (au-delà du creux de saison) à la fin de la "
            "période.",
        },
        formula="count(members in segment 'drifting' at period end)",
        window=MONTH,
        unit="members",
        min_cohort=5,
        compute=_drifting,
        additive=True,
        source="CHAOSS Inactive Contributors",
        uses_segments=True,
    ),
    Indicator(
        id="tenant_coworker_conversion",
        # 2: members at the period's end, as `members` counts them; 1 left out anyone who
        # had left since, so a past period's value changed when someone left later.
        version=2,
        name={"en": "Tenants who became coworkers", "fr": "Locataires devenus coworkers"},
        definition={
            "en": "Of the members who were tenants at the start of the quarter and are still "
            "members, the share who are coworkers at its end.",
            "fr": "Parmi les membres locataires au début du trimestre et toujours membres, la "
            "part devenue coworker à la fin.",
        },
        formula="100 × tenants_now_coworkers / tenants_at_start",
        window=QUARTER,
        unit="percent",
        min_cohort=10,
        compute=_percent("tenants_now_coworkers", "tenants_at_start"),
        uses_segments=True,
        spaces_add_up=True,
    ),
    Indicator(
        id="event_participation_rate",
        version=2,  # 2: over the active members of version 2 (members at the period's end)
        name={"en": "Event participation", "fr": "Participation aux événements"},
        definition={
            "en": "Share of the active members who attended at least one event in the period.",
            "fr": "Part des membres actifs venus à au moins un événement pendant la période.",
        },
        formula="100 × members_attended / active_members",
        window=MONTH,
        unit="percent",
        min_cohort=10,
        compute=_percent("members_attended", "active_members"),
        cohort_of="active_members",
        spaces_add_up=True,
    ),
    Indicator(
        id="no_show_rate",
        version=1,
        name={"en": "No-shows", "fr": "Absences après inscription"},
        definition={
            "en": "Share of event registrations that ended in a no-show rather than attending.",
            "fr": "Part des inscriptions à un événement suivies d'une absence plutôt que d'une "
            "venue.",
        },
        formula="100 × no_shows / (attended + no_shows)",
        window=MONTH,
        unit="percent",
        min_cohort=10,
        compute=_no_show_rate,
        spaces_add_up=True,
    ),
    Indicator(
        id="host_concentration",
        version=1,
        name={"en": "Host concentration", "fr": "Concentration des contributions"},
        definition={
            "en": "How few people (staff included) make half of the contributions: hosting "
            "events, answering asks, helping and introducing. Low means the community "
            "rests on a few shoulders.",
            "fr": "Combien de personnes (équipe comprise) font la moitié des contributions : "
            "animer, répondre aux demandes, aider, présenter. Un chiffre bas veut dire que "
            "la communauté repose sur peu d'épaules.",
        },
        formula="min k such that the k largest contributors made ≥ 50 % of contributions",
        window=MONTH,
        unit="members",
        min_cohort=10,
        compute=_host_concentration,
        source="CHAOSS Contributor Absence Factor (bus factor)",
    ),
    Indicator(
        id="introductions_accepted",
        version=1,
        name={"en": "Introductions accepted", "fr": "Mises en relation acceptées"},
        definition={
            "en": "Introductions between members that the person introduced accepted.",
            "fr": "Mises en relation entre membres acceptées par la personne présentée.",
        },
        formula="count(ledger lines 'introduction_accepted')",
        window=MONTH,
        unit="lines",
        min_cohort=5,
        compute=_count("introductions_accepted", "members_accepted_introduction"),
        additive=True,
    ),
    Indicator(
        id="check_in_days",
        version=1,
        name={"en": "Days present", "fr": "Journées de présence"},
        definition={
            "en": "Days members came in: one per member, space and day, however many "
            "check-ins (so the operator's figure is the sum of its spaces').",
            "fr": "Journées de présence des membres : une par membre, espace et jour, quel que "
            "soit le nombre de passages (le chiffre de l'opérateur est la somme de ses "
            "espaces).",
        },
        formula="count(distinct (member, space, day) with a check-in)",
        window=MONTH,
        unit="days",
        min_cohort=5,
        compute=_count("checkin_days", "members_checked_in"),
        additive=True,
    ),
    # Waiting for data that other parts of Maillage will record.
    Indicator(
        id="time_to_first_answer",
        version=1,
        name={"en": "Time to first answer", "fr": "Délai de première réponse"},
        definition={
            "en": "Median time, in hours, between an ask being posted and its first answer, "
            "over the asks posted in the period that got one.",
            "fr": "Délai médian, en heures, entre la publication d'une demande et sa première "
            "réponse, sur les demandes publiées pendant la période qui en ont reçu une.",
        },
        formula="median(first 'answered' − 'posted', hours) over asks posted in the period",
        window=MONTH,
        unit="hours",
        min_cohort=5,
        compute=_time_to_first_answer,
        source="CHAOSS Time to First Response",
    ),
    Indicator(
        id="business_declared",
        version=1,
        name={"en": "Business between members", "fr": "Affaires entre membres"},
        definition={
            "en": "Business members declared having done together (recorded outcomes with "
            "an amount), in euros.",
            "fr": "Affaires déclarées par les membres entre eux (résultats enregistrés avec "
            "un montant), en euros.",
        },
        formula="sum(payload amount of 'outcome_recorded' lines in the period)",
        window=QUARTER,
        unit="euros",
        min_cohort=5,
        compute=_business,
        additive=True,
    ),
    Indicator(
        id="ties_density",
        # 2: members at the period's end, as `members` counts them; 1 left out anyone who
        # had left since, so a past period's value changed when someone left later.
        version=2,
        name={"en": "Ties density", "fr": "Densité des liens"},
        definition={
            "en": "Share of the possible pairs of members who have met (a roulette, an event "
            "or a meeting recorded between them) by the end of the period.",
            "fr": "Part des paires de membres possibles qui se sont rencontrés (une "
            "roulette, un événement ou une rencontre enregistrée entre eux) à la fin de la "
            "période.",
        },
        formula="100 × pairs of members with a 'met' line / (n × (n − 1) / 2)",
        window=QUARTER,
        unit="percent",
        min_cohort=10,
        compute=_ties_density,
        uses_segments=True,
        source="Social network analysis (density)",
    ),
    Indicator(
        id="cross_company_ties",
        # 2: members at the period's end, as `members` counts them; 1 left out anyone who
        # had left since, so a past period's value changed when someone left later.
        version=2,
        name={"en": "Ties across companies", "fr": "Liens entre entreprises"},
        definition={
            "en": "Of the ties between members whose companies are known, the share between "
            "members of different companies.",
            "fr": "Parmi les liens entre membres dont l'entreprise est connue, la part entre "
            "membres d'entreprises différentes.",
        },
        formula="100 × ties across companies / ties with both companies known",
        window=QUARTER,
        unit="percent",
        min_cohort=10,
        compute=_cross_company,
        uses_segments=True,
    ),
    Indicator(
        id="offer_used_share",
        version=1,
        name={"en": "Share of the offer used", "fr": "Part de l'offre utilisée"},
        definition={
            "en": "On average, the share of the parts of the offer (as the operator declared "
            "it, and as far as Maillage can see their use) each member used in the last 13 "
            "weeks. 100 % minus this is the value left unused.",
            "fr": "En moyenne, la part des éléments de l'offre (telle que l'opérateur l'a "
            "déclarée, et pour ceux dont Maillage voit l'usage) que chaque membre a utilisés "
            "sur les 13 dernières semaines. 100 % moins ce chiffre : la valeur inutilisée.",
        },
        formula="100 × mean over members (parts used / parts declared and measured)",
        window=MONTH,
        unit="percent",
        min_cohort=10,
        compute=_offer_share,
        uses_segments=True,
        cohort_of="members",
        spaces_add_up=True,
    ),
    Indicator(
        id="offer_used_share_by_segment",
        version=1,
        name={
            "en": "Share of the offer used, by segment",
            "fr": "Part de l'offre utilisée, par segment",
        },
        definition={
            "en": "The share of the offer used (as above) by the members of each segment: "
            "how much of what they pay for tenants, coworkers or newcomers use.",
            "fr": "La part de l'offre utilisée (comme ci-dessus) par les membres de chaque "
            "segment : ce que locataires, coworkers ou nouveaux utilisent de ce qu'ils paient.",
        },
        formula="100 × mean over the segment's members (parts used / parts declared and measured)",
        window=MONTH,
        unit="percent",
        min_cohort=10,
        compute=_offer_share_by_segment,
        uses_segments=True,
        cohort_of="members_by_segment",
        spaces_add_up=True,
    ),
    Indicator(
        id="offer_component_use",
        version=1,
        name={"en": "Use of each part of the offer", "fr": "Usage de chaque élément de l'offre"},
        definition={
            "en": "For each part of the offer, the share of members who used it in the last "
            "13 weeks.",
            "fr": "Pour chaque élément de l'offre, la part des membres qui l'ont utilisé sur "
            "les 13 dernières semaines.",
        },
        formula="100 × members who used the part / members",
        window=MONTH,
        unit="percent",
        min_cohort=10,
        compute=_offer_components,
        uses_segments=True,
        cohort_of="members",
        spaces_add_up=True,
    ),
    Indicator(
        id="offer_use_by_segment",
        version=1,
        name={"en": "Offer use by segment", "fr": "Usage de l'offre par segment"},
        definition={
            "en": "For each segment and each part of the offer, the share of the segment's "
            "members who used it in the last 13 weeks (the heatmap of the dashboard).",
            "fr": "Pour chaque segment et chaque élément de l'offre, la part des membres du "
            "segment qui l'ont utilisé sur les 13 dernières semaines (la carte de chaleur du "
            "tableau de bord).",
        },
        formula="100 × members of the segment who used the part / members of the segment",
        window=MONTH,
        unit="percent",
        min_cohort=10,
        compute=_offer_by_segment,
        uses_segments=True,
        cohort_of="members_by_segment",
        spaces_add_up=True,
    ),
)

REGISTRY: dict[str, Indicator] = {i.id: i for i in INDICATORS}


def get(indicator_id: str) -> Indicator:
    return REGISTRY[indicator_id]


def ready() -> list[Indicator]:
    return [i for i in INDICATORS if i.status == READY]


# --- small-cell suppression ------------------------------------------------------------------


@dataclass
class Table:
    """Cells of one or more indicators over one period: {key: Computed}; the additive groups
    among them (a total and the parts that add up to it); and `same`, pairs of cells that
    repeat one another (withheld together). Keys are anything hashable, e.g. (space, "")."""

    cells: dict[Hashable, Computed]
    groups: list[tuple[Hashable, Sequence[Hashable]]] = field(default_factory=list)
    same: list[tuple[Hashable, Hashable]] = field(default_factory=list)
    # (a, b): b is withheld when a is (b's cohort is a's value: showing b would give a back).
    implies: list[tuple[Hashable, Hashable]] = field(default_factory=list)


def suppress(table: Table, min_cohort: int | Callable[[Hashable], int]) -> set[Hashable]:
    """The keys whose values must be withheld.

    Primary: a cell computed on 1 to min_cohort − 1 members (none is nothing to protect);
    `min_cohort` may depend on the cell (a function of its key).
    Secondary: in a group whose total is shown, a single withheld part could be recomputed
    from the total and the others, so the smallest other part (by cohort, non-empty first)
    is withheld too; a withheld total with every part shown is recomputable as their sum, so
    its smallest non-empty part goes; a cell repeating a withheld one is withheld. Repeated
    until no group changes.
    """
    floor = min_cohort if callable(min_cohort) else (lambda key: min_cohort)
    hidden = {k for k, c in table.cells.items() if 0 < c.cohort < floor(k)}
    changed = True
    while changed:
        changed = False
        for a, b in table.same:
            if a in table.cells and b in table.cells and (a in hidden) != (b in hidden):
                hidden.update((a, b))
                changed = True
        for a, b in table.implies:
            if a in hidden and b in table.cells and b not in hidden:
                hidden.add(b)
                changed = True
        for total, parts in table.groups:
            if total not in table.cells:
                continue
            present = [p for p in parts if p in table.cells]
            hidden_parts = [p for p in present if p in hidden]
            shown = [p for p in present if p not in hidden]
            if not shown:
                continue
            total_hidden = total in hidden
            if (not total_hidden and len(hidden_parts) == 1) or (total_hidden and not hidden_parts):
                # Prefer a non-empty cell: withholding a known zero protects nothing.
                shown.sort(key=lambda p: (table.cells[p].cohort == 0, table.cells[p].cohort))
                hidden.add(shown[0])
                changed = True
    return hidden


def period_table(cells: Mapping[tuple[str, Hashable, str], Computed]) -> Table:
    """One period's cells of every indicator, keyed (indicator id, space or None for the
    operator, breakdown), with every additive relation among them, so that suppression sees
    them together: a withheld cell can be worked back out neither from its own indicator's
    other cells nor from another indicator's.

    - each additive indicator, and each rate whose numerator and cohort add up over spaces:
      its spaces add up to the operator's cell, per breakdown;
    - a rate's cohort is a count published elsewhere (`members`, a segment, the active
      members): the rate is withheld when that count is, or its cohort would give it back;
    - `members` is the sum of the segments of `members_by_segment` other than "gone" (those
      members are not counted any more), in each cell;
    - `drifting_members` repeats the "drifting" segment;
    - a part's use by all members (`offer_component_use`, its numerator) is the sum of its use
      by each segment (`offer_use_by_segment`); so is the sum of the members' shares of the
      offer (`offer_used_share` and `offer_used_share_by_segment`).
    """
    table = Table(dict(cells))
    spaces = sorted({key[1] for key in cells if key[1] is not None})
    for indicator_id in sorted({key[0] for key in cells}):
        indicator = REGISTRY[indicator_id]
        if not (indicator.additive or indicator.spaces_add_up):
            continue
        breakdowns = sorted({key[2] for key in cells if key[0] == indicator_id})
        for breakdown in breakdowns:
            parts = [(indicator_id, space, breakdown) for space in spaces]
            table.groups.append(((indicator_id, None, breakdown), parts))
    # A shown rate says its cohort: withheld with the count that its cohort is.
    for key in cells:
        indicator_id, place, breakdown = key
        count_id = REGISTRY[indicator_id].cohort_of
        if count_id:
            segment = breakdown.partition(":")[0] if REGISTRY[count_id].breakdowns else ""
            table.implies.append(((count_id, place, segment), key))
    living = [s for s in SEGMENT_KEYS if s != "gone"]
    for place in [None, *spaces]:
        segments = [("members_by_segment", place, s) for s in living]
        table.groups.append((("members", place, ""), segments))
        table.same.append(
            (("drifting_members", place, ""), ("members_by_segment", place, "drifting"))
        )
    for place in [None, *spaces]:
        # The members' shares add up: all members' sum is the sum of each segment's.
        by_segment = [("offer_used_share_by_segment", place, s) for s in SEGMENT_KEYS]
        table.groups.append((("offer_used_share", place, ""), by_segment))
    for indicator_id, place, part in cells:
        if indicator_id == "offer_component_use":
            by_segment = [("offer_use_by_segment", place, f"{s}:{part}") for s in SEGMENT_KEYS]
            table.groups.append(((indicator_id, place, part), by_segment))
    return table
