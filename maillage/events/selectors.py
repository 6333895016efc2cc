"""Reads of events for the pages: lists, who is going, no-show rates, and the ranked
"events for you" of the home page. Each takes what an access gate returned and makes a fixed
number of queries, whatever the number of events or people.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from cachetools import TTLCache
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core import sql
from maillage.core.access import Viewer
from maillage.core.collation import name_key
from maillage.core.models import Member, Space
from maillage.events import ranking
from maillage.events.access import visible_q
from maillage.events.models import (
    Attendance,
    Encounter,
    Event,
    EventStatus,
    EventVisibility,
    Feedback,
    Rsvp,
    RsvpStatus,
)
from maillage.members.models import Interest, Profile, ProfileSkill
from maillage.workspace.models import Resource

FOR_YOU_WEEKS = 6
# Candidates ranked for the home page: the member's own space first, then the rest of
# their operator, then the network; each capped, soonest first (see `for_you`).
CANDIDATES_HOME, CANDIDATES_OPERATOR, CANDIDATES_NETWORK = 40, 60, 40
KNOWN_FROM_LAST_DAYS = 365


def upcoming_for_viewer(
    viewer: Viewer,
    *,
    space_id: int | None = None,
    kind: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Event]:
    now = now or timezone.now()
    events = Event.objects.filter(visible_q(viewer), ends_at__gt=now)
    if space_id:
        events = events.filter(space_id=space_id)
    if kind:
        events = events.filter(kind=kind)
    return events.select_related("space", "room").order_by("starts_at", "pk")


def waiting_ahead(rsvp: Rsvp) -> int:
    """How many people are before this answer on its event's waiting list: places go to the
    list in that order (`services.rsvps.promote`)."""
    if rsvp.waitlisted_at is None:
        return 0
    return (
        Rsvp.objects.filter(event_id=rsvp.event_id, status=RsvpStatus.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=rsvp.waitlisted_at)
            | Q(waitlisted_at=rsvp.waitlisted_at, pk__lt=rsvp.pk)
        )
        .count()
    )


def answers_of(member: Member | None, events) -> dict[int, Rsvp]:
    if member is None:
        return {}
    ids = [e.pk for e in events]
    return {r.event_id: r for r in Rsvp.objects.filter(member=member, event_id__in=ids)}


def member_events(member: Member, *, now: dt.datetime | None = None) -> dict[str, list]:
    """A member's events: coming (answered or hosted), proposals, and past ones that wait
    for their feedback."""
    now = now or timezone.now()
    answered = Q(rsvps__member=member, rsvps__status__in=(
        RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLISTED))  # fmt: skip
    coming = list(
        Event.objects.filter(answered | Q(hosts=member), ends_at__gt=now)
        .exclude(status__in=(EventStatus.PROPOSED, EventStatus.DECLINED))
        .select_related("space", "room")
        .distinct()
        .order_by("starts_at")[:50]
    )
    proposals = list(
        Event.objects.filter(
            proposed_by=member,
            status__in=(EventStatus.PROPOSED, EventStatus.DECLINED),
            ends_at__gt=now,
        )
        .select_related("space")
        .order_by("starts_at")
    )
    given = Feedback.objects.filter(member=member).values("event_id")
    to_review = list(
        Event.objects.filter(
            rsvps__member=member,
            rsvps__status=RsvpStatus.GOING,
            status=EventStatus.PUBLISHED,
            ends_at__lte=now,
            ends_at__gte=now - dt.timedelta(days=30),
        )
        .exclude(rsvps__member=member, rsvps__attendance=Attendance.NO_SHOW)
        .exclude(pk__in=given)
        .select_related("space")
        .distinct()
        .order_by("-starts_at")[:10]
    )
    return {"coming": coming, "proposals": proposals, "to_review": to_review}


def people_going(event: Event, viewer: Viewer) -> dict:
    """Who is going, as the viewer may see it: names for the event's own community (and
    the hosts, for everyone); counts for the others."""
    rsvps = list(
        Rsvp.objects.filter(event=event, status__in=(RsvpStatus.GOING, RsvpStatus.WAITLISTED))
        .select_related("member__user")
        .order_by("created_at")
    )
    same_community = viewer.record_for(event.operator_id) is not None
    going = [r for r in rsvps if r.status == RsvpStatus.GOING]
    return {
        "names": [r for r in going if r.member_id] if same_community else [],
        "visitors": sum(1 for r in going if not r.member_id),
        "waitlist": [r for r in rsvps if r.status == RsvpStatus.WAITLISTED],
    }


def attendance_sheet(event: Event) -> dict:
    """The attendance list: going first (then the waiting list, then maybe), by name, with
    each member's no-show rate over their past events."""
    rsvps = list(
        Rsvp.objects.filter(event=event)
        .exclude(status__in=(RsvpStatus.NOT_GOING, RsvpStatus.PENDING))
        .select_related("member__user", "member__home_space")
    )
    order = {RsvpStatus.GOING: 0, RsvpStatus.WAITLISTED: 1, RsvpStatus.MAYBE: 2}
    rsvps.sort(key=lambda r: (order.get(r.status, 3), name_key(r.display_name)))
    rates = member_no_show_rates([r.member_id for r in rsvps if r.member_id])
    for r in rsvps:
        r.no_show_rate = rates.get(r.member_id)
    going = [r for r in rsvps if r.status == RsvpStatus.GOING]
    present = sum(1 for r in going if r.attendance == Attendance.ATTENDED)
    return {
        "rows": rsvps,
        "going": len(going),
        "present": present,
        "present_people": sum(r.seats for r in going if r.attendance == Attendance.ATTENDED),
        "rate": event_no_show_rate(event),
    }


def event_no_show_rate(event: Event) -> float | None:
    """No-shows among the people (members and visitors) who said they were going, once
    attendance is closed; None before."""
    if event.attendance_closed_at is None:
        return None
    row = Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).aggregate(
        no_show=Count("id", filter=Q(attendance=Attendance.NO_SHOW)),
        total=Count("id", filter=Q(attendance__in=(Attendance.NO_SHOW, Attendance.ATTENDED))),
    )
    return row["no_show"] / row["total"] if row["total"] else None


def member_no_show_rates(member_ids: list[int]) -> dict[int, float]:
    """Each member's share of no-shows over their events whose attendance was closed."""
    rows = (
        Rsvp.objects.filter(
            member_id__in=member_ids,
            attendance__in=(Attendance.NO_SHOW, Attendance.ATTENDED),
        )
        .values("member_id")
        .annotate(no_show=Count("id", filter=Q(attendance=Attendance.NO_SHOW)), total=Count("id"))
    )
    return {r["member_id"]: r["no_show"] / r["total"] for r in rows if r["total"]}


def staff_lists(events: QuerySet[Event], *, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    events = events.select_related("space", "room", "proposed_by__user", "booking")
    proposals = list(
        events.filter(status=EventStatus.PROPOSED, ends_at__gt=now).order_by("starts_at")
    )
    upcoming = list(
        events.filter(ends_at__gt=now)
        .exclude(status__in=(EventStatus.PROPOSED, EventStatus.DECLINED))
        .order_by("starts_at")[:40]
    )
    past = list(
        events.filter(ends_at__lte=now, status=EventStatus.PUBLISHED)
        .annotate(rating=Avg("feedback__rating"), ratings=Count("feedback"))
        .order_by("-starts_at")[:30]
    )
    rates = _no_show_rates([e.pk for e in past])
    for event in past:
        event.no_show_rate = rates.get(event.pk)
    for event in upcoming:
        event.room_missing = event.room_id is not None and (
            event.booking is None or not event.booking.is_confirmed
        ) and event.is_published  # fmt: skip
    return {
        "proposals": proposals,
        "upcoming": upcoming,
        "past": past,
        "frequent_no_shows": frequent_no_shows(events, now=now),
    }


def frequent_no_shows(events: QuerySet[Event], *, now: dt.datetime, limit: int = 8) -> list:
    """Members who often said they would come and did not, over the last six months of these
    events (at least three events with attendance taken): someone to talk to, kindly."""
    rows = (
        Rsvp.objects.filter(
            event__in=events.filter(starts_at__gte=now - dt.timedelta(days=183)),
            member__isnull=False,
            attendance__in=(Attendance.NO_SHOW, Attendance.ATTENDED),
        )
        .values("member_id", "member__user__full_name")
        .annotate(no_show=Count("id", filter=Q(attendance=Attendance.NO_SHOW)), total=Count("id"))
        .filter(total__gte=3, no_show__gte=1)
    )
    ranked = sorted(rows, key=lambda r: (-r["no_show"] / r["total"], -r["total"]))[:limit]
    for row in ranked:
        row["rate_label"] = ratio_label(row["no_show"] / row["total"])
    return ranked


def _no_show_rates(event_ids: list[int]) -> dict[int, float | None]:
    rows = (
        Rsvp.objects.filter(event_id__in=event_ids, status=RsvpStatus.GOING)
        .values("event_id")
        .annotate(
            no_show=Count("id", filter=Q(attendance=Attendance.NO_SHOW)),
            total=Count("id", filter=Q(attendance__in=(Attendance.NO_SHOW, Attendance.ATTENDED))),
        )
    )
    return {r["event_id"]: (r["no_show"] / r["total"] if r["total"] else None) for r in rows}


# --- the home page: events for you ------------------------------------------------------


@dataclass
class ForYou:
    event: Event
    score: float
    reasons: list[str] = field(default_factory=list)


def member_features(member: Member, *, now: dt.datetime) -> ranking.MemberFeatures:
    """What ranking knows of a member: interests, skills, the event types they came to, and
    the people they already met at events (co-attendance and "who did you meet?").
    Two queries."""
    interests = Profile.interests.through.objects.filter(profile__member=member).annotate(
        k=Value("i")
    )
    skills = ProfileSkill.objects.filter(profile__member=member).annotate(k=Value("s"))
    tags = interests.values_list("k", "interest_id").union(
        skills.values_list("k", "concept_id"), all=True
    )
    mine: dict[str, set[int]] = {"i": set(), "s": set()}
    for k, pk in tags:
        mine[k].add(pk)
    # The events they came to in the last year; everyone who came to them, themselves
    # included (their own rows give the types of event), and whom they said they met.
    since = now - dt.timedelta(days=KNOWN_FROM_LAST_DAYS)
    attended = (
        Rsvp.objects.filter(
            member=member, attendance=Attendance.ATTENDED, event__ends_at__gte=since
        )
        .order_by("-event__starts_at")
        .values("event_id")[:200]
    )
    together = Rsvp.objects.filter(
        event_id__in=attended, attendance=Attendance.ATTENDED, member__isnull=False
    ).values_list("member_id", "event__kind")
    said_met = (
        Encounter.objects.filter(member=member)
        .annotate(kind=Value(""))
        .values_list("other_id", "kind")
    )
    kinds: Counter[str] = Counter()
    known: set[int] = set()
    for member_id, kind in together.union(said_met, all=True):
        if member_id == member.pk:
            kinds[kind] += 1
        else:
            known.add(member_id)
    return ranking.MemberFeatures(
        member_id=member.pk,
        operator_id=member.operator_id,
        home_space_id=member.home_space_id,
        interests=frozenset(mine["i"]),
        skills=frozenset(mine["s"]),
        kinds=dict(kinds),
        known=frozenset(known),
    )


_CANDIDATE_FIELDS = ("pk", "operator_id", "space_id", "kind", "starts_at", "capacity",
                     "going_count", "features", "series_id")  # fmt: skip
MAX_PER_KIND = 2


def _candidates(member: Member, now: dt.datetime) -> list[_Candidate]:
    """The events worth ranking, in one query: the soonest of the member's own space (and
    across their operator's spaces), of the rest of their operator, and of the network, each
    group capped (an index range scan with a LIMIT each, as subqueries), with their ranking
    features built once."""
    horizon = now + dt.timedelta(weeks=FOR_YOU_WEEKS)
    base = Event.objects.filter(
        status=EventStatus.PUBLISHED, starts_at__gt=now, starts_at__lt=horizon
    ).order_by("starts_at")
    own = base.filter(operator_id=member.operator_id)
    home = own.filter(Q(space_id=member.home_space_id) | Q(space__isnull=True))
    rest = own.exclude(space_id=member.home_space_id).exclude(space__isnull=True)
    network = base.filter(visibility__in=(EventVisibility.NETWORK, EventVisibility.PUBLIC)).exclude(
        operator_id=member.operator_id
    )
    rows = Event.objects.filter(
        Q(pk__in=home.values("pk")[:CANDIDATES_HOME])
        | Q(pk__in=rest.values("pk")[:CANDIDATES_OPERATOR])
        | Q(pk__in=network.values("pk")[:CANDIDATES_NETWORK])
    ).values_list(*_CANDIDATE_FIELDS)
    return [
        _Candidate(
            pk,
            operator_id,
            space_id,
            kind,
            starts_at,
            frozenset((f := features or {}).get("interests", ())),
            frozenset(f.get("skills", ())),
            frozenset(f.get("host_skills", ())),
            frozenset(f.get("going", ())),
            capacity is not None and going_count >= capacity,
            series_id,
        )
        for pk, operator_id, space_id, kind, starts_at, capacity, going_count, features, series_id in rows
    ]


class _Candidate(NamedTuple):
    """An event worth ranking, as the pool keeps it: `EventFeatures` but for the hours left."""

    pk: int
    operator_id: int
    space_id: int | None
    kind: str
    starts_at: dt.datetime
    interests: frozenset[int]
    skills: frozenset[int]
    host_skills: frozenset[int]
    going: frozenset[int]
    full: bool
    series_id: int | None


# The candidates depend on the member's operator and home space only, so the members of a
# space share them: each process keeps them in memory for `POOL_SECONDS`, under a generation
# (in Django's cache, so shared by the processes when the cache is) that every change of an
# event (created, published, moved, cancelled: see `pool_touch`) renews. RSVPs do not renew
# it: the seats and who is going, which only weigh in the ranking, may be up to
# `POOL_SECONDS` old; what is shown is read afresh. In memory rather than in Django's cache:
# the local-memory cache pickles, and unpickling a pool took 0.26 ms of every home page.
POOL_SECONDS = 60
POOL_MAX = 2_000  # spaces whose pool a process keeps (one each: a new generation replaces it)
_POOL_GENERATION = "events:pool:generation"
_pools: TTLCache = TTLCache(maxsize=POOL_MAX, ttl=POOL_SECONDS)
_pools_lock = threading.Lock()


def _generation() -> str | None:
    """The pools' generation; a new one if the cache has none (e.g. cleared): never a value
    an older pool in memory could have been kept under. None if the cache keeps nothing
    (a dummy cache, or one that is down): then nothing is kept either."""
    import time

    generation = cache.get(_POOL_GENERATION)
    if generation is None:
        cache.add(_POOL_GENERATION, str(time.time_ns()), None)
        generation = cache.get(_POOL_GENERATION)
    return generation


def pool_touch() -> None:
    """Forget every cached candidate pool (at once, and again when the transaction commits,
    so that no process keeps what it read in between)."""
    import time

    from django.db import transaction

    def renew() -> None:
        cache.set(_POOL_GENERATION, str(time.time_ns()), None)

    renew()
    transaction.on_commit(renew)


FEATURES_SECONDS = 300


def _member_features_cached(
    member: Member, now: dt.datetime, *, cached: bool
) -> ranking.MemberFeatures:
    """`member_features`, kept `FEATURES_SECONDS` per member (interests, skills and the
    people met change slowly; the same generation as the pool)."""
    generation = _generation() if cached else None
    if generation is None:
        return member_features(member, now=now)
    key = f"events:features:{generation}:{member.pk}"
    features = cache.get(key)
    if features is None:
        features = member_features(member, now=now)
        cache.set(key, features, FEATURES_SECONDS)
    return features


def _candidate_pool(member: Member, now: dt.datetime, *, cached: bool) -> list[_Candidate]:
    generation = _generation() if cached else None
    if generation is None:
        return _candidates(member, now)
    # One entry per space, with the generation it was read under: a new generation replaces
    # it (rather than adding one more pool per event saved until they expire).
    key = (member.operator_id, member.home_space_id or 0)
    with _pools_lock:
        kept = _pools.get(key)
    if kept is not None and kept[0] == generation:
        pool = kept[1]
    else:
        pool = tuple(_candidates(member, now))
        with _pools_lock:
            _pools[key] = (generation, pool)
    return [row for row in pool if row.starts_at > now]


def for_you(member: Member, *, k: int = 4, now: dt.datetime | None = None) -> dict:
    """The `k` upcoming events a member has not answered yet, chosen by their rank for them
    (`maillage.events.ranking`) and listed by date, with the reasons in words; and how many
    they are going to.
    Five queries cold, two when the space's candidates and the member's features are cached
    (see `POOL_SECONDS`, `FEATURES_SECONDS`), whatever the number of events and members.
    With an explicit `now` nothing cached is used."""
    cached = now is None
    now = now or timezone.now()
    candidates = _candidate_pool(member, now, cached=cached)
    answered = _answers_to_come(member, now)
    going_to = sum(1 for s in answered.values() if s in (RsvpStatus.GOING, RsvpStatus.WAITLISTED))
    features = _member_features_cached(member, now, cached=cached)
    events = [
        ranking.EventFeatures(
            c.pk,
            c.operator_id,
            c.space_id,
            c.kind,
            (c.starts_at - now).total_seconds() / 3600,
            c.interests,
            c.skills,
            c.host_skills,
            c.going,
            c.full,
            c.series_id,
        )
        for c in candidates
        if c.pk not in answered
    ]
    best = ranking.rank(features, events, k, max_per_kind=MAX_PER_KIND)
    # Read afresh, and only what is still published and to come (the pool may be a minute old).
    shown = _published_to_come([s.event_id for s in best], now)
    best = [s for s in best if s.event_id in shown]
    wanted = {i for s in best for i in (shown[s.event_id].features or {}).get("interests", ())}
    wanted &= features.interests
    labels = {pk: _interest_label(pk) for pk in wanted}
    items = []
    for scored in best:
        event = shown[scored.event_id]
        shared = [labels[i] for i in event.features.get("interests", ()) if i in labels]
        items.append(ForYou(event=event, score=scored.score, reasons=_reasons(scored, shared)))
    # Chosen by rank, shown by date: a list of dates that jumps back and forth reads as wrong.
    items.sort(key=lambda item: (item.event.starts_at, item.event.pk))
    return {"items": items, "going_to": going_to}


# The two reads of every home page, written in SQL once per process (see maillage/core/sql.py):
# the ORM took longer to compile them than the database to answer.


@functools.cache
def _answers_sql(vendor: str) -> str:
    col = sql.column
    return (
        f"SELECT {col(Rsvp, 'event', 'r')}, {col(Rsvp, 'status', 'r')} "  # noqa: S608
        f"FROM {sql.table(Rsvp, 'r')} {sql.join(Event, 'e', col(Rsvp, 'event', 'r'))} "
        f"WHERE {col(Rsvp, 'member', 'r')} = %s AND {col(Event, 'starts_at', 'e')} > %s "
        f"AND {col(Event, 'status', 'e')} = %s"
    )


def _answers_to_come(member: Member, now: dt.datetime) -> dict[int, str]:
    """The member's answers to the published events still to come: event id → status."""
    params = [member.pk, sql.prep(Event, "starts_at", now), str(EventStatus.PUBLISHED)]
    return dict(sql.fetch(_answers_sql(connection.vendor), params))


_SHOWN_PARTS = ((Event, "e"), (Space, "s", "e", "space"), (Resource, "r", "e", "room"))


@functools.cache
def _shown_sql(vendor: str, count: int) -> str:
    col = sql.column
    return (
        f"SELECT {sql.columns(_SHOWN_PARTS)} {sql.source(_SHOWN_PARTS)} "
        f"WHERE {col(Event, 'id', 'e')} IN ({sql.marks(count)}) AND {col(Event, 'status', 'e')} = %s "
        f"AND {col(Event, 'starts_at', 'e')} > %s"
    )


def _published_to_come(ids: list[int], now: dt.datetime) -> dict[int, Event]:
    """These events, with their space and room, if they are still published and to come."""
    if not ids:
        return {}
    rows = sql.fetch(
        _shown_sql(connection.vendor, len(ids)),
        [*ids, str(EventStatus.PUBLISHED), sql.prep(Event, "starts_at", now)],
    )
    return {event.pk: event for event, *_ in sql.instances(_SHOWN_PARTS, rows)}


_INTEREST_LABELS: dict[int, tuple[str, str]] = {}
_INTEREST_LABELS_AT = [0.0]


def _interest_label(pk: int) -> str:
    """An interest's label in the current language. The interests are reference data loaded
    by a migration, so each process keeps them for ten minutes instead of a query a page."""
    import time

    from django.utils.translation import get_language

    if not _INTEREST_LABELS or time.monotonic() - _INTEREST_LABELS_AT[0] > 600:
        _INTEREST_LABELS.clear()
        _INTEREST_LABELS.update(
            (i, (fr, en))
            for i, fr, en in Interest.objects.values_list("pk", "label_fr", "label_en")
        )
        _INTEREST_LABELS_AT[0] = time.monotonic()
    fr, en = _INTEREST_LABELS.get(pk, ("", ""))
    return (en if (get_language() or "fr")[:2] == "en" else fr) or fr


def _reasons(scored: ranking.Scored, shared_interests: list[str]) -> list[str]:
    counts = dict(scored.reasons)
    reasons = []
    if shared_interests:
        reasons.append(_("For you: %(list)s") % {"list": ", ".join(shared_interests[:3])})
    if counts.get("skills"):
        reasons.append(_("Close to your skills"))
    if counts.get("new_people"):
        n = counts["new_people"]
        reasons.append(
            ngettext(
                "%(n)d person you have not met yet is going",
                "%(n)d people you have not met yet are going",
                n,
            )
            % {"n": n}
        )
    if counts.get("friends"):
        n = counts["friends"]
        reasons.append(
            ngettext("%(n)d person you know is going", "%(n)d people you know are going", n)
            % {"n": n}
        )
    if counts.get("kind") and len(reasons) < 2:
        reasons.append(_("You liked this kind of event"))
    if counts.get("place") and len(reasons) < 2:
        reasons.append(_("At your space"))
    return reasons[:2]


def seats_label(event: Event) -> str:
    if event.capacity is None:
        return ""
    left = event.seats_left or 0
    if left == 0:
        return _("Full: waiting list")
    return ngettext("%(n)d place left", "%(n)d places left", left) % {"n": left}


def ratio_label(rate: float | None) -> str:
    return "—" if rate is None or math.isnan(rate) else f"{round(rate * 100)} %"


def public_upcoming(space, *, limit: int = 3) -> list[Event]:
    """A space's next public events, still to come, for its public page."""
    return list(
        Event.objects.filter(
            space=space,
            visibility=EventVisibility.PUBLIC,
            status=EventStatus.PUBLISHED,
            ends_at__gt=timezone.now(),
        )
        .select_related("space")
        .order_by("starts_at")[:limit]
    )


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None
    by_rating: list[tuple[int, int]]  # (rating, how many), 5 down to 1
    comments: list  # Feedback rows with a comment, newest first, with member and user


def feedback_summary(event: Event) -> FeedbackSummary:
    """What the people who came said: for the event's staff and hosts (the gate is the
    caller's: `access.event_for_viewer(…, "change")`). Two queries."""
    from django.db.models import Count

    from maillage.events.models import Feedback

    rows = Feedback.objects.filter(event=event)
    counts = dict(rows.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n"))
    total = sum(counts.values())
    average = sum(r * n for r, n in counts.items()) / total if total else None
    comments = list(
        rows.exclude(comment="").select_related("member__user").order_by("-created_at", "-pk")[:200]
    )
    return FeedbackSummary(
        count=total,
        average=average,
        by_rating=[(r, counts.get(r, 0)) for r in range(5, 0, -1)],
        comments=comments,
    )
