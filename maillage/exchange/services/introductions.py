"""Introductions with double opt-in: `by` introduces `a` to `b`; each must accept before
either sees the other's contact details. Then one email to both, and a week later a
follow-up ("did it help?"), scheduled as a deferred task."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member
from maillage.core.services import activity_record
from maillage.exchange.models import (
    Answer,
    ExchangePreference,
    Introduction,
    IntroductionStatus,
)
from maillage.exchange.services.common import (
    language_of,
    sections_seen,
    send_email,
    site_url,
    viewer_of,
)

FOLLOW_UP_AFTER = dt.timedelta(days=7)
MAX_NOTE = 2_000
MAX_PENDING_PER_DAY = 20


def _display(member: Member) -> str:
    return member.user.get_full_name() or _("a member")


def _check_allowed(*, by: Member, a: Member, b: Member) -> None:
    if a.pk == b.pk or a.user_id == b.user_id:
        raise DomainError(_("A person cannot be introduced to themselves."))
    for m in (a, b, by):
        if not m.is_active or not m.user.is_active:
            raise DomainError(_("This member is no longer part of the community."))
    by_viewer = viewer_of(by)
    acting_for_self = by.pk == a.pk
    is_staff = by_viewer.is_staff_of(a.operator_id) and by_viewer.is_staff_of(b.operator_id)
    if not acting_for_self and not is_staff:
        if by.pk == b.pk:
            raise DomainError(_("Ask for the introduction from your own side."))
        if not (sections_seen(by_viewer, a) and sections_seen(by_viewer, b)):
            raise DomainError(_("You can only introduce members you can see in the directory."))
    # Both must be visible to each other, or the introduction would reveal someone.
    if not (sections_seen(viewer_of(a), b) and sections_seen(viewer_of(b), a)):
        raise DomainError(_("These two members cannot see each other's profiles."))
    for m in (a, b):
        pref = ExchangePreference.objects.filter(member=m).first()
        if (
            pref is not None
            and not pref.accepts_introductions
            and not (acting_for_self and m.pk == a.pk)
        ):
            raise DomainError(_("%(name)s does not accept introductions.") % {"name": _display(m)})
    between = Q(a=a, b=b) | Q(a=b, b=a)
    existing = Introduction.objects.filter(between).filter(
        status__in=(IntroductionStatus.PENDING, IntroductionStatus.CONNECTED)
    )
    if existing.filter(status=IntroductionStatus.PENDING).exists():
        raise DomainError(_("An introduction between these two members is already pending."))
    if existing.exists():
        raise DomainError(_("These two members are already connected."))
    recent = Introduction.objects.filter(
        by=by, created_at__gte=timezone.now() - dt.timedelta(days=1)
    ).count()
    if recent >= MAX_PENDING_PER_DAY:
        raise DomainError(_("You made many introductions today: try again tomorrow."))


@transaction.atomic
def introduction_propose(
    *, by: Member, a: Member, b: Member, note: str = "", source: str = "manual"
) -> Introduction:
    """`by` (staff, a member, or `a` themselves) proposes to introduce `a` to `b`.

    Refused with a DomainError when it is not allowed: the same person, members who may not
    see each other (profile gate), an introduction already pending or made, a member who
    does not accept introductions. When `a` asks for it, `a` has accepted already."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(_("The note is too long (2,000 characters at most)."), field="note")
    # Same order for every pair: two concurrent proposals wait for each other.
    for m in sorted((a, b), key=lambda m: m.pk):
        Member.objects.select_for_update().filter(pk=m.pk).first()
    _check_allowed(by=by, a=a, b=b)
    now = timezone.now()
    intro = Introduction(
        operator_id=a.operator_id,
        by=by,
        a=a,
        b=b,
        note=note,
        source=(source or "manual")[:20],
        created_at=now,
    )
    if by.pk == a.pk:
        intro.a_answer, intro.a_answered_at = Answer.ACCEPTED, now
    intro.save()
    activity_record(
        member=by,
        kind=ActivityKind.INTRODUCED,
        space=by.home_space,
        target=intro,
        payload={"a": a.pk, "b": b.pk, "source": intro.source},
    )
    _enqueue(intro.pk, "request")
    return intro


@transaction.atomic
def introduction_answer(
    *, introduction: Introduction, member: Member, accept: bool
) -> Introduction:
    """`member` (a or b) accepts or declines. When both have accepted, they are connected:
    each receives the other's contact details, and the follow-up is scheduled."""
    intro = Introduction.objects.select_for_update().get(pk=introduction.pk)
    side = intro.side_of(member.pk)
    if side is None:
        raise DomainError(_("This introduction is not addressed to you."))
    if intro.status != IntroductionStatus.PENDING:
        raise DomainError(_("This introduction has already been answered."))
    if getattr(intro, f"{side}_answer"):
        raise DomainError(_("You have already answered this introduction."))
    now = timezone.now()
    setattr(intro, f"{side}_answer", Answer.ACCEPTED if accept else Answer.DECLINED)
    setattr(intro, f"{side}_answered_at", now)
    if not accept:
        intro.status = IntroductionStatus.DECLINED
    elif intro.a_answer == Answer.ACCEPTED and intro.b_answer == Answer.ACCEPTED:
        intro.status = IntroductionStatus.CONNECTED
        intro.connected_at = now
    intro.save()
    if accept:
        activity_record(
            member=member,
            kind=ActivityKind.INTRODUCTION_ACCEPTED,
            space=member.home_space,
            target=intro,
        )
    if intro.status == IntroductionStatus.CONNECTED:
        _enqueue(intro.pk, "connected")
        _enqueue(intro.pk, "followup", run_after=now + FOLLOW_UP_AFTER)
    return intro


@transaction.atomic
def introduction_cancel(*, introduction: Introduction, member: Member) -> Introduction:
    intro = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if member.pk not in (intro.by_id, intro.a_id):
        raise DomainError(_("Only who made the introduction can cancel it."))
    if intro.status != IntroductionStatus.PENDING:
        raise DomainError(_("Only a pending introduction can be cancelled."))
    intro.status = IntroductionStatus.CANCELLED
    intro.save(update_fields=["status"])
    return intro


def _enqueue(intro_id: int, what: str, run_after: dt.datetime | None = None) -> None:
    from maillage.exchange import tasks

    def go() -> None:
        task = tasks.introduction_notify
        if run_after is not None:
            task = task.using(run_after=run_after)
        task.enqueue(introduction_id=intro_id, what=what)

    transaction.on_commit(go)


# --- emails (run by the worker) ------------------------------------------------------------------


def introduction_notice_send(
    *, introduction_id: int, what: str, now: dt.datetime | None = None
) -> int:
    """Send what is still true: requests to those who have not answered, the connection
    email (contact details) once, the follow-up once and not before its time."""
    now = now or timezone.now()
    with transaction.atomic():
        intro = (
            Introduction.objects.select_for_update(of=("self",))
            .select_related("a__user", "b__user", "by__user")
            .filter(pk=introduction_id)
            .first()
        )
        if intro is None:
            return 0
        sent = 0
        if (
            what == "request"
            and intro.status == IntroductionStatus.PENDING
            and intro.request_sent_at is None
        ):
            for side in ("a", "b"):
                if getattr(intro, f"{side}_answer"):
                    continue  # who asked for it has accepted already
                member = getattr(intro, side)
                other = intro.other(member.pk)
                send_email(
                    to=member.user.email,
                    language=language_of(member),
                    subject=gettext_lazy("An introduction to %(name)s"),
                    name=_display(other),
                    template="introduction_request",
                    context={
                        "intro": intro,
                        "member": member,
                        "other_name": _display(other),
                        "by_name": _display(intro.by),
                        "by_self": intro.by_id == other.pk,
                        "url": site_url(f"/me/introductions/{intro.pk}/"),
                    },
                )
                sent += 1
            intro.request_sent_at = now
            intro.save(update_fields=["request_sent_at"])
        elif (
            what == "connected"
            and intro.status == IntroductionStatus.CONNECTED
            and intro.connected_sent_at is None
        ):
            for member in (intro.a, intro.b):
                other = intro.other(member.pk)
                send_email(
                    to=member.user.email,
                    language=language_of(member),
                    subject=gettext_lazy("You are connected with %(name)s"),
                    name=_display(other),
                    template="introduction_connected",
                    context={
                        "intro": intro,
                        "member": member,
                        "other_name": _display(other),
                        "other_email": other.user.email,
                        "note": intro.note,
                    },
                )
                sent += 1
            intro.connected_sent_at = now
            intro.save(update_fields=["connected_sent_at"])
        elif (
            what == "followup"
            and intro.status == IntroductionStatus.CONNECTED
            and intro.followup_sent_at is None
            and intro.connected_at is not None
            and now >= intro.connected_at + FOLLOW_UP_AFTER - dt.timedelta(minutes=5)
        ):
            for member in (intro.a, intro.b):
                other = intro.other(member.pk)
                send_email(
                    to=member.user.email,
                    language=language_of(member),
                    subject=gettext_lazy("Did your introduction to %(name)s help?"),
                    name=_display(other),
                    template="introduction_followup",
                    context={
                        "member": member,
                        "other_name": _display(other),
                        "url": site_url(f"/exchange/outcomes/new/?introduction={intro.pk}"),
                    },
                )
                sent += 1
            intro.followup_sent_at = now
            intro.save(update_fields=["followup_sent_at"])
        return sent
