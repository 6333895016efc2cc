"""Introductions: double opt-in, the profile gate, emails, the one-week follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.exchange.models import ExchangePreference, IntroductionStatus
from maillage.exchange.services import introduction_answer, introduction_propose
from maillage.members.services.profiles import profile_get_or_create

pytestmark = pytest.mark.django_db


def test_it_connects_two_members_only_after_both_accept(personas, community, run_worker, committed):
    with committed():
        intro = introduction_propose(
            by=personas.malik, a=personas.ines, b=community.anna, note="Contrats"
        )
    assert intro.status == IntroductionStatus.PENDING
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "ines@example.org"]
    # No contact details before both opted in.
    assert all(
        "anna@example.org" not in m.body and "ines@example.org" not in m.body for m in mail.outbox
    )
    mail.outbox.clear()

    with committed():
        introduction_answer(introduction=intro, member=personas.ines, accept=True)
    run_worker()
    assert mail.outbox == []
    with committed():
        intro = introduction_answer(introduction=intro, member=community.anna, accept=True)
    assert intro.status == IntroductionStatus.CONNECTED
    run_worker()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "anna@example.org" in by_to["ines@example.org"].body
    assert "ines@example.org" in by_to["anna@example.org"].body
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {ActivityKind.INTRODUCED, ActivityKind.INTRODUCTION_ACCEPTED} <= kinds


def test_it_schedules_the_follow_up_a_week_later(personas, community, run_worker, committed):
    with committed():
        intro = introduction_propose(by=personas.ines, a=personas.ines, b=community.anna)
    with committed():
        introduction_answer(introduction=intro, member=community.anna, accept=True)
    run_worker()
    mail.outbox.clear()
    pending = DBTaskResult.objects.filter(task_path__endswith="introduction_notify", status="READY")
    assert pending.count() == 1
    due = pending.get()
    assert due.run_after >= timezone.now() + dt.timedelta(days=6, hours=23)
    run_worker()
    assert mail.outbox == []  # not yet
    DBTaskResult.objects.filter(pk=due.pk).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )
    intro.connected_at = timezone.now() - dt.timedelta(days=7)
    intro.save(update_fields=["connected_at"])
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "ines@example.org"]
    assert all(f"/exchange/outcomes/new/?introduction={intro.pk}" in m.body for m in mail.outbox)


def test_a_decline_shares_nothing(personas, community, run_worker, committed):
    with committed():
        intro = introduction_propose(by=personas.ines, a=personas.ines, b=community.anna)
    run_worker()
    assert [m.to[0] for m in mail.outbox] == ["anna@example.org"]
    with committed():
        intro = introduction_answer(introduction=intro, member=community.anna, accept=False)
    assert intro.status == IntroductionStatus.DECLINED
    run_worker()
    assert len(mail.outbox) == 1
    with pytest.raises(DomainError, match="already been answered"):
        introduction_answer(introduction=intro, member=personas.ines, accept=True)


@pytest.mark.parametrize(
    "case, message",
    [
        ("self", "themselves"),
        ("other_operator", "only introduce members you can see"),
        ("pending", "already pending"),
        ("opted_out", "does not accept introductions"),
        ("unlisted", "cannot see each other"),
        ("stranger", "Ask for the introduction"),
    ],
)
def test_it_refuses_what_is_not_allowed(personas, community, case, message):
    by, a, b = personas.malik, personas.ines, community.anna
    if case == "self":
        b = a
    elif case == "other_operator":
        b = personas.zoe
    elif case == "pending":
        introduction_propose(by=by, a=a, b=b)
    elif case == "opted_out":
        ExchangePreference.objects.create(member=b, accepts_introductions=False)
    elif case == "unlisted":
        profile = profile_get_or_create(b)
        profile.listed = False
        profile.save()
    elif case == "stranger":
        by = b
    with pytest.raises(DomainError, match=message):
        introduction_propose(by=by, a=a, b=b)


def test_a_member_cannot_be_introduced_to_someone_hidden_from_them(personas, community):
    # Hugo (Le Quai) sees Anna only if her profile is visible across the operator.
    profile = profile_get_or_create(community.anna)
    for section in ("about", "skills", "offers", "needs", "interests", "availability"):
        setattr(profile, f"visibility_{section}", "space")
    profile.save()
    with pytest.raises(DomainError, match="cannot see each other"):
        introduction_propose(by=personas.hugo, a=personas.hugo, b=community.anna)
    # Inès, of the same space, still can.
    assert introduction_propose(by=personas.ines, a=personas.ines, b=community.anna).pk
