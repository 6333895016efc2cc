"""Golden values computed by hand, through the whole recompute (ledger → daily counts →
snapshots → indicator values), for the indicators the other golden tests do not cover end to
end: newcomers, no-shows, introductions accepted, time to first answer, business declared,
ties density and ties across companies, the share of the offer used; with suppression."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from maillage.core.services import activity_record_many
from maillage.core.tests.factories import MemberFactory
from maillage.insights import services
from maillage.insights.models import EngagementSettings, IndicatorValue
from maillage.insights.tests.helpers import TODAY, at, joined_long_ago, row, weekly
from maillage.members.models import Company, Profile

pytestmark = pytest.mark.django_db

JANUARY = dt.date(2026, 1, 1)


def value(indicator_id, operator, space=None, breakdown="", start=JANUARY):
    return IndicatorValue.objects.get(
        operator=operator,
        space=space,
        indicator_id=indicator_id,
        breakdown=breakdown,
        period_start=start,
    )


def targeted(member, kind, when, target_type, target_id, payload=None):
    return dataclasses.replace(
        row(member, kind, when), target_type=target_type, target_id=target_id, payload=payload
    )


@pytest.fixture
def town(personas):
    """La Filature: Inès and 11 more members who come Monday to Thursday for 20 weeks (12);
    Le Quai: Hugo and 2 more (3). Two newcomers joined at La Filature on 5 January."""
    filature = [personas.ines] + [MemberFactory(home_space=personas.filature) for _ in range(11)]
    quai = [personas.hugo] + [MemberFactory(home_space=personas.quai) for _ in range(2)]
    joined_long_ago(*filature, *quai)
    for member in filature + quai:
        weekly(member, weeks=20)
    newcomers = [MemberFactory(home_space=personas.filature) for _ in range(2)]
    joined_long_ago(*newcomers, on=dt.date(2026, 1, 5))
    return personas, filature, quai, newcomers


def test_newcomers_no_shows_and_introductions(town):
    personas, filature, quai, _ = town
    rows = []
    # 10 members of La Filature attend the lunch of 8 January, 2 of them also no-show on
    # the 13th; 1 member of Le Quai no-shows: 10 attended, 3 no-shows → 23.1 %.
    rows += [row(m, "attended", at(dt.date(2026, 1, 8), 12)) for m in filature[:10]]
    rows += [row(m, "no_show", at(dt.date(2026, 1, 13), 12)) for m in filature[:2]]
    rows += [row(quai[0], "no_show", at(dt.date(2026, 1, 13), 12))]
    # 6 introductions accepted by 5 members of La Filature.
    rows += [row(m, "introduction_accepted", at(dt.date(2026, 1, 9))) for m in filature[:5]]
    rows += [row(filature[0], "introduction_accepted", at(dt.date(2026, 1, 12)))]
    activity_record_many(rows)
    services.insights_recompute(operator=personas.ruche, today=TODAY)

    ruche = personas.ruche
    # Two newcomers, both at La Filature: fewer than 5, withheld everywhere (a 0 shown for
    # Le Quai gives nothing away).
    newcomers_total = value("newcomers", ruche)
    assert (newcomers_total.value, newcomers_total.cohort) == (None, 2)
    assert newcomers_total.suppressed
    assert value("newcomers", ruche, personas.filature).suppressed
    quai_newcomers = value("newcomers", ruche, personas.quai)
    assert (quai_newcomers.value, quai_newcomers.suppressed) == (0, False)
    no_shows = value("no_show_rate", ruche)
    assert (no_shows.value, no_shows.cohort) == (pytest.approx(23.1), 11)
    assert value("no_show_rate", ruche, personas.quai).suppressed  # 1 member
    intros = value("introductions_accepted", ruche)
    assert (intros.value, intros.cohort, intros.suppressed) == (6, 5, False)


def test_time_to_first_answer_and_business_declared(town):
    personas, filature, quai, _ = town
    ask = "exchange.ask"
    rows = []
    # Six asks by six members of La Filature on 6 January at 9:00, first answers after 1, 2,
    # 3, 4, 10 and 48 hours (a second, later answer to the first ask does not count); one
    # ask never answered. Median: (3 + 4) / 2 = 3.5 hours.
    posted = at(dt.date(2026, 1, 6), 9)
    for i, hours in enumerate((1, 2, 3, 4, 10, 48)):
        rows.append(targeted(filature[i], "posted", posted, ask, 100 + i))
        rows.append(
            targeted(filature[11], "answered", posted + dt.timedelta(hours=hours), ask, 100 + i)
        )
    rows.append(targeted(filature[0], "answered", posted + dt.timedelta(hours=30), ask, 100))
    rows.append(targeted(filature[6], "posted", posted, ask, 106))
    # Outcomes: 1,200 € and 300.50 € at La Filature, 500 € at Le Quai, one without amount,
    # and one with a broken amount; 5 members recorded one.
    outcome = "exchange.outcome"
    rows.append(
        targeted(filature[1], "outcome_recorded", at(TODAY), outcome, 1, {"amount": "1200"})
    )
    rows.append(
        targeted(filature[2], "outcome_recorded", at(TODAY), outcome, 2, {"amount": "300.50"})
    )
    rows.append(targeted(quai[1], "outcome_recorded", at(TODAY), outcome, 3, {"amount": "500"}))
    rows.append(targeted(filature[3], "outcome_recorded", at(TODAY), outcome, 4, {"amount": None}))
    rows.append(targeted(filature[4], "outcome_recorded", at(TODAY), outcome, 5, {"amount": "x"}))
    activity_record_many(rows)
    services.insights_recompute(operator=personas.ruche, today=TODAY)

    ruche = personas.ruche
    answer = value("time_to_first_answer", ruche)
    assert (answer.value, answer.cohort, answer.suppressed) == (3.5, 6, False)
    assert value("time_to_first_answer", ruche, personas.filature).value == 3.5
    business = value("business_declared", ruche)  # the quarter starts on 1 January too
    assert (business.value, business.cohort) == (None, 3) and business.suppressed
    aggregates = services.period_aggregates(ruche, services.Period(JANUARY, TODAY, "quarter"))
    assert aggregates[None]["business_amount"] == pytest.approx(2000.50)
    assert aggregates[None]["members_declared_business"] == 3


def test_ties_density_and_ties_across_companies(town):
    personas, filature, quai, _ = town
    acme = Company.objects.create(operator=personas.ruche, name="Acme")
    bolt = Company.objects.create(operator=personas.ruche, name="Bolt")
    for member, company in zip(filature[:6], (acme, acme, acme, bolt, bolt, bolt), strict=True):
        Profile.objects.update_or_create(member=member, defaults={"company": company})
    met = "core.member"
    pairs = [(0, 1), (0, 3), (1, 4), (2, 5), (3, 4), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11)]
    rows = [targeted(filature[a], "met", at(TODAY), met, filature[b].pk) for a, b in pairs]
    # Both directions of a meeting, and twice: one tie. Across spaces: only the total.
    rows.append(targeted(filature[1], "met", at(TODAY), met, filature[0].pk))
    rows.append(targeted(filature[0], "met", at(TODAY, 15), met, filature[1].pk))
    rows.append(targeted(quai[0], "met", at(TODAY), met, filature[0].pk))
    # Not a member: ignored.
    rows.append(targeted(filature[0], "met", at(TODAY), met, personas.malik.pk))
    activity_record_many(rows)
    services.insights_recompute(operator=personas.ruche, today=TODAY)

    ruche = personas.ruche
    # La Filature: 14 members (12 + 2 newcomers), 10 ties of the 91 possible pairs.
    filature_density = value("ties_density", ruche, personas.filature)
    assert (filature_density.value, filature_density.cohort) == (pytest.approx(10.99), 14)
    # The operator: 17 members, 11 ties of 136 possible pairs.
    total = value("ties_density", ruche)
    assert (total.value, total.cohort) == (pytest.approx(8.09), 17)
    # Companies known on both ends: (0,1) Acme–Acme, (0,3), (1,4), (2,5) across, (3,4)
    # Bolt–Bolt: 3 of 5 across, but only 6 members: withheld.
    aggregates = services.period_aggregates(ruche, services.Period(JANUARY, TODAY, "quarter"))
    assert aggregates[None]["ties_companies_known"] == 5
    assert aggregates[None]["ties_across_companies"] == 3
    cross = value("cross_company_ties", ruche)
    assert (cross.value, cross.cohort, cross.suppressed) == (None, 6, True)


def test_the_share_of_the_offer_used(town):
    personas, filature, _, _ = town
    EngagementSettings.objects.create(
        operator=personas.ruche, offer=["workspace", "events", "meeting_rooms", "training"]
    )
    # Everyone checks in (1 of the 3 measured parts; training is not measured); 6 members of
    # La Filature also attended, 3 of them booked a room.
    rows = [row(m, "attended", at(dt.date(2026, 1, 8), 12)) for m in filature[:6]]
    rows += [row(m, "booked", at(dt.date(2026, 1, 8), 14)) for m in filature[:3]]
    activity_record_many(rows)
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    ruche = personas.ruche
    # Shares: 3 members used all 3 parts, 3 used 2, 6 + Le Quai's 3 used 1, the 2
    # newcomers none: (3 + 2 + 2 + 6 × 1/3 … ) = (3 × 3 + 3 × 2 + 9 × 1) / 3 / 17 = 47.1 %.
    shares = [1] * 3 + [2 / 3] * 3 + [1 / 3] * 6 + [0] * 2 + [1 / 3] * 3
    assert round(100 * sum(shares) / len(shares), 1) == 47.1
    expected = round(100 * sum(shares) / len(shares), 1)
    share = value("offer_used_share", ruche)
    assert (share.value, share.cohort) == (expected, 17)
    events = value("offer_component_use", ruche, breakdown="events")
    assert events.value == round(100 * 6 / 17, 1)
    assert value("offer_used_share", ruche, personas.quai).suppressed  # 3 members
    # By segment: 15 tenants, whose shares sum to 3 × 1 + 3 × 2/3 + 9 × 1/3 = 8 (53.3 %),
    # and 2 newcomers (0). The newcomers are too few (2 < 10); the tenants' mean would give
    # theirs back (17 × 47.1 % − 15 × 53.3 %), so it is withheld too; both keep their cohorts.
    tenants = value("offer_used_share_by_segment", ruche, breakdown="tenant")
    newcomers = value("offer_used_share_by_segment", ruche, breakdown="newcomer")
    assert (tenants.value, tenants.cohort, tenants.suppressed) == (None, 15, True)
    assert (newcomers.value, newcomers.cohort, newcomers.suppressed) == (None, 2, True)
    aggregates = services.period_aggregates(ruche, services.Period(JANUARY, TODAY, "month"))
    sums = aggregates[None]["offer_share_sum_by_segment"]
    assert sums["tenant"] == pytest.approx(8.0) and sums["newcomer"] == 0


def test_a_past_quarters_ties_keep_a_member_who_left_after_it(town):
    """Ties density v2: the members at the ends of ties are those at the period's end, as
    `members` counts them. Two ties met in December; one of their members left on 5 January:
    the last quarter of 2025 still counts both ties and all 14 members of La Filature then."""
    personas, filature, _, _ = town
    met = "core.member"
    december = dt.date(2025, 12, 10)
    rows = [
        targeted(filature[0], "met", at(december), met, filature[1].pk),
        targeted(filature[2], "met", at(december), met, filature[3].pk),
    ]
    activity_record_many(rows)
    leaver = filature[3]
    leaver.left_on = dt.date(2026, 1, 5)
    leaver.save(update_fields=["left_on"])
    services.insights_recompute(operator=personas.ruche, today=TODAY, full=True)
    autumn = dt.date(2025, 10, 1)
    # La Filature at 31 December: 12 members (the 2 newcomers joined in January), 2 ties of
    # 66 possible pairs = 3.03 %; `members` agrees on who was there (its value is withheld
    # there, as the complement of Le Quai's 3: its cohort says it).
    density = value("ties_density", personas.ruche, personas.filature, start=autumn)
    assert (density.version, density.value, density.cohort) == (2, pytest.approx(3.03), 12)
    members = value("members", personas.ruche, personas.filature, start=dt.date(2025, 12, 1))
    assert (members.cohort, members.suppressed) == (12, True)
    # This quarter (to 14 January): the leaver is gone, so is the tie at his end.
    now = value("ties_density", personas.ruche, personas.filature)
    assert (now.value, now.cohort) == (1.28, 13)  # 1 tie of 78 pairs


def test_business_declared_is_shown_once_five_members_declared(town):
    """Five members of La Filature record business this quarter: 1,000 + 250.50 + 400 + 80
    + 1,500 = 3,230.50 €, shown for the operator (5 declarers, the minimum). La Filature's
    own cell holds the same five: shown too; Le Quai declared nothing (empty, not withheld)."""
    personas, filature, _, _ = town
    outcome = "exchange.outcome"
    amounts = ["1000", "250.50", "400", "80", "1500"]
    rows = [
        targeted(member, "outcome_recorded", at(TODAY), outcome, i, {"amount": amount})
        for i, (member, amount) in enumerate(zip(filature[:5], amounts, strict=True))
    ]
    activity_record_many(rows)
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    total = value("business_declared", personas.ruche)
    assert (total.value, total.cohort, total.suppressed) == (3230.50, 5, False)
    here = value("business_declared", personas.ruche, personas.filature)
    assert (here.value, here.cohort, here.suppressed) == (3230.50, 5, False)
    quai = value("business_declared", personas.ruche, personas.quai)
    assert (quai.value, quai.cohort, quai.suppressed) == (None, 0, False)
