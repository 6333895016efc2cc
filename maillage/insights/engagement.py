"""Engagement of each member from the activity ledger: level, trend, segment, reason. No Django.

The model follows the Orbit Model (Josh Dzielak and Patrick Woods, "The Orbit Model",
github.com/orbit-love/orbit-model, 2020): every activity adds *love* with a weight per kind,
recent activity counting more, and members sit in orbit levels by their love. Orbit level 1
(advocates, the closest) is our level 4 here: levels count up so that "higher" reads as "more".

    points(week)  = Σ_kind weight[kind] · count[kind, week]
    score         = Σ_{w < score_weeks} points(week w ago) · 2^(−7w / half_life_days)
                    + presence milestones reached in those weeks (days present ≥ 4, 12, 26, 39)

Presence counts through milestones, not per check-in, so a tenant who comes five days a week
cannot outscore a member who comes twice and takes part (presence alone reaches level 1).

Levels with hysteresis (a Schmitt trigger): a member moves up to a level when the score reaches
its `up` threshold and moves down from it only when the score falls below `down` = up × (1 −
margin), so a score wobbling around a threshold does not make the level flap. Without a stored
previous level, the level is replayed over the last `replay_weeks` weekly steps.

Segments are plain rules, in order (the first that holds wins):

1. gone — left, or no presence and no activity for `gone_after_days`;
2. newcomer — joined less than `newcomer_days` ago;
3. drifting — presence and community actions fell significantly against the member's own
   baseline: the recent rate is below `drift_max_ratio` × the baseline rate, after the
   cohort's seasonal change (holidays hit everybody), and a one-sided conditional binomial test
   of two Poisson rates (Przyborowski & Wilenski 1940) rejects "same rate" at `drift_alpha`;
4. coworker — present at least `coworker_min_presence_days` and at least
   `coworker_min_actions` community actions (events, exchange, help, meetings) in the window;
5. tenant — present at least `tenant_min_presence_days` in the window, without that;
6. occasional — some presence or activity, but less.

Input: one `MemberActivity` per member, counts by kind per week (week 0 = the seven days ending
on `as_of`). Cost: O(weeks × kinds) per member, O(1) extra memory; `engagement_many` streams.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

# Ledger kinds: the stored values of maillage.core.models.ActivityKind (no Django here).
JOINED = "joined"
CHECKED_IN = "checked_in"
BOOKED = "booked"
BOOKING_CANCELLED = "booking_cancelled"
GUEST_REGISTERED = "guest_registered"
RSVPED = "rsvped"
ATTENDED = "attended"
NO_SHOW = "no_show"
HOSTED = "hosted"
FEEDBACK_GIVEN = "feedback_given"
POSTED = "posted"
ANSWERED = "answered"
HELPED = "helped"
INTRODUCED = "introduced"
INTRODUCTION_ACCEPTED = "introduction_accepted"
OPPORTUNITY_RECEIVED = "opportunity_received"
OPPORTUNITY_ACCEPTED = "opportunity_accepted"
OUTCOME_RECORDED = "outcome_recorded"
PROFILE_COMPLETED = "profile_completed"
OFFER_PUBLISHED = "offer_published"
NEED_PUBLISHED = "need_published"
MET = "met"

# What counts as taking part in the community, by the group the reasons name.
EVENT_KINDS = frozenset({ATTENDED, HOSTED, FEEDBACK_GIVEN})
EXCHANGE_KINDS = frozenset(
    {
        POSTED,
        ANSWERED,
        INTRODUCED,
        INTRODUCTION_ACCEPTED,
        OPPORTUNITY_RECEIVED,
        OPPORTUNITY_ACCEPTED,
        OUTCOME_RECORDED,
    }
)
HELP_KINDS = frozenset({HELPED})
MEETING_KINDS = frozenset({MET})
COMMUNITY_KINDS = EVENT_KINDS | EXCHANGE_KINDS | HELP_KINDS | MEETING_KINDS

# Points per action (the Orbit Model's activity weights). Presence is scored by milestones.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        JOINED: 0.0,
        CHECKED_IN: 0.0,
        BOOKED: 0.5,
        BOOKING_CANCELLED: 0.0,
        GUEST_REGISTERED: 1.0,
        RSVPED: 0.0,  # an intention; attending is what counts
        ATTENDED: 3.0,
        NO_SHOW: 0.0,
        HOSTED: 8.0,
        FEEDBACK_GIVEN: 1.0,
        POSTED: 2.0,
        ANSWERED: 3.0,
        HELPED: 4.0,
        INTRODUCED: 4.0,
        INTRODUCTION_ACCEPTED: 2.0,
        OPPORTUNITY_RECEIVED: 1.0,
        OPPORTUNITY_ACCEPTED: 2.0,
        OUTCOME_RECORDED: 3.0,
        PROFILE_COMPLETED: 1.0,
        OFFER_PUBLISHED: 2.0,
        NEED_PUBLISHED: 1.0,
        MET: 2.0,
    }
)

LEVELS = ("inactive", "explorer", "participant", "contributor", "ambassador")
LEVEL_NAMES = {
    "en": ("inactive", "explorer", "participant", "contributor", "ambassador"),
    "fr": ("inactif", "explorateur", "participant", "contributeur", "ambassadeur"),
}

GONE = "gone"
NEWCOMER = "newcomer"
DRIFTING = "drifting"
COWORKER = "coworker"
TENANT = "tenant"
OCCASIONAL = "occasional"
SEGMENTS = (NEWCOMER, COWORKER, TENANT, OCCASIONAL, DRIFTING, GONE)
SEGMENT_NAMES = {
    "en": {
        NEWCOMER: "newcomer",
        COWORKER: "coworker",
        TENANT: "tenant",
        OCCASIONAL: "occasional",
        DRIFTING: "drifting away",
        GONE: "gone",
    },
    "fr": {
        NEWCOMER: "nouveau",
        COWORKER: "coworker",
        TENANT: "locataire",
        OCCASIONAL: "occasionnel",
        DRIFTING: "en train de s'éloigner",
        GONE: "parti",
    },
}

RISING, STEADY, FALLING = "rising", "steady", "falling"


class ConfigError(ValueError):
    """An engagement configuration that cannot work; the message says which value and why."""


@dataclass(frozen=True)
class EngagementConfig:
    """Everything an operator may tune, with the documented defaults (docs/indicators.md).

    Windows are whole weeks, counted back from the day of the computation (week 0 = the last
    seven days): 13 weeks ≈ 3 months.
    """

    weights: Mapping[str, float] = DEFAULT_WEIGHTS
    # (days present in the score window, points): cumulative milestones of presence
    presence_milestones: tuple[tuple[int, float], ...] = ((4, 2.0), (12, 2.0), (26, 2.0), (39, 2.0))
    score_weeks: int = 13
    half_life_days: float = 42.0
    # score needed to reach levels 1..4; a level is left below up × (1 − hysteresis)
    level_up: tuple[float, ...] = (2.0, 15.0, 40.0, 80.0)
    hysteresis: float = 0.25
    replay_weeks: int = 12
    # segments
    newcomer_days: int = 60
    gone_after_days: int = 60
    window_weeks: int = 13  # what "in the last N weeks" means for presence and community
    coworker_min_actions: int = 3
    coworker_min_presence_days: int = 1
    tenant_min_presence_days: int = 13
    drift_recent_weeks: int = 6
    drift_baseline_weeks: int = 14
    drift_min_baseline_weeks: int = 4
    drift_min_baseline_per_week: float = 1.0
    drift_max_ratio: float = 0.5
    drift_alpha: float = 0.1
    trend_threshold: float = 0.3  # a change of ±30 % of the rate is rising / falling

    def __post_init__(self) -> None:
        ups = self.level_up
        if len(ups) != len(LEVELS) - 1:
            raise ConfigError(f"level_up needs {len(LEVELS) - 1} thresholds (levels 1 to 4).")
        if any(b <= a for a, b in itertools.pairwise(ups)) or ups[0] <= 0:
            raise ConfigError("level_up thresholds must be positive and increasing.")
        if not 0 <= self.hysteresis < 1:
            raise ConfigError("hysteresis must be at least 0 and below 1 (a share of a threshold).")
        days = [d for d, _ in self.presence_milestones]
        if days != sorted(days) or any(d <= 0 for d in days):
            raise ConfigError("presence_milestones must have increasing, positive day counts.")
        for name in ("score_weeks", "window_weeks", "drift_recent_weeks", "drift_baseline_weeks"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1.")
        if self.half_life_days <= 0:
            raise ConfigError("half_life_days must be positive.")
        if not 0 < self.drift_max_ratio < 1:
            raise ConfigError("drift_max_ratio must be between 0 and 1.")
        if any(w < 0 for w in self.weights.values()):
            raise ConfigError("weights cannot be negative.")

    @functools.cached_property
    def level_down(self) -> tuple[float, ...]:
        return tuple(up * (1 - self.hysteresis) for up in self.level_up)

    @functools.cached_property
    def _milestones(self) -> list[float]:
        """Milestone points by days present, for 0 .. the last milestone's days."""
        last = self.presence_milestones[-1][0] if self.presence_milestones else 0
        return [
            sum(p for d, p in self.presence_milestones if days >= d) for days in range(last + 1)
        ]

    @property
    def weeks_needed(self) -> int:
        """How many weeks of history the computation reads."""
        return max(
            self.score_weeks + self.replay_weeks,
            self.window_weeks,
            self.drift_recent_weeks + self.drift_baseline_weeks,
        )

    def with_overrides(self, values: Mapping[str, object]) -> EngagementConfig:
        """This configuration with an operator's overrides (weights merge with the defaults)."""
        values = dict(values)
        if "weights" in values:
            values["weights"] = MappingProxyType({**self.weights, **dict(values["weights"])})
        for key in ("presence_milestones", "level_up"):
            if key in values:
                raw = values[key]
                values[key] = tuple(tuple(v) if isinstance(v, list) else v for v in raw)
        unknown = set(values) - set(self.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"Unknown engagement settings: {', '.join(sorted(unknown))}.")
        return replace(self, **values)


DEFAULT_CONFIG = EngagementConfig()


@dataclass(frozen=True, slots=True)
class MemberActivity:
    """One member's history, by week back from `as_of` (index 0 = the 7 days ending on it).

    `counts[kind][w]` is how many `kind` lines in week w; `presence[w]` how many distinct days
    the member checked in that week. Sequences may be shorter than the weeks needed (missing
    weeks count zero). `last_seen_on`: last day with a check-in or any other line.
    """

    member_id: int
    joined_on: dt.date
    counts: Mapping[str, Sequence[int]] = field(default_factory=dict)
    presence: Sequence[int] = ()
    last_seen_on: dt.date | None = None
    left_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class MemberEngagement:
    member_id: int
    level: int
    previous_level: int
    score: float
    trend: float  # relative change of the activity rate, recent vs baseline (−1 = stopped)
    segment: str
    reason_codes: tuple[tuple[str, int | float], ...]
    # What the member did in the window: days present, events, exchange, help, meetings,
    # hosted (events hosted), community (the four groups together).
    facts: Mapping[str, int] = field(default_factory=dict)

    @property
    def trend_label(self) -> str:
        return trend_label(self.trend)


def trend_label(trend: float, threshold: float = DEFAULT_CONFIG.trend_threshold) -> str:
    if trend >= threshold:
        return RISING
    if trend <= -threshold:
        return FALLING
    return STEADY


# --- levels ----------------------------------------------------------------------------------


def level_for(score: float, previous: int | None, config: EngagementConfig = DEFAULT_CONFIG) -> int:
    """The level for `score`, given the previous level (None: no history, no hysteresis).

    Up to the highest level whose `up` threshold the score reaches; down only while the score
    is below the current level's `down` threshold. O(levels).
    """
    up, down = config.level_up, config.level_down
    level = 0 if previous is None else max(0, min(previous, len(up)))
    while level < len(up) and score >= up[level]:
        level += 1
    if previous is not None:
        while level > 0 and score < down[level - 1]:
            level -= 1
    return level


def levels_over(
    scores: Iterable[float], config: EngagementConfig = DEFAULT_CONFIG, start: int | None = None
) -> list[int]:
    """The level after each score of a sequence, oldest first, hysteresis applied throughout."""
    out: list[int] = []
    level = start
    for score in scores:
        level = level_for(score, level, config)
        out.append(level)
    return out


# --- scores ----------------------------------------------------------------------------------


def weekly_points(activity: MemberActivity, weeks: int, config: EngagementConfig) -> list[float]:
    """Points earned each week (weights × counts), index 0 = the last seven days."""
    points = [0.0] * weeks
    weights = config.weights
    for kind, series in activity.counts.items():
        weight = weights.get(kind, 0.0)
        if not weight:
            continue
        for w in range(min(weeks, len(series))):
            if series[w]:
                points[w] += weight * series[w]
    return points


def milestone_points(days_present: int, config: EngagementConfig) -> float:
    table = config._milestones
    return table[min(max(0, days_present), len(table) - 1)]


def _padded(values: Sequence[int], length: int) -> list[int]:
    head = list(values[:length])
    return head + [0] * (length - len(head))


def scores_over(activity: MemberActivity, steps: int, config: EngagementConfig) -> list[float]:
    """The score at the end of each of the last `steps` + 1 weeks, oldest first (the last one
    is the score as of `as_of`). A sliding window: O(weeks) for all steps together."""
    span = config.score_weeks
    total = span + steps
    points = weekly_points(activity, total, config)
    presence = _padded(activity.presence, total)
    decay = 2 ** (-7 / config.half_life_days)
    oldest_weight = decay ** (span - 1)
    # The window ending `steps` weeks ago: weeks steps .. steps + span − 1.
    decayed = sum(points[steps + i] * decay**i for i in range(span))
    days = sum(presence[steps : steps + span])
    out = [decayed + milestone_points(int(days), config)]
    for end in range(steps - 1, -1, -1):
        # Slide one week towards today: everything ages a week, week `end` comes in and
        # week `end + span` goes out.
        decayed = points[end] + decay * (decayed - points[end + span] * oldest_weight)
        days += presence[end] - presence[end + span]
        out.append(max(0.0, decayed) + milestone_points(int(days), config))
    return out


def score(activity: MemberActivity, config: EngagementConfig = DEFAULT_CONFIG) -> float:
    return scores_over(activity, 0, config)[-1]


# --- rates, trend and drift ------------------------------------------------------------------


def _weeks_as_member(activity: MemberActivity, as_of: dt.date, first: int, last: int) -> int:
    """How many of weeks first..last (inclusive, weeks back) the member had joined for."""
    days_member = (as_of - activity.joined_on).days + 1
    whole_weeks = days_member // 7  # weeks entirely after joining
    return max(0, min(last, whole_weeks - 1) - first + 1)


def _activity_counts(activity: MemberActivity, weeks: int) -> list[int]:
    """Days present plus community actions, per week: what drift and trend compare."""
    out = _padded(activity.presence, weeks)
    for kind, series in activity.counts.items():
        if kind in COMMUNITY_KINDS:
            for w in range(min(weeks, len(series))):
                out[w] += series[w]
    return out


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p), summed term by term (k is small where it is used)."""
    if k >= n:
        return 1.0
    if p <= 0:
        return 1.0
    if p >= 1:
        return 0.0
    q = 1 - p
    term = q**n  # P(X = 0)
    if term == 0.0:  # underflow: go through logarithms
        log_term = n * math.log(q)
        total = 0.0
        for i in range(k + 1):
            total += math.exp(log_term)
            log_term += math.log((n - i) / (i + 1) * p / q)
        return min(1.0, total)
    total = term
    for i in range(k):
        term *= (n - i) / (i + 1) * p / q
        total += term
    return min(1.0, total)


@dataclass(frozen=True, slots=True)
class Drift:
    recent_per_week: float
    baseline_per_week: float
    ratio: float  # recent / (baseline × seasonality); 1 = as usual
    p_value: float
    baseline_weeks: int

    @property
    def trend(self) -> float:
        return self.ratio - 1.0


def drift(
    activity: MemberActivity,
    as_of: dt.date,
    config: EngagementConfig = DEFAULT_CONFIG,
    seasonality: float = 1.0,
) -> Drift | None:
    """Recent activity rate against the member's own baseline, or None without a baseline.

    `seasonality` is the cohort's recent/baseline ratio (e.g. 0.8 over Christmas): a member
    who dips like everybody else is not drifting."""
    recent_weeks = config.drift_recent_weeks
    base_first, base_last = recent_weeks, recent_weeks + config.drift_baseline_weeks - 1
    base_weeks = _weeks_as_member(activity, as_of, base_first, base_last)
    if base_weeks < config.drift_min_baseline_weeks:
        return None
    counts = _activity_counts(activity, base_last + 1)
    recent = sum(counts[:recent_weeks])
    # Only the baseline weeks the member had joined for (the most recent ones).
    baseline = sum(counts[base_first : base_first + base_weeks])
    recent_rate, base_rate = recent / recent_weeks, baseline / base_weeks
    expected = base_rate * max(seasonality, 1e-9)
    ratio = recent_rate / expected if expected > 0 else (1.0 if recent_rate == 0 else 2.0)
    # H0: the recent rate is the seasonal baseline rate; then, given both counts, the recent
    # count is Binomial(recent + baseline, p0).
    p0 = seasonality * recent_weeks / (seasonality * recent_weeks + base_weeks)
    p_value = binomial_cdf(recent, recent + baseline, p0) if ratio < 1 else 1.0
    return Drift(recent_rate, base_rate, ratio, p_value, base_weeks)


# --- segments and reasons --------------------------------------------------------------------


_GROUP_OF = {
    **dict.fromkeys(EVENT_KINDS, "events"),
    **dict.fromkeys(EXCHANGE_KINDS, "exchange"),
    **dict.fromkeys(HELP_KINDS, "help"),
    **dict.fromkeys(MEETING_KINDS, "meetings"),
}


def _window_sums(activity: MemberActivity, weeks: int) -> dict[str, int]:
    sums = {"presence": int(sum(activity.presence[:weeks])), "hosted": 0}
    sums.update(events=0, exchange=0, help=0, meetings=0)
    for kind, series in activity.counts.items():
        group = _GROUP_OF.get(kind)
        if group is not None:
            total = int(sum(series[:weeks]))
            sums[group] += total
            if kind == HOSTED:
                sums["hosted"] = total
    sums["community"] = sums["events"] + sums["exchange"] + sums["help"] + sums["meetings"]
    return sums


def _presence_reason(
    activity: MemberActivity, as_of: dt.date, config: EngagementConfig
) -> tuple[str, int | float]:
    """ "comes N days a week" from the median week since joining, or days a month if rarer."""
    weeks = max(1, min(config.window_weeks, _weeks_as_member(activity, as_of, 0, 10**6)))
    series = sorted(_padded(activity.presence, weeks))
    median = (
        series[len(series) // 2]
        if len(series) % 2
        else ((series[len(series) // 2 - 1] + series[len(series) // 2]) / 2)
    )
    if median >= 1:
        return ("days_per_week", round(median))
    per_month = sum(series) * 30 / (weeks * 7)
    if per_month >= 1:
        return ("days_per_month", round(per_month))
    return ("days_in_window", sum(series))


def segment_and_reasons(
    activity: MemberActivity,
    as_of: dt.date,
    config: EngagementConfig = DEFAULT_CONFIG,
    seasonality: float = 1.0,
    member_drift: Drift | None = None,
    sums: Mapping[str, int] | None = None,
) -> tuple[str, tuple[tuple[str, int | float], ...]]:
    if activity.left_on is not None and activity.left_on <= as_of:
        return GONE, (("left_days_ago", (as_of - activity.left_on).days),)
    joined_days = (as_of - activity.joined_on).days
    last_seen = activity.last_seen_on
    absent_days = (as_of - last_seen).days if last_seen is not None else joined_days
    if absent_days >= config.gone_after_days and joined_days >= config.gone_after_days:
        return GONE, (("absent_days", absent_days),)
    if sums is None:
        sums = _window_sums(activity, config.window_weeks)
    if joined_days < config.newcomer_days:
        reasons: list[tuple[str, int | float]] = [("joined_days_ago", joined_days)]
        reasons.append(("events", sums["events"]))
        reasons.append(("exchange", sums["exchange"] + sums["help"]))
        return NEWCOMER, tuple(reasons)
    if member_drift is None:
        member_drift = drift(activity, as_of, config, seasonality)
    presence = _presence_reason(activity, as_of, config)
    if (
        member_drift is not None
        and member_drift.baseline_per_week >= config.drift_min_baseline_per_week
        and member_drift.ratio < config.drift_max_ratio
        and member_drift.p_value < config.drift_alpha
    ):
        return DRIFTING, (
            ("was_per_week", round(member_drift.baseline_per_week, 1)),
            ("now_per_week", round(member_drift.recent_per_week, 1)),
            ("recent_weeks", config.drift_recent_weeks),
        )
    community: list[tuple[str, int | float]] = [
        (group, sums[group]) if sums[group] else (f"no_{group}", 0)
        for group in ("events", "exchange", "help")
    ]
    if sums["meetings"]:
        community.append(("meetings", sums["meetings"]))
    window = ("window_weeks", config.window_weeks)
    if (
        sums["presence"] >= config.coworker_min_presence_days
        and sums["community"] >= config.coworker_min_actions
    ):
        hosted = [("hosted", sums["hosted"])] if sums["hosted"] else []
        kept = [c for c in community if not c[0].startswith("no_")]
        return COWORKER, (presence, *kept, *hosted, window)
    if sums["presence"] >= config.tenant_min_presence_days:
        return TENANT, (presence, *community, window)
    return OCCASIONAL, (presence, ("community", sums["community"]), window)


def engagement(
    activity: MemberActivity,
    as_of: dt.date,
    config: EngagementConfig = DEFAULT_CONFIG,
    *,
    previous_level: int | None = None,
    seasonality: float = 1.0,
) -> MemberEngagement:
    """A member's engagement as of `as_of` (the last day of week 0).

    With `previous_level` (the last stored level), hysteresis starts from it; without, the
    level is replayed over the last `replay_weeks` weeks, from no level."""
    if previous_level is None:
        scores = scores_over(activity, config.replay_weeks, config)
        levels = levels_over(scores, config)
        level, previous_level, current = levels[-1], levels[-2], scores[-1]
    else:
        current = score(activity, config)
        level = level_for(current, previous_level, config)
    member_drift = drift(activity, as_of, config, seasonality)
    sums = _window_sums(activity, config.window_weeks)
    segment, reasons = segment_and_reasons(activity, as_of, config, seasonality, member_drift, sums)
    return MemberEngagement(
        member_id=activity.member_id,
        level=level,
        previous_level=previous_level,
        score=round(current, 3),
        trend=round(member_drift.trend, 3) if member_drift is not None else 0.0,
        segment=segment,
        reason_codes=reasons,
        facts=sums,
    )


def engagement_many(
    activities: Iterable[MemberActivity],
    as_of: dt.date,
    config: EngagementConfig = DEFAULT_CONFIG,
    *,
    previous_levels: Mapping[int, int] | None = None,
    seasonality: float | Mapping[int, float] = 1.0,
) -> Iterator[MemberEngagement]:
    """`engagement` for each member, streamed; `seasonality` may be per member id."""
    previous_levels = previous_levels or {}
    for activity in activities:
        season = (
            seasonality
            if isinstance(seasonality, int | float)
            else seasonality.get(activity.member_id, 1.0)
        )
        yield engagement(
            activity,
            as_of,
            config,
            previous_level=previous_levels.get(activity.member_id),
            seasonality=season,
        )


def seasonality(
    activities: Iterable[MemberActivity], as_of: dt.date, config: EngagementConfig = DEFAULT_CONFIG
) -> float:
    """The cohort's recent/baseline ratio of days present, per week, among members who were
    there for the whole baseline and have not left: what an ordinary member's ratio is now."""
    recent = baseline = 0
    first, last = config.drift_recent_weeks, config.drift_recent_weeks + config.drift_baseline_weeks
    for activity in activities:
        if activity.left_on is not None and activity.left_on <= as_of:
            continue
        if _weeks_as_member(activity, as_of, first, last - 1) < config.drift_baseline_weeks:
            continue
        recent += sum(activity.presence[:first])
        baseline += sum(activity.presence[first:last])
    if not baseline or not recent:
        return 1.0
    return (recent / config.drift_recent_weeks) / (baseline / config.drift_baseline_weeks)


# --- building the input from days -------------------------------------------------------------


def activity_from_days(
    member_id: int,
    days: Mapping[dt.date, Mapping[str, int]],
    as_of: dt.date,
    *,
    joined_on: dt.date,
    left_on: dt.date | None = None,
    weeks: int | None = None,
    config: EngagementConfig = DEFAULT_CONFIG,
) -> MemberActivity:
    """A `MemberActivity` from counts per day ({date: {kind: n}}); later days are ignored."""
    weeks = weeks or config.weeks_needed
    counts: dict[str, list[int]] = {}
    presence = [0] * weeks
    last_seen = None
    for day, by_kind in days.items():
        back = (as_of - day).days
        if back < 0:
            continue
        if any(n for kind, n in by_kind.items() if kind != JOINED):
            last_seen = day if last_seen is None or day > last_seen else last_seen
        week = back // 7
        if week >= weeks:
            continue
        for kind, n in by_kind.items():
            if not n:
                continue
            counts.setdefault(kind, [0] * weeks)[week] += n
            if kind == CHECKED_IN:
                presence[week] += 1
    return MemberActivity(
        member_id=member_id,
        joined_on=joined_on,
        counts=counts,
        presence=presence,
        last_seen_on=last_seen,
        left_on=left_on,
    )


# --- reasons in words ------------------------------------------------------------------------

# Each code's phrase for a count of zero, one, and more; {n} is the count.
_PHRASES = {
    "en": {
        "left_days_ago": ("left today", "left {n} day ago", "left {n} days ago"),
        "absent_days": ("not seen today", "not seen for {n} day", "not seen for {n} days"),
        "joined_days_ago": ("joined today", "joined {n} day ago", "joined {n} days ago"),
        "days_per_week": (
            "comes less than a day a week",
            "comes {n} day a week",
            "comes {n} days a week",
        ),
        "days_per_month": (
            "comes less than a day a month",
            "comes {n} day a month",
            "comes {n} days a month",
        ),
        "days_in_window": ("no presence", "came {n} day", "came {n} days"),
        "events": ("no event", "{n} event", "{n} events"),
        "exchange": ("no exchange", "{n} exchange", "{n} exchanges"),
        "help": ("no help given", "helped {n} time", "helped {n} times"),
        "meetings": ("no meeting", "met {n} member", "met {n} members"),
        "hosted": ("hosted nothing", "hosted {n} event", "hosted {n} events"),
        "community": ("no community activity", "{n} community action", "{n} community actions"),
        "drift": "active {was} times a week before, {now} over the last {weeks} weeks",
        "in_weeks": ("", " in {n} week", " in {n} weeks"),
        "in_months": ("", " in {n} month", " in {n} months"),
        "separator": "; ",
    },
    "fr": {
        "left_days_ago": ("parti aujourd'hui", "parti il y a {n} jour", "parti il y a {n} jours"),
        "absent_days": ("pas vu aujourd'hui", "pas vu depuis {n} jour", "pas vu depuis {n} jours"),
        "joined_days_ago": (
            "arrivé aujourd'hui",
            "arrivé il y a {n} jour",
            "arrivé il y a {n} jours",
        ),
        "days_per_week": (
            "vient moins d'un jour par semaine",
            "vient {n} jour par semaine",
            "vient {n} jours par semaine",
        ),
        "days_per_month": (
            "vient moins d'un jour par mois",
            "vient {n} jour par mois",
            "vient {n} jours par mois",
        ),
        "days_in_window": ("aucune présence", "venu {n} jour", "venu {n} jours"),
        "events": ("aucun événement", "{n} événement", "{n} événements"),
        "exchange": ("aucun échange", "{n} échange", "{n} échanges"),
        "help": ("aucune aide donnée", "a aidé {n} fois", "a aidé {n} fois"),
        "meetings": ("aucune rencontre", "a rencontré {n} membre", "a rencontré {n} membres"),
        "hosted": ("n'a rien animé", "a animé {n} événement", "a animé {n} événements"),
        "community": (
            "aucune activité collective",
            "{n} action collective",
            "{n} actions collectives",
        ),
        "drift": "actif {was} fois par semaine avant, {now} sur les {weeks} dernières semaines",
        "in_weeks": ("", " en {n} semaine", " en {n} semaines"),
        "in_months": ("", " en {n} mois", " en {n} mois"),
        "separator": " ; ",
    },
}
_FIRST_CLAUSE = {
    "left_days_ago",
    "absent_days",
    "joined_days_ago",
    "days_per_week",
    "days_per_month",
    "days_in_window",
}
_COMMUNITY_CLAUSE = {"events", "exchange", "help", "meetings", "hosted", "community"}


def _number(value: int | float, lang: str) -> str:
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang == "fr" else text
    return str(int(value))


def _plural(forms: tuple[str, str, str], value: int | float, lang: str) -> str:
    index = 0 if value == 0 else (1 if value == 1 else 2)
    return forms[index].format(n=_number(value, lang))


def reason(
    engagement_or_codes: MemberEngagement | Sequence[tuple[str, int | float]], lang: str = "fr"
) -> str:
    """The reason for a segment as a short sentence a manager can read aloud, e.g.
    "comes 4 days a week; no event, no exchange, no help given in 3 months"."""
    words = _PHRASES.get(lang) or _PHRASES["en"]
    lang = lang if lang in _PHRASES else "en"
    codes = dict(
        engagement_or_codes.reason_codes
        if isinstance(engagement_or_codes, MemberEngagement)
        else engagement_or_codes
    )
    first = [_plural(words[c], v, lang) for c, v in codes.items() if c in _FIRST_CLAUSE]
    community = [
        _plural(words[c], v, lang) if c in _COMMUNITY_CLAUSE else _plural(words[c[3:]], 0, lang)
        for c, v in codes.items()
        if c in _COMMUNITY_CLAUSE or c.startswith("no_")
    ]
    clauses = [", ".join(first)] if first else []
    if community:
        clause = ", ".join(community)
        weeks = codes.get("window_weeks")
        if weeks:
            clause += (
                _plural(words["in_months"], weeks * 3 // 13, lang)
                if weeks % 13 == 0
                else _plural(words["in_weeks"], weeks, lang)
            )
        clauses.append(clause)
    if "was_per_week" in codes:
        clauses.append(
            words["drift"].format(
                was=_number(codes["was_per_week"], lang),
                now=_number(codes["now_per_week"], lang),
                weeks=_number(codes.get("recent_weeks", 0), lang),
            )
        )
    return words["separator"].join(clauses)


def level_name(level: int, lang: str = "fr") -> str:
    return LEVEL_NAMES.get(lang, LEVEL_NAMES["en"])[level]


def segment_name(segment: str, lang: str = "fr") -> str:
    return SEGMENT_NAMES.get(lang, SEGMENT_NAMES["en"])[segment]
