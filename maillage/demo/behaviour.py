"""Behaviour archetypes and the ledger history each produces. Imports no Django.

An agent-based simulation, one person at a time, over the opening days of their home space:

- presence is a Bernoulli draw per opening day, from the person's plan (preferred weekdays for
  weekly plans, a monthly rate for passes), a seasonal factor (French public holidays closed,
  August and the Christmas weeks quiet) and personal holiday weeks;
- community events (weekly lunch, monthly breakfast and afterwork, a workshop every other week)
  are joined, on days the person is in, with the archetype's probability: RSVP, then attended or
  no-show, sometimes feedback and a meeting;
- everything else (asks, answers, help, introductions, bookings, guests) is a count drawn from
  a per-day-present rate, spread over the days the person was in;
- drifting members fade linearly to 8 % over their last ~90 days.

Archetypes: tenant (comes to work, never joins anything), coworker (uses what the community
offers), newcomer (joined in the last 60 days, trying things), drifting (active earlier, fading),
day_pass (one to four days a month), and staff (admins and managers: host events, introduce).
Cost: O(days in the window + lines) per person; memory: one person's lines at a time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from maillage.demo import vocabulary as words
from maillage.demo.network import (
    ADMIN,
    COWORKER,
    DAY_PASS,
    DRIFTING,
    MANAGER,
    MEMBER,
    NEWCOMER,
    TENANT,
    ActivityLine,
    rng_for,
)
from maillage.demo.timetable import AFTERWORK, BREAKFAST, LUNCH, WORKSHOP

if TYPE_CHECKING:
    from maillage.demo.network import DemoPerson
    from maillage.demo.timetable import Event, LedgerContext, OpenDay

# Ledger kinds: the stored values of maillage.core.models.ActivityKind, copied (no Django here).
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
PROFILE_COMPLETED = "profile_completed"
OFFER_PUBLISHED = "offer_published"
NEED_PUBLISHED = "need_published"
MET = "met"
# fmt: off
KINDS = (
    CHECKED_IN, BOOKED, BOOKING_CANCELLED, GUEST_REGISTERED, RSVPED, ATTENDED, NO_SHOW, HOSTED,
    FEEDBACK_GIVEN, POSTED, ANSWERED, HELPED, INTRODUCED, INTRODUCTION_ACCEPTED,
    PROFILE_COMPLETED, OFFER_PUBLISHED, NEED_PUBLISHED, MET,
)
# fmt: on
EVENT_KINDS = (RSVPED, ATTENDED, NO_SHOW, HOSTED, FEEDBACK_GIVEN)

FADE_FLOOR = 0.08
EVENT_CONTEXTS = {
    LUNCH: "déjeuner",
    BREAKFAST: "petit-déjeuner",
    WORKSHOP: "atelier",
    AFTERWORK: "afterwork",
}


@dataclass(frozen=True)
class Behaviour:
    other_day: float  # chance of coming on a weekday that is not one of the person's usual days
    events: dict[str, float] = field(default_factory=dict)  # join an event on a day they're in
    rates: dict[str, float] = field(default_factory=dict)  # expected lines per day present
    onboarding: dict[str, float] = field(default_factory=dict)  # steps after joining
    feedback: float = 0.0
    met_at_event: float = 0.0
    roam: float = 0.01  # chance of working from another space of the operator


BEHAVIOURS = {
    TENANT: Behaviour(
        other_day=0.03,
        rates={BOOKED: 0.05, GUEST_REGISTERED: 0.03},
        onboarding={PROFILE_COMPLETED: 0.2},
    ),
    COWORKER: Behaviour(
        other_day=0.12,
        events={LUNCH: 0.55, BREAKFAST: 0.5, WORKSHOP: 0.35, AFTERWORK: 0.4},
        rates={
            POSTED: 0.025,
            ANSWERED: 0.045,
            HELPED: 0.035,
            INTRODUCED: 0.008,
            INTRODUCTION_ACCEPTED: 0.012,
            MET: 0.04,
            BOOKED: 0.06,
            GUEST_REGISTERED: 0.015,
            HOSTED: 0.006,
        },
        onboarding={PROFILE_COMPLETED: 0.9, OFFER_PUBLISHED: 0.7, NEED_PUBLISHED: 0.4},
        feedback=0.3,
        met_at_event=0.25,
        roam=0.06,
    ),
    NEWCOMER: Behaviour(
        other_day=0.1,
        events={LUNCH: 0.4, BREAKFAST: 0.45, WORKSHOP: 0.25, AFTERWORK: 0.35},
        rates={
            POSTED: 0.03,
            ANSWERED: 0.015,
            HELPED: 0.01,
            INTRODUCTION_ACCEPTED: 0.05,
            MET: 0.08,
            BOOKED: 0.04,
            GUEST_REGISTERED: 0.01,
        },
        onboarding={PROFILE_COMPLETED: 0.75, OFFER_PUBLISHED: 0.45, NEED_PUBLISHED: 0.35},
        feedback=0.25,
        met_at_event=0.35,
        roam=0.02,
    ),
    DRIFTING: Behaviour(
        other_day=0.08,
        events={LUNCH: 0.3, BREAKFAST: 0.3, WORKSHOP: 0.2, AFTERWORK: 0.25},
        rates={
            POSTED: 0.012,
            ANSWERED: 0.02,
            HELPED: 0.015,
            INTRODUCED: 0.003,
            INTRODUCTION_ACCEPTED: 0.008,
            MET: 0.025,
            BOOKED: 0.05,
            GUEST_REGISTERED: 0.015,
            HOSTED: 0.002,
        },
        onboarding={PROFILE_COMPLETED: 0.6, OFFER_PUBLISHED: 0.35, NEED_PUBLISHED: 0.2},
        feedback=0.15,
        met_at_event=0.15,
        roam=0.03,
    ),
    DAY_PASS: Behaviour(
        other_day=0.0,
        events={LUNCH: 0.08, BREAKFAST: 0.08, WORKSHOP: 0.08, AFTERWORK: 0.05},
        rates={BOOKED: 0.1, MET: 0.02, GUEST_REGISTERED: 0.02},
        onboarding={PROFILE_COMPLETED: 0.3, OFFER_PUBLISHED: 0.1, NEED_PUBLISHED: 0.05},
        feedback=0.1,
        met_at_event=0.1,
    ),
    MANAGER: Behaviour(
        other_day=0.2,
        rates={
            INTRODUCED: 0.15,
            ANSWERED: 0.05,
            HELPED: 0.05,
            MET: 0.1,
            POSTED: 0.01,
            BOOKED: 0.02,
        },
        roam=0.03,
    ),
    ADMIN: Behaviour(
        other_day=0.2,
        events={LUNCH: 0.3, BREAKFAST: 0.5, WORKSHOP: 0.2, AFTERWORK: 0.5},
        rates={INTRODUCED: 0.08, ANSWERED: 0.03, MET: 0.08, BOOKED: 0.05},
        met_at_event=0.4,
        roam=0.35,
    ),
}

# Fixed habits of the personas, so demos and tests can tell their story.
PERSONA_HABITS = {
    # persona: (usual weekdays, chance on a usual day, chance on another day, intensity)
    "hugo": ((0, 1, 2, 3), 0.95, 0.0, 1.0),  # four days a week, Monday to Thursday
    "ines": ((0, 1, 3, 4), 0.9, 0.1, 1.6),
    "zoe": ((1, 2, 3), 0.85, 0.1, 1.2),
    "claire": ((0, 1, 3), 0.85, 0.2, 1.0),
    "malik": ((0, 1, 2, 3, 4), 0.92, 0.0, 1.0),
}


def _count(rng: random.Random, expected: float) -> int:
    """A whole number of occurrences with the given expectation (floor + Bernoulli)."""
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _presence(
    rng: random.Random, person: DemoPerson, behaviour: Behaviour
) -> tuple[list[float], float]:
    """Chance of coming on each weekday (Monday first), and the person's intensity."""
    habits = PERSONA_HABITS.get(person.persona)
    saturday = 0.05
    if habits is not None:
        usual, chance, other, intensity = habits
        saturday = other / 2
    else:
        intensity = min(2.2, max(0.4, rng.lognormvariate(0.0, 0.35)))
        other = behaviour.other_day
        if person.plan in (words.PLAN_DAY_PASS, words.PLAN_TEN_DAYS):
            per_month = (
                rng.randint(1, 2) if person.plan == words.PLAN_DAY_PASS else rng.randint(2, 4)
            )
            chance = per_month / 21
            return [chance] * 5 + [chance / 2, 0.0], intensity
        if person.role == MANAGER:
            usual_count = 5
        elif person.role == ADMIN or person.plan == words.PLAN_PART_TIME:
            usual_count = rng.randint(2, 3)
        else:
            usual_count = rng.choices((3, 4, 5), (0.4, 0.4, 0.2))[0]
        usual = tuple(rng.sample(range(5), usual_count))
        chance = rng.uniform(0.8, 0.95)
    weekdays = [chance if d in usual else other for d in range(5)]
    return [*weekdays, saturday, 0.0], intensity


def person_lines(context: LedgerContext, person: DemoPerson) -> Iterator[ActivityLine]:
    """One person's ledger history, in time order."""
    rng = rng_for(context.seed, "ledger", person.key)
    behaviour = BEHAVIOURS[person.role if person.role != MEMBER else person.archetype]
    first = max(0, (person.joined_on - context.start).days)
    last = context.days
    if person.left_on is not None:
        last = min(last, (person.left_on - context.start).days)
    if first >= last:
        return
    chances, intensity = _presence(rng, person, behaviour)
    home = person.home_space_index
    calendar = context.calendars[home]
    programme = context.events[home]
    seasons = context.season
    others = [s for s in context.operator_spaces[person.operator_index] if s != home]
    roam = behaviour.roam if others else 0.0
    hosts_events = person.role == MANAGER or (
        person.role == ADMIN and home not in context.managed_spaces
    )
    event_chances = behaviour.events
    holiday_weeks: set[int] = set()
    if person.plan not in (words.PLAN_DAY_PASS, words.PLAN_TEN_DAYS):
        holiday_weeks = set(rng.sample(range(context.days // 7 + 1), rng.randint(2, 4)))
    fade_from = last
    if person.archetype == DRIFTING:
        fade_from = min(last - 1, context.days - rng.randint(75, 100))
    fade_span = max(1, last - fade_from)

    out: list[tuple[dt.datetime, str, int, dict | None]] = []
    present: list[tuple[int, dt.datetime, int, int, int]] = []
    random_ = rng.random
    gauss = rng.gauss
    arrival_mean = rng.uniform(1800, 5400)
    for offset in range(first, last):
        day = calendar[offset]
        if day is None or offset // 7 in holiday_weeks:
            continue
        midnight, opens, closes, weekday = day
        chance = chances[weekday] * seasons[offset]
        fade = 1.0
        if offset >= fade_from:
            fade = 1.0 - (1.0 - FADE_FLOOR) * (offset - fade_from) / fade_span
            chance *= fade
        if random_() >= chance:
            # In the building or not, some RSVP and then do not come.
            if event_chances and offset in programme:
                for event in programme[offset]:
                    if random_() < event_chances.get(event[0], 0.0) * 0.06 * intensity * fade:
                        _event_lines(rng, out, calendar, first, offset, home, event, False, 0.0)
            continue
        space, opens_, closes_ = home, opens, closes
        if roam and random_() < roam:
            other = others[int(random_() * len(others))]
            other_day = context.calendars[other][offset]
            if other_day is not None:
                space, opens_, closes_ = other, other_day[1], other_day[2]
                midnight = other_day[0]
        arrive = opens_ + int(abs(gauss(arrival_mean, 2400)))
        if arrive > closes_ - 3600:
            arrive = opens_ + int(random_() * 3600)
        out.append((midnight + dt.timedelta(seconds=arrive), CHECKED_IN, space, None))
        present.append((offset, midnight, arrive, closes_, space))
        if space != home or offset not in programme:
            continue
        for event in programme[offset]:
            if hosts_events:
                out.append(
                    (
                        midnight + dt.timedelta(seconds=event[2] - 900),
                        HOSTED,
                        home,
                        {"event": event[4], "title": event[1]},
                    )
                )
            elif random_() < event_chances.get(event[0], 0.0) * intensity * fade:
                attended = random_() < 0.92
                _event_lines(
                    rng, out, calendar, first, offset, home, event, attended, behaviour.feedback
                )
                if attended and random_() < behaviour.met_at_event:
                    end = event[2] + event[3] * 60
                    out.append(
                        (
                            midnight + dt.timedelta(seconds=end),
                            MET,
                            home,
                            {"context": EVENT_CONTEXTS[event[0]]},
                        )
                    )

    if present:
        _rate_lines(rng, out, person, behaviour, present, intensity, fade_from, fade_span)
    if person.joined_on >= context.start:
        _onboarding_lines(rng, out, person, behaviour, calendar, first, last, home)
    out.sort(key=_first)
    index = person.index
    for occurred_at, kind, space, payload in out:
        yield ActivityLine(index, space, kind, occurred_at, payload)


def _first(item: tuple) -> dt.datetime:
    return item[0]


def _event_lines(
    rng: random.Random,
    out: list,
    calendar: list[OpenDay | None],
    first: int,
    offset: int,
    home: int,
    event: Event,
    attended: bool,
    feedback: float,
) -> None:
    _, title, start, minutes, event_id = event
    midnight, opens, _, _ = calendar[offset]  # type: ignore[misc]
    payload = {"event": event_id, "title": title}
    # The RSVP: the same morning or an opening day up to a week before.
    rsvp_at = midnight + dt.timedelta(seconds=rng.randint(opens, max(opens, start - 600)))
    earlier = offset - rng.choice((0, 1, 1, 2, 3, 5, 7))
    if earlier >= first and earlier != offset and (day := calendar[earlier]) is not None:
        rsvp_at = day[0] + dt.timedelta(seconds=rng.randint(day[1], day[2] - 60))
    out.append((rsvp_at, RSVPED, home, payload))
    end = midnight + dt.timedelta(seconds=start + minutes * 60)
    if not attended:
        out.append((end, NO_SHOW, home, payload))
        return
    out.append(
        (midnight + dt.timedelta(seconds=start + rng.randint(-300, 600)), ATTENDED, home, payload)
    )
    if rng.random() < feedback:
        out.append(
            (end + dt.timedelta(seconds=rng.randint(300, 10_800)), FEEDBACK_GIVEN, home, payload)
        )


def _rate_lines(
    rng: random.Random,
    out: list,
    person: DemoPerson,
    behaviour: Behaviour,
    present: list[tuple[int, dt.datetime, int, int, int]],
    intensity: float,
    fade_from: int,
    fade_span: int,
) -> None:
    """Asks, answers, help, introductions, bookings and guests on days the person was in.

    Fading members lose these faster than their presence: each is kept with the fade factor."""
    skills = person.skills or ("conseil",)
    for kind, rate in behaviour.rates.items():
        for _ in range(_count(rng, rate * intensity * len(present))):
            offset, midnight, arrive, closes, space = present[int(rng.random() * len(present))]
            if offset >= fade_from:
                fade = 1.0 - (1.0 - FADE_FLOOR) * (offset - fade_from) / fade_span
                if rng.random() >= fade:
                    continue
            seconds = rng.randint(arrive + 300, max(arrive + 300, closes - 600))
            at = midnight + dt.timedelta(seconds=seconds)
            payload: dict | None = None
            if kind == POSTED:
                payload = {"title": rng.choice(words.ASK_TITLES)}
            elif kind in (ANSWERED, HELPED):
                payload = {"topic": rng.choice(skills)}
            elif kind == MET:
                payload = {"context": rng.choice(words.MEETING_CONTEXTS)}
            elif kind == GUEST_REGISTERED:
                payload = {"reason": rng.choice(words.GUEST_REASONS)}
            elif kind == HOSTED:
                title = f"Atelier : {rng.choice(skills)}"
                payload = {"event": f"talk-{person.key}-{offset}", "title": title}
            elif kind == BOOKED:
                payload = {
                    "room": rng.choice(words.ROOMS),
                    "minutes": rng.choice((30, 60, 90, 120)),
                }
                if rng.random() < 0.06:
                    cancelled_at = at + dt.timedelta(seconds=rng.randint(600, 7200))
                    out.append((cancelled_at, BOOKING_CANCELLED, space, {"room": payload["room"]}))
            out.append((at, kind, space, payload))


ONBOARDING_DELAYS = {PROFILE_COMPLETED: (0, 10), OFFER_PUBLISHED: (3, 30), NEED_PUBLISHED: (5, 45)}


def _onboarding_lines(
    rng: random.Random,
    out: list,
    person: DemoPerson,
    behaviour: Behaviour,
    calendar: list[OpenDay | None],
    first: int,
    last: int,
    home: int,
) -> None:
    """Profile, offer and need published in the weeks after joining (if it was in the window)."""
    for kind, chance in behaviour.onboarding.items():
        if person.persona == "hugo" or rng.random() >= chance:
            continue
        low, high = ONBOARDING_DELAYS[kind]
        offset = first + rng.randint(low, high)
        while offset < last and calendar[offset] is None:
            offset += 1
        if offset >= last:
            continue
        midnight, opens, closes, _ = calendar[offset]  # type: ignore[misc]
        payload: dict | None = None
        if kind == OFFER_PUBLISHED:
            payload = {"title": rng.choice(person.skills or ("conseil",)).capitalize()}
        elif kind == NEED_PUBLISHED:
            payload = {"title": rng.choice(words.NEED_TITLES)}
        out.append(
            (midnight + dt.timedelta(seconds=rng.randint(opens, closes - 60)), kind, home, payload)
        )
