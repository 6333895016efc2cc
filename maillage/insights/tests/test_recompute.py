"""The recompute service: ledger → daily counts → snapshots → indicators, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from maillage.core.models import Role
from maillage.core.services import activity_record_many
from maillage.core.tests.factories import MemberFactory
from maillage.insights import services
from maillage.insights.models import (
    DailyActivityCount,
    EngagementSettings,
    IndicatorValue,
    InsightsState,
    MemberEngagementSnapshot,
)
from maillage.insights.tests.helpers import TODAY, at, joined_long_ago, row, weekly

pytestmark = pytest.mark.django_db


def counts(member):
    return {
        (c.day, c.kind): c.n
        for c in DailyActivityCount.objects.filter(member=member).order_by("day", "kind")
    }


def snapshot(member, day=TODAY):
    return MemberEngagementSnapshot.objects.get(member=member, day=day)


def value(indicator_id, operator, space=None, breakdown="", start=dt.date(2026, 1, 1)):
    return IndicatorValue.objects.get(
        operator=operator,
        space=space,
        indicator_id=indicator_id,
        breakdown=breakdown,
        period_start=start,
    )


# --- daily counts ----------------------------------------------------------------------------


def test_it_counts_lines_by_local_day_and_kind(personas):
    hugo = personas.hugo
    activity_record_many(
        [
            row(hugo, "checked_in", at(dt.date(2026, 1, 5), 9)),
            row(hugo, "booked", at(dt.date(2026, 1, 5), 11)),
            row(hugo, "booked", at(dt.date(2026, 1, 5), 15)),
            # 23:30 UTC on the 5th is 00:30 on the 6th in Lyon: the 6th's line.
            row(hugo, "checked_in", dt.datetime(2026, 1, 5, 23, 30, tzinfo=dt.UTC)),
        ]
    )
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    assert counts(hugo) == {
        (dt.date(2026, 1, 5), "booked"): 2,
        (dt.date(2026, 1, 5), "checked_in"): 1,
        (dt.date(2026, 1, 6), "checked_in"): 1,
    }  # the "joined" line of the member record is not activity


def test_it_counts_again_only_the_days_with_new_lines(personas):
    hugo = personas.hugo
    activity_record_many([row(hugo, "checked_in", at(dt.date(2026, 1, 5)))])
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    first = InsightsState.objects.get(operator=personas.ruche).counted_up_to
    # A line written today about last week (a late check-in), and one today.
    activity_record_many(
        [
            row(hugo, "booked", at(dt.date(2026, 1, 5), 14)),
            row(hugo, "checked_in", at(dt.date(2026, 1, 13))),
        ]
    )
    report = services.insights_recompute(operator=personas.ruche, today=TODAY)
    assert report.recounted_days == 2 and report.counted_lines == 2
    assert counts(hugo) == {
        (dt.date(2026, 1, 5), "booked"): 1,
        (dt.date(2026, 1, 5), "checked_in"): 1,
        (dt.date(2026, 1, 13), "checked_in"): 1,
    }
    assert InsightsState.objects.get(operator=personas.ruche).counted_up_to > first
    again = services.insights_recompute(operator=personas.ruche, today=TODAY)
    assert again.recounted_days == 0
    assert len(counts(hugo)) == 3


def test_it_counts_the_same_with_a_full_recompute(personas):
    weekly(personas.hugo, weeks=3)
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    incremental = counts(personas.hugo)
    services.insights_recompute(operator=personas.ruche, today=TODAY, full=True)
    assert counts(personas.hugo) == incremental


# --- engagement snapshots --------------------------------------------------------------------


def test_it_segments_hugo_as_a_tenant_and_ines_as_a_coworker(personas):
    joined_long_ago(personas.hugo, personas.ines)
    weekly(personas.hugo, weeks=20)
    weekly(personas.ines, weeks=20, kinds={"attended": 1, "helped": 1})
    services.insights_recompute(operator=personas.ruche, today=TODAY)

    hugo = snapshot(personas.hugo)
    assert (hugo.segment, hugo.level) == ("tenant", 1)
    assert hugo.reasons == [
        ["days_per_week", 4],
        ["no_events", 0],
        ["no_exchange", 0],
        ["no_help", 0],
        ["window_weeks", 13],
    ]
    assert hugo.last_event_on is None
    assert hugo.last_seen_on == TODAY
    ines = snapshot(personas.ines)
    assert ines.segment == "coworker"
    assert ines.level == 3  # 8 presence points + 7 a week for 13 weeks, decayed: 56.9
    assert ines.last_event_on == dt.date(2026, 1, 12)


def test_it_leaves_staff_and_other_operators_out_of_the_segments(personas):
    joined_long_ago(personas.zoe, personas.ines, personas.hugo)
    weekly(personas.malik, weeks=4)
    weekly(personas.zoe, weeks=4)
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    segmented = set(MemberEngagementSnapshot.objects.values_list("member_id", flat=True))
    assert segmented == {personas.ines.pk, personas.hugo.pk}
    assert not DailyActivityCount.objects.filter(member=personas.zoe).exists()


def test_it_calls_a_member_who_just_joined_a_newcomer(personas):
    personas.ines.joined_on = TODAY - dt.timedelta(days=10)
    personas.ines.save()
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    assert snapshot(personas.ines).segment == "newcomer"


def test_it_starts_todays_level_from_yesterdays_snapshot(personas):
    # 4 events this week: 12 points. From nothing that is level 1 (explorer); a member who
    # was a participant yesterday stays one (12 ≥ 11.25, the participant's down threshold).
    joined_long_ago(personas.ines, personas.hugo)
    activity_record_many([row(personas.ines, "attended", at(TODAY, 12)) for _ in range(4)])
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    assert snapshot(personas.ines).level == 1
    yesterday = TODAY - dt.timedelta(days=1)
    MemberEngagementSnapshot.objects.filter(member=personas.ines).update(day=yesterday, level=2)
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    today = snapshot(personas.ines)
    assert (today.previous_level, today.level) == (2, 2)


def test_it_uses_the_operators_own_thresholds(personas):
    joined_long_ago(personas.hugo)
    weekly(personas.hugo, weeks=20)
    activity_record_many([row(personas.hugo, "attended", at(TODAY, 12)) for _ in range(2)])
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    assert snapshot(personas.hugo).segment == "tenant"
    EngagementSettings.objects.create(
        operator=personas.ruche, overrides={"coworker_min_actions": 2}
    )
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    assert snapshot(personas.hugo).segment == "coworker"


def test_it_keeps_month_ends_and_the_last_week_of_snapshots(personas):
    joined_long_ago(personas.hugo, personas.ines)
    weekly(personas.hugo, weeks=30)
    start = TODAY - dt.timedelta(days=11)
    services.insights_recompute(operator=personas.ruche, today=start, full=True)
    for forward in range(1, 12):
        services.insights_recompute(operator=personas.ruche, today=start + dt.timedelta(forward))
    days = sorted(set(MemberEngagementSnapshot.objects.values_list("day", flat=True)))
    # 30 weeks of ledger from 2025-06-23: month ends from 13 weeks after that day.
    assert days[0] == dt.date(2025, 9, 30)
    assert dt.date(2025, 12, 31) in days
    assert [d for d in days if d > dt.date(2025, 12, 31)] == [
        TODAY - dt.timedelta(days=n) for n in range(7, -1, -1)
    ]


# --- indicators ------------------------------------------------------------------------------


@pytest.fixture
def community(personas):
    """Filature: Inès and 5 more coworkers (an event and a help a week), 6 tenants.
    Le Quai: Hugo and one more tenant. Everyone comes Monday to Thursday, for 20 weeks."""
    coworkers = [personas.ines] + [MemberFactory(home_space=personas.filature) for _ in range(5)]
    tenants = [MemberFactory(home_space=personas.filature) for _ in range(6)]
    quai = [personas.hugo, MemberFactory(home_space=personas.quai)]
    joined_long_ago(*coworkers, *tenants, *quai)
    for member in coworkers:
        weekly(member, weeks=20, kinds={"attended": 1, "helped": 1})
    for member in tenants + quai:
        weekly(member, weeks=20)
    activity_record_many([row(personas.malik, "introduced", at(TODAY, 11)) for _ in range(3)])
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    return personas


def test_it_counts_active_members_and_withholds_small_spaces(community):
    ruche, filature, quai = community.ruche, community.filature, community.quai
    total = value("active_members", ruche)
    assert (total.value, total.cohort, total.suppressed) == (14, 14, False)
    assert (total.period_start, total.period_end) == (dt.date(2026, 1, 1), TODAY)
    small = value("active_members", ruche, quai)
    assert (small.value, small.cohort, small.suppressed) == (None, 2, True)
    # Filature's 12 would give Le Quai's 2 back from the total: withheld as its complement.
    big = value("active_members", ruche, filature)
    assert (big.value, big.cohort, big.suppressed) == (None, 12, True)


def test_it_computes_event_participation_per_space(community):
    ruche = community.ruche
    assert value("event_participation_rate", ruche).value == pytest.approx(100 * 6 / 14, abs=0.1)
    assert value("event_participation_rate", ruche, community.quai).suppressed
    # La Filature's rate is 6 of its 12 active members, 50 %; but its cohort, 12, would give
    # back Le Quai's withheld 2 active members (14 − 12): withheld with that count.
    filature = value("event_participation_rate", ruche, community.filature)
    assert (filature.value, filature.cohort, filature.suppressed) == (None, 12, True)
    aggregates = services.period_aggregates(
        ruche, services.Period(dt.date(2026, 1, 1), TODAY, "month")
    )
    assert aggregates[community.filature.pk]["members_attended"] == 6


def test_it_counts_days_present_in_the_period(community):
    # Monday to Thursday from 1 to 14 January 2026: the 1st, 5–8 and 12–14: 8 days each.
    assert value("check_in_days", community.ruche).value == 14 * 8


def test_it_counts_segments_at_the_end_of_the_period(community):
    ruche = community.ruche
    assert value("members_by_segment", ruche, breakdown="coworker").value == 6
    assert value("members_by_segment", ruche, breakdown="tenant").value == 8
    assert value("members", ruche).value == 14
    assert value("drifting_members", ruche).value == 0


def test_it_withholds_host_concentration_over_too_few_contributors(community):
    # Contributions: Malik's 3 introductions, 2 helps from each of the 6 coworkers: 15 in
    # all; 3 + 2 + 2 = 7 < 7.5 ≤ 9: four people make half of them, but only 7 contributed.
    concentration = value("host_concentration", community.ruche)
    assert (concentration.cohort, concentration.suppressed, concentration.value) == (7, True, None)
    aggregates = services.period_aggregates(
        community.ruche, services.Period(dt.date(2026, 1, 1), TODAY, "month")
    )
    assert sorted(aggregates[None]["contributions"]) == [2, 2, 2, 2, 2, 2, 3]


def test_it_measures_tenants_who_became_coworkers_over_the_quarter(community):
    # A Filature tenant starts coming to events in January: 2 a week for 2 weeks.
    tenant = MemberFactory(home_space=community.filature)
    joined_long_ago(tenant)
    weekly(tenant, weeks=20)
    weekly(tenant, weeks=2, kinds={"attended": 2}, weekdays=(0,))
    services.insights_recompute(operator=community.ruche, today=TODAY, full=True)
    assert snapshot(tenant, dt.date(2025, 12, 31)).segment == "tenant"
    assert snapshot(tenant).segment == "coworker"
    aggregates = services.period_aggregates(
        community.ruche, services.Period(dt.date(2026, 1, 1), TODAY, "quarter")
    )
    assert aggregates[None]["tenants_at_start"] == 9
    assert aggregates[None]["tenants_now_coworkers"] == 1
    conversion = value("tenant_coworker_conversion", community.ruche)
    assert (conversion.cohort, conversion.suppressed) == (9, True)  # fewer than 10 tenants


def test_it_shows_the_conversion_once_ten_tenants_started_the_quarter(community):
    """8 tenants at the start of the quarter in the community, plus 3 more at La Filature: 11.
    Two of the new ones start coming to events in January (2 a week for 2 weeks) and become
    coworkers: 100 × 2 / 11 = 18.2 %, shown (11 ≥ 10)."""
    newcomers_to_events = []
    for i in range(3):
        tenant = MemberFactory(home_space=community.filature)
        joined_long_ago(tenant)
        weekly(tenant, weeks=20)
        if i < 2:
            weekly(tenant, weeks=2, kinds={"attended": 2}, weekdays=(0,))
            newcomers_to_events.append(tenant)
    services.insights_recompute(operator=community.ruche, today=TODAY, full=True)
    assert all(snapshot(t).segment == "coworker" for t in newcomers_to_events)
    conversion = value("tenant_coworker_conversion", community.ruche)
    assert (conversion.value, conversion.cohort, conversion.suppressed) == (18.2, 11, False)
    assert conversion.version == 2


def test_it_counts_members_drifting_away(community):
    """Five more members of La Filature came four days a week for months, then stopped
    five weeks ago: drifting away, and counted (5, the minimum cohort). None at Le Quai."""
    drifting = [MemberFactory(home_space=community.filature) for _ in range(5)]
    joined_long_ago(*drifting)
    for member in drifting:
        weekly(member, weeks=26, skip_recent_weeks=5, kinds={"attended": 1})
    services.insights_recompute(operator=community.ruche, today=TODAY, full=True)
    assert {snapshot(m).segment for m in drifting} == {"drifting"}
    total = value("drifting_members", community.ruche)
    assert (total.value, total.cohort, total.suppressed) == (5, 5, False)
    assert value("members_by_segment", community.ruche, breakdown="drifting").value == 5
    here = value("drifting_members", community.ruche, community.filature)
    assert (here.value, here.suppressed) == (5, False)
    assert value("drifting_members", community.ruche, community.quai).value == 0


def test_it_recomputes_every_operator_from_the_command(personas, capsys):
    weekly(personas.zoe, weeks=2)
    call_command("insights_recompute", "--today", TODAY.isoformat(), "--json")
    out = capsys.readouterr().out.strip().splitlines()
    assert [line.split('"operator": "')[1].split('"')[0] for line in out] == [
        personas.ruche.slug,
        personas.grenier.slug,
    ]
    assert MemberEngagementSnapshot.objects.filter(member=personas.zoe).count() == 0  # admin


def test_it_recomputes_from_the_task_worker(personas, run_worker):
    from maillage.insights.tasks import insights_recompute

    weekly(personas.hugo, weeks=2)
    insights_recompute.enqueue(operator_id=personas.ruche.pk)
    run_worker()
    assert MemberEngagementSnapshot.objects.filter(member=personas.hugo).exists()


def test_it_refuses_an_unknown_operator_in_the_command(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No operator"):
        call_command("insights_recompute", "--operator", "nowhere")


def test_it_keeps_staff_roles_out(personas):
    assert services.MEMBER_ROLES == (Role.MEMBER, Role.GUEST)


def test_active_members_are_among_the_members_of_the_period(community):
    """A tenant leaves on 7 January after coming in that week: in January they are neither a
    member at the period's end nor counted active (version 2); in December, when they were
    still there, they are both (members used to leave past months as soon as they left).
    Someone who came before joining is not an active member of that earlier month."""
    ruche = community.ruche
    leaver = next(
        m
        for m in ruche.members.filter(home_space=community.filature, role=Role.MEMBER)
        if not m.activities.filter(kind="attended").exists()
    )
    leaver.left_on = dt.date(2026, 1, 7)
    leaver.save(update_fields=["left_on"])
    # Someone came for a trial day in December and joined on 12 January: a member (and
    # active) in January, not in December.
    trial = MemberFactory(home_space=community.filature)
    joined_long_ago(trial, on=dt.date(2026, 1, 12))
    activity_record_many([row(trial, "checked_in", at(dt.date(2025, 12, 18), 9))])
    activity_record_many([row(trial, "checked_in", at(dt.date(2026, 1, 13), 9))])
    services.insights_recompute(operator=ruche, today=TODAY, full=True)

    january, december = dt.date(2026, 1, 1), dt.date(2025, 12, 1)
    assert value("members", ruche, start=january).value == 14  # 14 - the leaver + the trial
    assert value("active_members", ruche, start=january).value == 14  # was 15
    assert value("active_members", ruche, start=january).version == 2
    assert value("members", ruche, start=december).value == 14  # was 13
    assert value("active_members", ruche, start=december).value == 14  # was 15
    # Event participation: 6 coworkers of 14 active members in January.
    rate = value("event_participation_rate", ruche, start=january)
    assert (rate.value, rate.version) == (pytest.approx(100 * 6 / 14, abs=0.1), 2)
    # Never more active members than members, in any period both are computed for.
    values = IndicatorValue.objects.filter(operator=ruche, space=None, breakdown="")
    members = {v.period_start: v.value for v in values.filter(indicator_id="members")}
    compared = 0
    for active in values.filter(indicator_id="active_members", value__isnull=False):
        if members.get(active.period_start) is not None:
            assert active.value <= members[active.period_start], active.period_start
            compared += 1
    assert compared >= 2  # December and January
