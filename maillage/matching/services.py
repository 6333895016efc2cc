"""Writes of the matching app: each validates first, then acts in one transaction.

The ledger is written through `maillage.core.services.activity_record` only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maillage.core.access import viewer_for_user
from maillage.core.dates import date_format
from maillage.core.errors import DomainError
from maillage.core.mail import deliverable
from maillage.core.models import ActivityKind, Member, Operator, Space
from maillage.core.services import activity_record
from maillage.matching import reciprocal, roulette, teams, ties
from maillage.matching.models import (
    FREQUENCY_DAYS,
    Dismissal,
    Frequency,
    MatchingPreference,
    Project,
    RouletteKind,
    RouletteOptIn,
    RouletteRound,
    RouletteSeat,
    TeamSeat,
    Tie,
)
from maillage.matching.selectors import features_for_operator, opted_out_ids
from maillage.members.access import visible_sections
from maillage.members.models import Profile, ProfileSkill, SkillConcept
from maillage.members.services.profiles import skills_resolve_all
from maillage.workspace.models import ClosedDay

DISMISS_DAYS = 90
MAX_PROJECT_SIZE = 12

# --- ties ------------------------------------------------------------------------------------


def _interactions(operator_id: int, now: dt.datetime):
    from maillage.core.models import Activity

    member_kinds = {
        ActivityKind.MET: ties.Kind.MET,
        ActivityKind.INTRODUCTION_ACCEPTED: ties.Kind.INTRODUCTION,
        ActivityKind.HELPED: ties.Kind.EXCHANGE,
    }
    rows = Activity.objects.filter(
        operator_id=operator_id, kind__in=list(member_kinds), target_type="core.member"
    ).values_list("member_id", "target_id", "kind", "occurred_at")
    for member_id, other_id, kind, at in rows:
        if other_id is not None:
            yield ties.Interaction(member_id, other_id, member_kinds[kind], at)
    events: dict[int, list[int]] = defaultdict(list)
    when: dict[int, dt.datetime] = {}
    for member_id, event_id, at in Activity.objects.filter(
        operator_id=operator_id, kind=ActivityKind.ATTENDED, target_type="events.event"
    ).values_list("member_id", "target_id", "occurred_at"):
        events[event_id].append(member_id)
        when[event_id] = max(at, when.get(event_id, at))
    for event_id, attendees in events.items():
        yield from ties.event_interactions(attendees, when[event_id])
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    meet_on: dict[tuple[int, int], dt.date] = {}
    for round_id, group, member_id, day in RouletteSeat.objects.filter(
        round__space__operator_id=operator_id, met=True
    ).values_list("round_id", "group", "member_id", "round__meet_on"):
        groups[(round_id, group)].append(member_id)
        meet_on[(round_id, group)] = day
    for key, people in groups.items():
        at = dt.datetime.combine(meet_on[key], dt.time(12), tzinfo=dt.UTC)
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                yield ties.Interaction(a, b, ties.Kind.LUNCH, at)
    colleagues: dict[int, list[int]] = defaultdict(list)
    for member_id, company_id in Profile.objects.filter(
        member__operator_id=operator_id, member__left_on__isnull=True, company__isnull=False
    ).values_list("member_id", "company_id"):
        colleagues[company_id].append(member_id)
    for people in colleagues.values():
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                yield ties.Interaction(a, b, ties.Kind.COMPANY, now)


def ties_refresh(*, operator: Operator, now: dt.datetime | None = None) -> int:
    """Recompute the operator's ties from the ledger (decayed), replacing the stored ones."""
    now = now or timezone.now()
    graph = ties.TiesGraph.from_interactions(_interactions(operator.pk, now), now)
    active = set(
        Member.objects.filter(operator=operator, left_on__isnull=True).values_list("pk", flat=True)
    )
    rows = []
    for pair, strength in graph.pairs():
        a, b = sorted(pair)
        if strength >= ties.MIN_EDGE_STRENGTH and a in active and b in active:
            rows.append(
                Tie(
                    operator=operator,
                    member_a_id=a,
                    member_b_id=b,
                    strength=strength,
                    computed_at=now,
                )
            )
    with transaction.atomic():
        Tie.objects.filter(operator=operator).delete()
        Tie.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def _refresh_ties_later(operator_id: int) -> None:
    from maillage.matching import tasks

    transaction.on_commit(lambda: tasks.ties_refresh_task.enqueue(operator_id=operator_id))


# --- people to meet --------------------------------------------------------------------------


def matching_preference_set(*, member: Member, opted_out: bool) -> MatchingPreference:
    pref, _created = MatchingPreference.objects.update_or_create(
        member=member, defaults={"opted_out": opted_out, "updated_at": timezone.now()}
    )
    return pref


def _other_in_operator(member: Member, other_id: int) -> Member:
    other = Member.objects.filter(
        pk=other_id, operator_id=member.operator_id, left_on__isnull=True
    ).first()
    if other is None or other.pk == member.pk:
        raise DomainError(_("This member cannot be suggested to you."))
    return other


def suggestion_dismiss(
    *, member: Member, other_id: int, days: int = DISMISS_DAYS, now: dt.datetime | None = None
) -> Dismissal:
    """ "Not now": that member is not suggested again for `days` days."""
    other = _other_in_operator(member, other_id)
    now = now or timezone.now()
    dismissal, _created = Dismissal.objects.update_or_create(
        member=member,
        other=other,
        defaults={"until": now + dt.timedelta(days=days), "created_at": now},
    )
    return dismissal


def suggestion_act(*, member: Member, other_id: int) -> Member:
    """The member asked to be introduced to a suggested member: noted in the ledger."""
    other = _other_in_operator(member, other_id)
    activity_record(
        member=member,
        kind=ActivityKind.SUGGESTION_ACTED,
        target=other,
        payload={"action": "introduction"},
    )
    return other


# --- roulette --------------------------------------------------------------------------------


def _clean_days(days) -> list[int]:
    try:
        out = sorted({int(d) for d in days})
    except (TypeError, ValueError):
        raise DomainError(_("Choose days of the week."), field="days") from None
    if any(d < 0 or d > 6 for d in out):
        raise DomainError(_("Choose days of the week."), field="days")
    return out


@transaction.atomic
def roulette_join(
    *, member: Member, space: Space, frequency: str = Frequency.WEEKLY, days=()
) -> RouletteOptIn:
    if space.operator_id != member.operator_id:
        raise DomainError(_("You can only join the roulette of your community's spaces."))
    if frequency not in Frequency.values:
        raise DomainError(_("Choose how often."), field="frequency")
    days = _clean_days(days)
    optin, created = RouletteOptIn.objects.update_or_create(
        member=member,
        space=space,
        defaults={"frequency": frequency, "days": days, "is_active": True},
    )
    if created:
        activity_record(member=member, kind=ActivityKind.ROULETTE_JOINED, space=space, target=optin)
    return optin


def roulette_leave(*, member: Member, space: Space) -> None:
    RouletteOptIn.objects.filter(member=member, space=space).update(is_active=False)


def roulette_participants(*, space: Space, meet_on: dt.date) -> list[int]:
    """Who takes part in a round on `meet_on`: active opt-ins for that weekday whose frequency
    allows a new round, not opted out of matching, still members."""
    optins = RouletteOptIn.objects.filter(
        space=space, is_active=True, member__left_on__isnull=True
    ).values_list("member_id", "days", "frequency")
    out_ids = opted_out_ids(space.operator_id)
    last = dict(
        RouletteSeat.objects.filter(round__space=space, round__meet_on__lt=meet_on)
        .values("member_id")
        .annotate(last=models_max("round__meet_on"))
        .values_list("member_id", "last")
    )
    people = []
    for member_id, days, frequency in optins:
        if member_id in out_ids or (days and meet_on.weekday() not in days):
            continue
        previous = last.get(member_id)
        if previous is not None and (meet_on - previous).days < FREQUENCY_DAYS[frequency]:
            continue
        people.append(member_id)
    return people


def models_max(field: str):
    from django.db.models import Max

    return Max(field)


def _met_pairs(space: Space, people: list[int]) -> dict[frozenset, object]:
    """Pairs who already met: a past roulette group (dated), or a tie strong enough."""
    chosen = set(people)
    met: dict[frozenset, object] = {}
    for a, b, strength in Tie.objects.filter(
        operator_id=space.operator_id, member_a_id__in=chosen, member_b_id__in=chosen
    ).values_list("member_a_id", "member_b_id", "strength"):
        if strength >= ties.KNOWS_THRESHOLD:
            met[frozenset((a, b))] = dt.date.min
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    dates: dict[tuple[int, int], dt.date] = {}
    for round_id, group, member_id, day in RouletteSeat.objects.filter(
        round__space__operator_id=space.operator_id, member_id__in=chosen
    ).values_list("round_id", "group", "member_id", "round__meet_on"):
        groups[(round_id, group)].append(member_id)
        dates[(round_id, group)] = day
    for key, members in groups.items():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = frozenset((a, b))
                previous = met.get(pair)
                if previous is None or previous < dates[key]:
                    met[pair] = dates[key]
    return met


@transaction.atomic
def roulette_run(
    *,
    space: Space,
    meet_on: dt.date,
    meet_at: dt.time,
    place: str,
    kind: str = RouletteKind.LUNCH,
    group_size: int = 2,
    run_by: Member | None = None,
    today: dt.date | None = None,
) -> RouletteRound:
    """Form one round (maximum-weight matching on the not-yet-met graph) and invite everyone
    by email, through a task, after commit."""
    today = today or timezone.localdate()
    place = (place or "").strip()
    if meet_on < today:
        raise DomainError(_("Choose a day that is not in the past."), field="meet_on")
    if (
        not space.hours_on(meet_on.weekday())
        or ClosedDay.objects.filter(space=space, date=meet_on).exists()
    ):
        raise DomainError(
            _("%(space)s is closed on %(day)s: choose a day it is open.")
            % {"space": space.name, "day": date_format(meet_on, "l j F")},
            field="meet_on",
        )
    if not place:
        raise DomainError(_("Say where the groups meet."), field="place")
    if group_size not in (2, 3, 4):
        raise DomainError(_("Groups are of 2, 3 or 4 people."), field="group_size")
    if kind not in RouletteKind.values:
        raise DomainError(_("Choose a coffee or a lunch."), field="kind")
    if RouletteRound.objects.filter(space=space, meet_on=meet_on, kind=kind).exists():
        raise DomainError(_("A round already exists for that day."), field="meet_on")
    people = roulette_participants(space=space, meet_on=meet_on)
    if len(people) < 2:
        raise DomainError(_("Not enough participants for that day (two at least)."))
    features = features_for_operator(space.operator_id)
    empty = reciprocal.PersonFeatures(member_id=0)

    def weight(a, b) -> float:
        return reciprocal.reciprocal_score(features.get(a, empty), features.get(b, empty))

    groups = roulette.form_round(
        people,
        _met_pairs(space, people),
        weight,
        group_size=group_size,
        seed=meet_on.toordinal(),
    )
    rnd = RouletteRound.objects.create(
        space=space,
        kind=kind,
        meet_on=meet_on,
        meet_at=meet_at,
        place=place,
        group_size=group_size,
        run_by=run_by,
    )
    RouletteSeat.objects.bulk_create(
        [
            RouletteSeat(round=rnd, group=index, member_id=member_id)
            for index, group in enumerate(groups, start=1)
            for member_id in group
        ]
    )
    from maillage.matching import tasks

    round_id = rnd.pk
    transaction.on_commit(lambda: tasks.roulette_invite_task.enqueue(round_id=round_id))
    return rnd


def roulette_invite_send(*, round_id: int) -> int:
    """Email each member of the round who has not been invited yet; returns how many."""
    rnd = RouletteRound.objects.select_related("space").filter(pk=round_id).first()
    if rnd is None:
        return 0
    seats = list(
        RouletteSeat.objects.filter(round=rnd).select_related("member__user").order_by("pk")
    )
    by_group: dict[int, list[RouletteSeat]] = defaultdict(list)
    for seat in seats:
        by_group[seat.group].append(seat)
    sent = 0
    for seat in seats:
        if seat.invited_at is not None:
            continue
        user = seat.member.user
        others = [s.member.user for s in by_group[seat.group] if s.pk != seat.pk]
        if not deliverable(user.email):
            continue
        with translation.override(getattr(user, "language", "") or "fr"):
            context = {"round": rnd, "user": user, "others": others, "space": rnd.space}
            subject = _("Your %(kind)s roulette on %(day)s") % {
                "kind": rnd.get_kind_display(),
                "day": rnd.meet_on.strftime("%d/%m"),
            }
            EmailMessage(
                subject=subject,
                body=render_to_string("matching/email/roulette_invite.txt", context),
                to=[user.email],
                reply_to=[rnd.space.contact_email] if rnd.space.contact_email else None,
            ).send()
        RouletteSeat.objects.filter(pk=seat.pk, invited_at__isnull=True).update(
            invited_at=timezone.now()
        )
        sent += 1
    return sent


def roulette_followups_due(*, today: dt.date | None = None) -> list[int]:
    """Seats of past rounds (invited, not answered, not asked yet): "did you meet?" is due."""
    today = today or timezone.localdate()
    return list(
        RouletteSeat.objects.filter(
            round__meet_on__lt=today,
            round__meet_on__gte=today - dt.timedelta(days=14),
            invited_at__isnull=False,
            followed_up_at__isnull=True,
            met__isnull=True,
        ).values_list("pk", flat=True)
    )


def roulette_followup_send(*, seat_id: int) -> bool:
    """Email one "did you meet?" with a link to answer; once per seat."""
    seat = (
        RouletteSeat.objects.select_related("round__space", "member__user")
        .filter(pk=seat_id, followed_up_at__isnull=True, met__isnull=True)
        .first()
    )
    if seat is None:
        return False
    user = seat.member.user
    others = [m.user for m in group_members(seat)]
    if not deliverable(user.email):
        return False
    with translation.override(getattr(user, "language", "") or "fr"):
        context = {
            "round": seat.round,
            "user": user,
            "others": others,
            "answer_url": settings.SITE_URL + reverse("matching_roulette"),
        }
        EmailMessage(
            subject=_("Did you meet?"),
            body=render_to_string("matching/email/roulette_followup.txt", context),
            to=[user.email],
        ).send()
    RouletteSeat.objects.filter(pk=seat.pk).update(followed_up_at=timezone.now())
    return True


def group_members(seat: RouletteSeat) -> list[Member]:
    return [
        s.member
        for s in RouletteSeat.objects.filter(round_id=seat.round_id, group=seat.group)
        .exclude(pk=seat.pk)
        .select_related("member__user")
    ]


@transaction.atomic
def roulette_answer(*, member: Member, seat_id: int, met: bool) -> RouletteSeat:
    """ "Did you meet?": a yes records MET with each other member of the group (the ledger),
    which the ties graph reads at its next refresh (enqueued now)."""
    seat = (
        RouletteSeat.objects.select_for_update()
        .select_related("round__space")
        .filter(pk=seat_id, member=member)
        .first()
    )
    if seat is None:
        raise DomainError(_("This roulette meeting is not yours."))
    if seat.round.meet_on > timezone.localdate():
        raise DomainError(_("This meeting has not happened yet."))
    if seat.met is not None:
        raise DomainError(_("You already answered."))
    seat.met = bool(met)
    seat.answered_at = timezone.now()
    seat.save(update_fields=["met", "answered_at"])
    if seat.met:
        others = RouletteSeat.objects.filter(round_id=seat.round_id, group=seat.group).exclude(
            pk=seat.pk
        )
        for other in others.select_related("member"):
            activity_record(
                member=member,
                kind=ActivityKind.MET,
                space=seat.round.space,
                target=other.member,
                payload={"roulette": seat.round_id},
            )
        _refresh_ties_later(member.operator_id)
    return seat


# --- teams -----------------------------------------------------------------------------------


def _team_for(project: Project, skill_ids: list[int]) -> tuple[teams.Team | None, set[int]]:
    """The team RarestFirst proposes (None if none covers every skill), and the skills that
    someone the project's author may see holds."""
    creator = project.created_by
    viewer = viewer_for_user(creator.user, operator_id=creator.operator_id)
    out_ids = opted_out_ids(project.operator_id)
    holders: dict[int, set[int]] = defaultdict(set)
    for member_id, concept_id in ProfileSkill.objects.filter(
        concept_id__in=skill_ids,
        profile__member__operator_id=project.operator_id,
        profile__member__left_on__isnull=True,
    ).values_list("profile__member_id", "concept_id"):
        if member_id not in out_ids:
            holders[member_id].add(concept_id)
    profiles = Profile.objects.filter(member_id__in=holders).select_related(
        "member__home_space", "member__user"
    )
    seen = {p.member_id for p in profiles if "skills" in visible_sections(viewer, p)}
    today = timezone.localdate()
    loads = dict(
        TeamSeat.objects.filter(
            member_id__in=seen, accepted_at__isnull=False, project__ends_on__gte=today
        )
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    experts = [teams.Expert(m, frozenset(holders[m]), loads.get(m, 0)) for m in sorted(seen)]
    strengths = {}
    for a, b, s in Tie.objects.filter(
        Q(member_a_id__in=seen) & Q(member_b_id__in=seen)
    ).values_list("member_a_id", "member_b_id", "strength"):
        strengths[frozenset((a, b))] = s
    graph = ties.TiesGraph(strengths)
    held = {skill for expert in experts for skill in expert.skills}
    return teams.form_team(skill_ids, experts, graph.distance, max_size=project.size), held


@transaction.atomic
def project_create(
    *,
    by: Member,
    title: str,
    skills,
    size: int,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
) -> Project:
    """Describe a project and propose a team for it (RarestFirst over the ties graph)."""
    title = (title or "").strip()
    # Concepts, their ids, or the words a person typed (linked to the taxonomy as a profile's
    # skills are: a word nobody has linked before becomes a tag, and nobody holds it yet).
    ids = [s for s in skills if isinstance(s, int)]
    by_id = SkillConcept.objects.in_bulk(ids)
    if len(by_id) < len(set(ids)):
        raise DomainError(_("Unknown skill."), field="skills")
    skills = skills_resolve_all([by_id[s] if isinstance(s, int) else s for s in skills])
    if not title:
        raise DomainError(_("Give the project a title."), field="title")
    if not skills:
        raise DomainError(_("Choose at least one skill."), field="skills")
    if not 1 <= size <= MAX_PROJECT_SIZE:
        raise DomainError(
            _("A team has between 1 and %(n)s people.") % {"n": MAX_PROJECT_SIZE}, field="size"
        )
    if ends_on < starts_on:
        raise DomainError(_("The project ends before it starts."), field="ends_on")
    project = Project.objects.create(
        operator_id=by.operator_id,
        created_by=by,
        title=title,
        description=description,
        size=size,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    project.skills.set(skills)
    team_propose(project=project)
    return project


@transaction.atomic
def team_propose(*, project: Project) -> list[TeamSeat]:
    """Replace the proposals not yet answered by a new team; refuses if no team covers it."""
    skill_ids = sorted(project.skills.values_list("pk", flat=True))
    team, held = _team_for(project, skill_ids)
    if team is None:
        missing = project.skills.exclude(pk__in=held)
        if missing:
            raise DomainError(
                _("Nobody in your community lists these skills yet: %(skills)s.")
                % {"skills": ", ".join(sorted(concept.label() for concept in missing))},
                field="skills",
            )
        raise DomainError(
            _("No team of at most %(n)s members covers every skill yet.") % {"n": project.size},
            field="skills",
        )
    project.seats.filter(accepted_at__isnull=True, declined_at__isnull=True).delete()
    brings: dict[int, list[int]] = defaultdict(list)
    for skill, member_id in team.covers:
        brings[member_id].append(skill)
    seats = []
    for member_id in team.members:
        seat, _created = TeamSeat.objects.get_or_create(project=project, member_id=member_id)
        seat.skills.set(brings.get(member_id, []))
        seats.append(seat)
    activity_record(
        member=project.created_by,
        kind=ActivityKind.TEAM_PROPOSED,
        target=project,
        payload={"members": list(team.members)[:20], "cost": round(team.cost, 3)},
    )
    return seats


@transaction.atomic
def team_seat_answer(*, member: Member, seat_id: int, accept: bool) -> TeamSeat:
    seat = TeamSeat.objects.select_for_update().filter(pk=seat_id, member=member).first()
    if seat is None:
        raise DomainError(_("This proposal is not yours."))
    if seat.accepted_at is not None or seat.declined_at is not None:
        raise DomainError(_("You already answered."))
    now = timezone.now()
    if accept:
        seat.accepted_at = now
        activity_record(member=member, kind=ActivityKind.TEAM_ACCEPTED, target=seat.project)
    else:
        seat.declined_at = now
    seat.save(update_fields=["accepted_at", "declined_at"])
    return seat
