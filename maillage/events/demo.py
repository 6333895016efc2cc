"""Demo data of events: ten weeks of past events (with attendance, no-shows, feedback and
"who did you meet?"), the coming weeks (a weekly Thursday lunch, workshops, an afterwork, a
public open day, a network event at Le Grenier, some full with a waiting list) and a proposal
by Inès waiting for Malik's approval.

Call `load_events()` after `load_demo`, `load_profiles` and `load_workspace` (rooms are booked
through the booking service; a room already booked leaves the event without a room). It is
idempotent (a database that already has events is left untouched), deterministic for a seed,
and goes through the services, with `now=` set in the past for past events.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.core.models import Member, Operator, Role, Space
from maillage.events import services
from maillage.events.models import Event, EventKind, EventVisibility
from maillage.members.models import Interest
from maillage.workspace.models import Resource, ResourceKind

LIVELY_SPACES = 4  # the personas' three spaces and Le Grenier
PAST_WEEKS = 10


@dataclass(frozen=True)
class Idea:
    title: str
    kind: str
    weekday: int  # 0 = Monday
    start: str
    end: str
    capacity: int | None
    interests: tuple[str, ...] = ()
    description: str = ""
    visibility: str = EventVisibility.MEMBERS


IDEAS = (
    Idea("Petit-déjeuner des coworkers", EventKind.BREAKFAST, 1, "08:45", "09:45", 20,
         ("cuisine",), "Croissants, café et tour de table : qui fait quoi cette semaine ?"),
    Idea("Déjeuner partagé", EventKind.LUNCH, 3, "12:30", "13:45", 16, ("cuisine", "cuisine-vegetarienne"),
         "Chacun apporte un plat à partager. On se retrouve dans la cuisine."),
    Idea("Atelier : pitcher son activité en 2 minutes", EventKind.WORKSHOP, 2, "14:00", "16:00", 10,
         ("entrepreneuriat",), "Un exercice en petit groupe, avec des retours bienveillants."),
    Idea("Midi-conférence : la facture électronique en 2026", EventKind.TALK, 4, "12:15", "13:15", 30,
         ("entrepreneuriat",), "Ce qui change pour les indépendants, expliqué par une comptable du lieu."),
    Idea("Afterwork du mois", EventKind.AFTERWORK, 3, "17:30", "18:45", None, ("vin-biere", "musique"),
         "Un verre, des jeux de société, et les nouvelles têtes du mois."),
    Idea("Formation : les bases de l'accessibilité numérique", EventKind.TRAINING, 1, "10:00", "12:00", 8,
         ("tech",), "Animée par Inès : contrastes, lecteurs d'écran, formulaires."),
    Idea("Vitrine des membres : trois projets en dix minutes", EventKind.SHOWCASE, 4, "16:00", "17:00", 25,
         ("innovation-sociale", "tech"), "Trois membres présentent ce sur quoi ils travaillent."),
    Idea("Course à pied du midi", EventKind.SPORT, 0, "12:15", "13:15", 12, ("course-a-pied",),
         "5 km tranquilles le long des quais. Douche disponible au retour."),
)  # fmt: skip
COMMENTS = (
    "Super moment, merci !", "Très utile, j'ai appris plein de choses.", "Un peu court, mais bien.",
    "J'ai rencontré deux personnes avec qui je vais travailler.", "", "", "Ambiance top.",
)  # fmt: skip


@dataclass(frozen=True)
class EventsLoadResult:
    loaded: bool
    events: int
    rsvps: int


def _at(space: Space, day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=space.tz)


def _on_weekday(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def _staff_of(space: Space) -> Member | None:
    staff = Member.objects.active().filter(operator_id=space.operator_id)
    return (
        staff.filter(role=Role.MANAGER, home_space=space).order_by("pk").first()
        or staff.filter(role=Role.ADMIN).order_by("pk").first()
    )


def _persona(email: str) -> Member | None:
    return Member.objects.filter(user__email=email).select_related("home_space").first()


def load_events(
    *, progress: Callable[[str], None] | None = None, seed: int = 42
) -> EventsLoadResult:
    """Give the demo network its events (idempotent)."""
    say = progress or (lambda message: None)
    if Event.objects.exists():
        return EventsLoadResult(False, Event.objects.count(), 0)
    rng = random.Random(f"{seed}:events")
    interests = dict(Interest.objects.values_list("slug", "pk"))
    interest_objects = {i.slug: i for i in Interest.objects.all()}
    spaces = list(Space.objects.select_related("operator").order_by("pk")[: LIVELY_SPACES - 1])
    grenier = Space.objects.filter(operator__slug="le-grenier").order_by("pk").first()
    if grenier is not None and grenier not in spaces:
        spaces.append(grenier)
    ines, hugo = _persona("ines@ruche.example"), _persona("hugo@ruche.example")
    now = timezone.now()
    counts = {"events": 0, "rsvps": 0}

    def tags(idea: Idea) -> list[Interest]:
        return [interest_objects[s] for s in idea.interests if s in interests]

    for space in spaces:
        staff = _staff_of(space)
        if staff is None:
            continue
        people = list(
            Member.objects.active()
            .filter(home_space=space, role=Role.MEMBER)
            .exclude(pk=getattr(hugo, "pk", None))  # Hugo, the tenant, never joins anything
            .select_related("user", "home_space")
            .order_by("pk")[:80]
        )
        if len(people) < 6:
            continue
        today = timezone.localtime(now, space.tz).date()
        with transaction.atomic():
            for week in range(PAST_WEEKS, 0, -1):
                monday = today - dt.timedelta(days=today.weekday() + 7 * week)
                for idea in rng.sample(IDEAS, 2):
                    day = _on_weekday(monday, idea.weekday)
                    if not space.hours_on(day.weekday()):
                        continue
                    counts["rsvps"] += _past_event(space, staff, idea, day, people, ines, rng, tags)
                    counts["events"] += 1
        say(f"Events: ten weeks of past events at {space.name}.")
        counts["events"] += _upcoming(space, staff, today, people, ines, rng, tags, counts)
    _extras(spaces, ines, today=timezone.localdate(), tags=tags)
    say(f"Events: {Event.objects.count()} events, {counts['rsvps']} answers.")
    return EventsLoadResult(True, Event.objects.count(), counts["rsvps"])


def _past_event(space, staff, idea, day, people, ines, rng, tags) -> int:
    starts_at, ends_at = _at(space, day, idea.start), _at(space, day, idea.end)
    event = services.event_propose(
        proposer=staff, operator=space.operator, space=space, title=idea.title, kind=idea.kind,
        starts_at=starts_at, ends_at=ends_at, capacity=idea.capacity, description=idea.description,
        interests=tags(idea), location="Cuisine" if idea.kind == EventKind.LUNCH else "",
        now=starts_at - dt.timedelta(days=10),
    )  # fmt: skip
    answered_at = starts_at - dt.timedelta(days=2)
    crowd = rng.sample(people, min(len(people), rng.randint(5, 14)))
    if ines is not None and ines.home_space_id == space.pk and ines not in crowd:
        crowd.append(ines)  # Inès, the coworker, comes to most things
    going = []
    for member in crowd:
        try:
            rsvp = services.event_rsvp(event=event, member=member, status="going", now=answered_at)
        except DomainError:
            continue
        if rsvp.status == "going":
            going.append(rsvp)
    during = starts_at + dt.timedelta(minutes=10)
    present = [r for r in going if r.member_id == getattr(ines, "pk", None) or rng.random() < 0.8]
    for rsvp in present:
        services.attendance_mark(rsvp=rsvp, present=True, by=staff, now=during)
    services.attendance_close(event=event, now=ends_at + dt.timedelta(hours=1))
    came = [r.member for r in present]
    for member in came:
        if rng.random() < 0.5:
            others = [m for m in came if m.pk != member.pk]
            services.feedback_give(
                event=event, member=member, rating=rng.choice((3, 4, 4, 5, 5, 5)),
                comment=rng.choice(COMMENTS), met=rng.sample(others, min(len(others), rng.randint(0, 3))),
                now=ends_at + dt.timedelta(hours=3),
            )  # fmt: skip
    return len(crowd)


def _room(space: Space, capacity: int | None) -> Resource | None:
    rooms = Resource.objects.filter(space=space, kind=ResourceKind.ROOM, is_active=True)
    if capacity is not None:
        rooms = rooms.filter(capacity__gte=capacity)
    return rooms.order_by("-capacity").first()


def _publish(space, staff, idea, day, tags, **extra) -> Event | None:
    """Publish an upcoming event, with a room if one is free (the bookings decide)."""
    fields = {
        "proposer": staff, "operator": space.operator, "space": space, "title": idea.title,
        "kind": idea.kind, "starts_at": _at(space, day, idea.start),
        "ends_at": _at(space, day, idea.end), "capacity": idea.capacity,
        "description": idea.description, "interests": tags(idea), "visibility": idea.visibility,
        **extra,
    }  # fmt: skip
    room = _room(space, idea.capacity)
    for attempt in ((room,) if room is not None else ()) + (None,):
        try:
            return services.event_propose(room=attempt, **fields)
        except DomainError:
            continue
    return None


def _upcoming(space, staff, today, people, ines, rng, tags, counts) -> int:
    made = 0
    lunch = IDEAS[1]
    first_thursday = _on_weekday(today + dt.timedelta(days=2), 3)
    if space.hours_on(3):
        series = _publish(space, staff, lunch, first_thursday, tags,
                          recurrence="FREQ=WEEKLY;BYDAY=TH;COUNT=20")  # fmt: skip
        if series is not None:
            made += 1
            dates = list(Event.objects.filter(series=series.series).order_by("starts_at")[:3])
            for event in dates:
                counts["rsvps"] += _answers(event, people, ines, rng, rng.randint(6, 14))
            if ines is not None and ines.home_space_id == space.pk and dates:
                # Inès, the coworker, never misses the Thursday lunch.
                services.event_rsvp(event=dates[0], member=ines, status="going")
    for idea in rng.sample([i for i in IDEAS if i is not lunch], 4):
        day = _on_weekday(today + dt.timedelta(days=rng.randint(2, 26)), idea.weekday)
        if not space.hours_on(day.weekday()):
            continue
        event = _publish(space, staff, idea, day, tags, max_guests=rng.choice((0, 0, 1)))
        if event is None:
            continue
        made += 1
        wanted = (event.capacity or 12) + rng.choice((-4, -2, 0, 2, 3))  # some are full
        counts["rsvps"] += _answers(event, people, ines, rng, max(2, wanted))
    return made


def _answers(event, people, ines, rng, n) -> int:
    crowd = rng.sample(people, min(len(people), n))
    given = 0
    for member in crowd:
        if ines is not None and member.pk == ines.pk:
            continue  # Inès's coming events are hers to answer in the demo
        status = rng.choice(("going", "going", "going", "maybe"))
        try:
            services.event_rsvp(event=event, member=member, status=status)
            given += 1
        except DomainError:
            continue
    return given


def _extras(spaces, ines, *, today, tags) -> None:
    """A public open day, a network event at Le Grenier, Inès's proposal."""
    ruche = Operator.objects.filter(slug="ruche-and-co").first()
    filature = next((s for s in spaces if s.operator_id == getattr(ruche, "pk", None)), None)
    if filature is not None:
        staff = _staff_of(filature)
        open_day = Idea(
            "Portes ouvertes : venez travailler une journée avec nous", EventKind.OTHER, 4,
            "10:00", "12:00", 30, ("entrepreneuriat",),
            "Visite du lieu, café avec les membres, et une journée de travail offerte.",
            EventVisibility.PUBLIC,
        )  # fmt: skip
        _publish(filature, staff, open_day, _on_weekday(today + dt.timedelta(days=8), 4), tags,
                 max_guests=1)  # fmt: skip
        if ines is not None and ines.home_space_id == filature.pk:
            proposal = Idea(
                "Club Figma : on s'entraide sur nos maquettes", EventKind.WORKSHOP, 1,
                "12:30", "13:30", 8, ("tech",),
                "Apportez une maquette qui vous résiste ; on la regarde ensemble.",
            )  # fmt: skip
            _publish(filature, ines, proposal, _on_weekday(today + dt.timedelta(days=9), 1), tags)
    grenier = next((s for s in spaces if s.operator.slug == "le-grenier"), None)
    if grenier is not None and (staff := _staff_of(grenier)) is not None:
        network = Idea(
            "Rencontre inter-lieux : coopérer entre tiers-lieux", EventKind.TALK, 3,
            "16:00", "18:00", 40, ("economie-sociale", "innovation-sociale"),
            "Les espaces du réseau partagent leurs pratiques. Ouvert aux membres de tous les lieux.",
            EventVisibility.NETWORK,
        )  # fmt: skip
        _publish(grenier, staff, network, _on_weekday(today + dt.timedelta(days=12), 3), tags)
