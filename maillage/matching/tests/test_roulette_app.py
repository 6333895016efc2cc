"""The roulette: opt-in per space, a manager runs a round, invitations by email, "did you meet?"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from maillage.core.errors import DomainError
from maillage.core.models import WEEKDAYS, Activity, ActivityKind
from maillage.matching import services
from maillage.matching.models import RouletteOptIn, RouletteRound, RouletteSeat, Tie

pytestmark = pytest.mark.django_db

EVERY_DAY = {day: [["08:00", "20:00"]] for day in WEEKDAYS}


@pytest.fixture(autouse=True)
def open_every_day(community):
    """These tests run rounds today and tomorrow, whatever day the suite runs: La Filature
    opens every day here (a round on a closed day is refused: tested below)."""
    community.p.filature.opening_hours = EVERY_DAY
    community.p.filature.save(update_fields=["opening_hours"])


def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


def join_all(community, *members):
    for m in members:
        services.roulette_join(member=m, space=community.p.filature)


def run(community, **kw):
    args = {
        "space": community.p.filature,
        "meet_on": tomorrow(),
        "meet_at": dt.time(12, 30),
        "place": "Cuisine du 2e",
    }
    return services.roulette_run(**{**args, **kw})


def test_joining_is_noted_in_the_ledger_once(community, login, client):
    login(community.p.ines)
    data = {"space": community.p.filature.pk, f"s{community.p.filature.pk}-frequency": "weekly"}
    assert client.post(reverse("matching_roulette"), data).status_code == 302
    client.post(reverse("matching_roulette"), data)
    assert RouletteOptIn.objects.get().member == community.p.ines
    assert Activity.objects.filter(kind=ActivityKind.ROULETTE_JOINED).count() == 1


def test_joining_another_operators_space_is_refused(community, login, client):
    login(community.p.ines)
    data = {"space": community.p.grenier_space.pk}
    client.post(reverse("matching_roulette"), data)
    assert not RouletteOptIn.objects.exists()


def test_a_manager_runs_a_round_and_each_member_of_a_pair_is_invited(
    community, login, client, run_worker, django_capture_on_commit_callbacks
):
    join_all(community, community.p.ines, community.sarah)
    login(community.p.malik)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff_roulette"),
            {
                "space": community.p.filature.pk,
                "kind": "lunch",
                "meet_on": tomorrow().isoformat(),
                "meet_at": "12:30",
                "place": "Cuisine du 2e",
                "group_size": "2",
            },
        )
    assert response.status_code == 302
    rnd = RouletteRound.objects.get()
    assert {s.member for s in rnd.seats.all()} == {community.p.ines, community.sarah}
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ines@example.org", "sarah@example.org"]
    to_ines = next(m for m in mail.outbox if m.to == ["ines@example.org"])
    assert (
        "Sarah Test" in to_ines.body and "Cuisine du 2e" in to_ines.body and "12:30" in to_ines.body
    )
    run_worker()  # running again sends nothing twice
    assert len(mail.outbox) == 2


def test_odd_counts_make_one_group_of_three(community):
    join_all(community, community.p.ines, community.sarah, community.paul)
    rnd = run(community)
    assert set(rnd.seats.values_list("group", flat=True)) == {1}
    assert rnd.seats.count() == 3


def test_pairs_that_met_are_not_paired_again_while_avoidable(community, personas):
    from maillage.core.tests.factories import MemberFactory, UserFactory

    extra = MemberFactory(user=UserFactory(email="lea@example.org"), home_space=personas.filature)
    join_all(community, community.p.ines, community.sarah, community.paul, extra)
    first = run(community)
    pairs = {
        frozenset(first.seats.filter(group=g).values_list("member_id", flat=True)) for g in (1, 2)
    }
    RouletteOptIn.objects.update(frequency="weekly")
    RouletteSeat.objects.update(met=True)
    second = run(community, meet_on=tomorrow() + dt.timedelta(days=7))
    again = {
        frozenset(second.seats.filter(group=g).values_list("member_id", flat=True)) for g in (1, 2)
    }
    assert not pairs & again


def test_a_member_who_joined_only_on_mondays_is_left_out_on_other_days(community):
    day = tomorrow()
    services.roulette_join(
        member=community.p.ines, space=community.p.filature, days=[(day.weekday() + 1) % 7]
    )
    join_all(community, community.sarah, community.paul)
    rnd = run(community, meet_on=day)
    assert community.p.ines not in {s.member for s in rnd.seats.all()}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"meet_on": dt.date(2020, 1, 1)}, "meet_on"),
        ({"place": "  "}, "place"),
        ({"group_size": 7}, "group_size"),
    ],
)
def test_bad_rounds_are_refused_and_write_nothing(community, change, field):
    join_all(community, community.p.ines, community.sarah)
    with pytest.raises(DomainError) as exc:
        run(community, **change)
    assert exc.value.field == field
    assert not RouletteRound.objects.exists() and not RouletteSeat.objects.exists()


def test_a_round_needs_two_participants(community, login, client):
    join_all(community, community.p.ines)
    login(community.p.malik)
    response = client.post(
        reverse("staff_roulette"),
        {
            "space": community.p.filature.pk,
            "kind": "lunch",
            "meet_on": tomorrow().isoformat(),
            "meet_at": "12:30",
            "place": "Cuisine",
            "group_size": "2",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not RouletteRound.objects.exists()


def test_members_cannot_run_rounds(community, login, client):
    login(community.p.ines)
    assert client.get(reverse("staff_roulette")).status_code == 403


def test_a_manager_cannot_run_a_round_in_a_space_he_does_not_run(community, login, client):
    login(community.p.malik)
    response = client.post(
        reverse("staff_roulette"),
        {
            "space": community.p.quai.pk,
            "kind": "lunch",
            "meet_on": tomorrow().isoformat(),
            "meet_at": "12:30",
            "place": "Cuisine",
            "group_size": "2",
        },
    )
    assert response.status_code == 200  # not one of his spaces: the form refuses it
    assert not RouletteRound.objects.exists()


def test_zoe_of_another_operator_sees_nothing_of_ruche_rounds(community, login, client):
    join_all(community, community.p.ines, community.sarah)
    run(community)
    login(community.p.zoe)
    page = client.get(reverse("staff_roulette")).content.decode()
    assert "Cuisine du 2e" not in page


def test_did_you_meet_records_met_and_feeds_the_ties(
    community, login, client, run_worker, django_capture_on_commit_callbacks
):
    join_all(community, community.p.ines, community.sarah)
    rnd = run(community, meet_on=timezone.localdate())
    seat = rnd.seats.get(member=community.p.ines)
    login(community.p.ines)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching_roulette_answer", args=[seat.pk]), {"met": "1"})
    seat.refresh_from_db()
    assert seat.met is True
    met = Activity.objects.get(kind=ActivityKind.MET)
    assert met.member == community.p.ines and met.target_id == community.sarah.pk
    run_worker()
    a, b = sorted((community.p.ines.pk, community.sarah.pk))
    assert Tie.objects.get(member_a_id=a, member_b_id=b).strength > 0.5


def test_one_cannot_answer_for_someone_else(community, login, client):
    join_all(community, community.p.ines, community.sarah)
    rnd = run(community, meet_on=timezone.localdate())
    seat = rnd.seats.get(member=community.sarah)
    login(community.p.ines)
    client.post(reverse("matching_roulette_answer", args=[seat.pk]), {"met": "1"})
    seat.refresh_from_db()
    assert seat.met is None and not Activity.objects.filter(kind=ActivityKind.MET).exists()


def test_the_member_page_lists_the_meeting_to_answer(community, login, client):
    join_all(community, community.p.ines, community.sarah)
    run(community, meet_on=timezone.localdate())
    login(community.p.ines)
    page = client.get(reverse("matching_roulette")).content.decode()
    assert "Sarah Test" in page and reverse("matching_roulette_answer", args=[1])[:-10] in page


def test_the_tick_asks_did_you_meet_once_after_the_day(
    community, run_worker, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    join_all(community, community.p.ines, community.sarah)
    with django_capture_on_commit_callbacks(execute=True):
        rnd = run(community)
    run_worker()
    mail.outbox.clear()
    call_command("matching_tick", verbosity=0)  # the day has not come: nothing to ask
    run_worker()
    assert mail.outbox == []
    RouletteRound.objects.filter(pk=rnd.pk).update(
        meet_on=timezone.localdate() - dt.timedelta(days=1)
    )
    call_command("matching_tick", verbosity=0)
    call_command("matching_tick", verbosity=0)
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ines@example.org", "sarah@example.org"]
    to_sarah = next(m for m in mail.outbox if m.to == ["sarah@example.org"])
    assert "Ines Moreau" in to_sarah.body and reverse("matching_roulette") in to_sarah.body


def test_a_round_on_a_day_the_space_is_closed_is_refused(community):
    from maillage.workspace.models import ClosedDay

    join_all(community, community.p.ines, community.sarah, community.paul)
    space = community.p.filature
    hours = dict(EVERY_DAY)
    del hours[WEEKDAYS[tomorrow().weekday()]]
    space.opening_hours = hours
    space.save(update_fields=["opening_hours"])
    with translation.override("en"), pytest.raises(DomainError, match="closed on") as refused:
        run(community)
    assert refused.value.field == "meet_on"
    later = tomorrow() + dt.timedelta(days=1)
    ClosedDay.objects.create(space=space, date=later, reason="Inventaire")
    with translation.override("en"), pytest.raises(DomainError, match="closed on"):
        run(community, meet_on=later)
    assert not RouletteRound.objects.exists()
    assert run(community, meet_on=later + dt.timedelta(days=1)).pk
