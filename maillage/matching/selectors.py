"""Reads of the matching app: members' features, their ties, and the people to meet.

Suggestions go through the profile gate (`maillage.members.access.visible_sections`): a member
is only suggested to a viewer who may see some of their profile, and a reason only cites a
section the viewer may see (offers, skills, needs, interests, availability).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from cachetools import TTLCache
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

from maillage.core.access import Viewer
from maillage.core.models import Member
from maillage.matching import reciprocal
from maillage.matching.models import Dismissal, MatchingPreference, RouletteSeat, Tie
from maillage.matching.reciprocal import PersonFeatures, Suggestion, Why
from maillage.members.access import visible_sections
from maillage.members.models import Interest, Offer, Profile, ProfileSkill, SkillConcept
from maillage.workspace.models import CheckIn

PRESENCE_WINDOW_DAYS = 56  # check-ins of the last eight weeks say where and when someone is
PRESENCE_MIN_DAYS = 2  # a (space, weekday) seen at least twice is a habit
SUGGESTIONS = 6
OVERFETCH = 4  # rank more than shown: the gate may hide some

# The profile section a reason reveals, about the suggested member.
REASON_SECTION = {
    Why.THEY_OFFER: "offers",
    Why.THEY_KNOW: "skills",
    Why.YOU_OFFER: "needs",
    Why.YOU_KNOW: "needs",
    Why.INTERESTS: "interests",
    Why.SAME_DAYS: "availability",
}


def opted_out_ids(operator_id: int) -> set[int]:
    return set(
        MatchingPreference.objects.filter(
            member__operator_id=operator_id, opted_out=True
        ).values_list("member_id", flat=True)
    )


FEATURES_CACHE_SECONDS = 120
# In process memory, not Django's cache: the local-memory cache pickles, and unpickling an
# operator's features (800 members) took 8 ms of every "people you should meet" card.
_FEATURES: TTLCache = TTLCache(maxsize=256, ttl=FEATURES_CACHE_SECONDS)
_FEATURES_LOCK = threading.Lock()


class _Community:
    """An operator's features, and the suggestion index over them (built when first asked)."""

    __slots__ = ("_index", "features")

    def __init__(self, features: dict) -> None:
        self.features = features
        self._index: reciprocal.SuggestionIndex | None = None

    @property
    def index(self) -> reciprocal.SuggestionIndex:
        if self._index is None:
            self._index = reciprocal.SuggestionIndex(self.features.values())
        return self._index


def features_for_operator(operator_id: int, *, today: dt.date | None = None) -> dict:
    """Every active member's `PersonFeatures`, cached briefly (the home page asks often).

    The key carries a stamp of the operator's profiles and opt-outs (count and latest change),
    so a profile saved or an opt-out is seen at once; offers, needs, skills and check-ins
    added without touching the profile show within FEATURES_CACHE_SECONDS."""
    return _community(operator_id, today=today).features


def _community(operator_id: int, *, today: dt.date | None = None) -> _Community:
    today = today or timezone.localdate()
    stamp = Profile.objects.filter(member__operator_id=operator_id).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    out_stamp = MatchingPreference.objects.filter(member__operator_id=operator_id).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    key = (operator_id, today, stamp["n"], stamp["last"], out_stamp["n"], out_stamp["last"])
    with _FEATURES_LOCK:
        found = _FEATURES.get(key)
    if found is None:
        found = _Community(_features_for_operator(operator_id, today))
        with _FEATURES_LOCK:
            _FEATURES[key] = found
    return found


def _features_for_operator(operator_id: int, today: dt.date) -> dict:
    profiles = dict(
        Profile.objects.filter(
            member__operator_id=operator_id, member__left_on__isnull=True
        ).values_list("member_id", "pk")
    )
    by_profile = {pk: member_id for member_id, pk in profiles.items()}
    offers: dict[int, set] = {}
    for profile_id, concept_id in Offer.skills.through.objects.filter(
        offer__profile_id__in=by_profile, offer__is_active=True
    ).values_list("offer__profile_id", "skillconcept_id"):
        offers.setdefault(by_profile[profile_id], set()).add(concept_id)
    needs: dict[int, set] = {}
    from maillage.members.models import Need

    for profile_id, concept_id in Need.skills.through.objects.filter(
        need__profile_id__in=by_profile, need__is_open=True
    ).values_list("need__profile_id", "skillconcept_id"):
        needs.setdefault(by_profile[profile_id], set()).add(concept_id)
    skills: dict[int, dict] = {}
    for profile_id, concept_id, level in ProfileSkill.objects.filter(
        profile_id__in=by_profile
    ).values_list("profile_id", "concept_id", "level"):
        skills.setdefault(by_profile[profile_id], {})[concept_id] = level
    interests: dict[int, set] = {}
    for profile_id, interest_id in Profile.interests.through.objects.filter(
        profile_id__in=by_profile
    ).values_list("profile_id", "interest_id"):
        interests.setdefault(by_profile[profile_id], set()).add(interest_id)
    presence: dict[int, dict] = {}
    since = today - dt.timedelta(days=PRESENCE_WINDOW_DAYS)
    for member_id, space_id, day in CheckIn.objects.filter(
        member_id__in=profiles, day__gte=since, day__lte=today
    ).values_list("member_id", "space_id", "day"):
        slots = presence.setdefault(member_id, {})
        slot = (space_id, day.weekday())
        slots[slot] = slots.get(slot, 0) + 1
    out_ids = opted_out_ids(operator_id)
    out = {}
    for member_id, company_id, listed, coffee, lunch in Profile.objects.filter(
        pk__in=by_profile
    ).values_list("member_id", "company_id", "listed", "open_to_coffee", "open_to_lunch"):
        out[member_id] = PersonFeatures(
            member_id=member_id,
            company_id=company_id,
            offers=frozenset(offers.get(member_id, ())),
            needs=frozenset(needs.get(member_id, ())),
            skills=skills.get(member_id, {}),
            interests=frozenset(interests.get(member_id, ())),
            presence=frozenset(
                s for s, n in presence.get(member_id, {}).items() if n >= PRESENCE_MIN_DAYS
            ),
            available=coffee or lunch,
            opted_out=member_id in out_ids or not listed,
        )
    return out


def _ties_rows(member_id: int):
    return Tie.objects.filter(Q(member_a_id=member_id) | Q(member_b_id=member_id)).values_list(
        "member_a_id", "member_b_id", "strength"
    )


def tie_strengths(member_id: int) -> dict[int, float]:
    return {(b if a == member_id else a): s for a, b, s in _ties_rows(member_id)}


def dismissed_of(member_id: int) -> dict[int, dt.datetime | None]:
    return dict(Dismissal.objects.filter(member_id=member_id).values_list("other_id", "until"))


@dataclass(frozen=True)
class PersonToMeet:
    member: Member
    profile: Profile
    score: float
    reason: str
    sections: frozenset[str]


def _labels(suggestions: list[Suggestion], language: str) -> dict:
    concept_ids, interest_ids = set(), set()
    for s in suggestions:
        for r in s.reasons:
            if r.code == Why.INTERESTS:
                interest_ids.update(r.items)
            elif r.code != Why.SAME_DAYS:
                concept_ids.update(r.items)
    english = language[:2] == "en"
    labels: dict[str, dict] = {"concepts": {}, "interests": {}}
    # Only the labels (a concept's row also holds its alternative labels and notes), and no
    # query when no reason names any.
    for key, model, ids in (
        ("concepts", SkillConcept, concept_ids),
        ("interests", Interest, interest_ids),
    ):
        if ids:
            for pk, fr, en in model.objects.filter(pk__in=ids).values_list(
                "pk", "label_fr", "label_en"
            ):
                labels[key][pk] = (en if english else fr) or fr
    return labels


def explain_for(
    suggestion: Suggestion,
    *,
    name: str,
    sections: frozenset[str],
    labels: dict,
    space_names: dict,
    language: str,
    asker: str | None = None,
) -> str:
    """One sentence, citing only what the viewer may see of the suggested member's profile;
    about `asker` rather than "you" when someone else reads it (staff)."""
    allowed = tuple(r for r in suggestion.reasons if REASON_SECTION.get(r.code) in sections)
    shown = Suggestion(
        suggestion.member_id, suggestion.score, suggestion.s_uv, suggestion.s_vu, allowed
    )
    # Interests and concepts share integer ids: each reason is labelled from its own table.
    text = reciprocal.explain(
        shown,
        "fr" if language.startswith("fr") else "en",
        name=name,
        labels=lambda i: labels["concepts"].get(i, str(i)),
        space_names=space_names,
        asker=asker,
        interest_labels=lambda i: labels["interests"].get(i, str(i)),
    )
    return text.replace("'", "’")


def people_to_meet(
    viewer: Viewer, *, k: int = SUGGESTIONS, only: int | None = None, asker: str | None = None
) -> list[PersonToMeet]:
    """The people the viewer's current member record should meet, best first, with reasons.

    `only`: compute the suggestion for that one member (the profile page's line), if any;
    `asker`: the member's name, when the reasons are read by someone else (staff)."""
    member = viewer.current
    if member is None:
        return []
    community = _community(member.operator_id)
    features = community.features
    me = features.get(member.pk)
    if me is None or me.opted_out:
        return []
    ties = tie_strengths(member.pk)
    dismissed = dismissed_of(member.pk)
    now = timezone.now()
    if only is not None:
        other = features.get(only)
        candidates = [other] if other is not None else []
        ranked = reciprocal.suggest(me, candidates, k=1, ties=ties, dismissed=dismissed, now=now)
    else:
        ranked = community.index.suggest(
            member.pk, k=k * OVERFETCH, ties=ties, dismissed=dismissed, now=now
        )
    if not ranked:
        return []
    profiles = {
        p.member_id: p
        for p in Profile.objects.filter(member_id__in=[s.member_id for s in ranked]).select_related(
            "member__user", "member__home_space", "member__operator", "company"
        )
    }
    language = translation.get_language() or "fr"
    labels = _labels(ranked, language)
    space_names = dict(member.operator.spaces.values_list("pk", "name"))
    out: list[PersonToMeet] = []
    for s in ranked:
        profile = profiles.get(s.member_id)
        if profile is None or profile.member.is_staff:
            continue  # the team runs the place: members meet them anyway, not as a suggestion
        sections = visible_sections(viewer, profile)
        if not sections:
            continue
        name = profile.member.user.get_short_name() or profile.member.user.email
        reason = explain_for(
            s,
            name=name,
            sections=sections,
            labels=labels,
            space_names=space_names,
            language=language,
            asker=asker,
        )
        out.append(PersonToMeet(profile.member, profile, s.score, reason, sections))
        if len(out) >= k:
            break
    return out


def roulette_seats_to_answer(member: Member, *, today: dt.date | None = None):
    """Past roulette meetings the member has not said whether they happened."""
    today = today or timezone.localdate()
    return (
        RouletteSeat.objects.filter(member=member, met__isnull=True, round__meet_on__lte=today)
        .select_related("round__space")
        .order_by("-round__meet_on")
    )


def group_of(seat: RouletteSeat) -> list[Member]:
    return [
        s.member
        for s in RouletteSeat.objects.filter(round_id=seat.round_id, group=seat.group)
        .exclude(member_id=seat.member_id)
        .select_related("member__user")
    ]
