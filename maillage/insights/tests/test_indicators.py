"""The indicator registry: golden values by hand, definitions, and small-cell suppression."""

from __future__ import annotations

from maillage.insights import indicators as ind
from maillage.insights.indicators import Computed, Table

# One space over one month, counted by hand: 24 members at the end of the month, of whom 20
# did something; 3 joined; 7 came to an event (9 attendances, 3 no-shows, by 8 members with
# an outcome); 2 introductions accepted by 2 members; 180 days present from 18 members.
SPACE = {
    "members": 24,
    "segments": {"tenant": 10, "coworker": 8, "newcomer": 3, "drifting": 2, "occasional": 1},
    "active_members": 20,
    "newcomers": 3,
    "members_checked_in": 18,
    "checkin_days": 180,
    "members_attended": 7,
    "attended": 9,
    "no_shows": 3,
    "members_with_outcome": 8,
    "introductions_accepted": 2,
    "members_accepted_introduction": 2,
    "contributions": [20, 9, 6, 3, 1, 1, 0],
    "tenants_at_start": 12,
    "tenants_now_coworkers": 3,
    # 4 asks by 3 members answered after 1, 2, 5 and 30 hours; 2 outcomes of 1,500 and 250 €
    # by 2 members; 46 of the 276 possible pairs of the 24 members have met, 40 of them with
    # both companies known (by 30 members), 30 of those across two companies.
    "answer_hours": [5.0, 1.0, 30.0, 2.0],
    "askers_answered": 3,
    "business_amount": 1750.0,
    "members_declared_business": 2,
    "ties": 46,
    "ties_companies_known": 40,
    "ties_across_companies": 30,
    "members_with_company_ties": 30,
}


def value(indicator_id, aggregates=SPACE, breakdown=""):
    return ind.get(indicator_id).cells(aggregates)[breakdown]


def test_it_counts_members_and_segments():
    assert value("members") == Computed(24, 24)
    assert value("members_by_segment", breakdown="tenant") == Computed(10, 10)
    assert value("members_by_segment", breakdown="gone") == Computed(0, 0)
    assert set(ind.get("members_by_segment").cells(SPACE)) == set(ind.SEGMENT_KEYS)


def test_it_counts_active_members_newcomers_and_drifting_members():
    assert value("active_members") == Computed(20, 20)
    assert value("newcomers") == Computed(3, 3)
    assert value("drifting_members") == Computed(2, 2)


def test_it_computes_the_conversion_of_tenants_into_coworkers():
    assert value("tenant_coworker_conversion") == Computed(25.0, 12)  # 3 / 12


def test_it_computes_event_participation_and_no_shows():
    assert value("event_participation_rate") == Computed(35.0, 20)  # 7 / 20
    assert value("no_show_rate") == Computed(25.0, 8)  # 3 / (9 + 3)


def test_it_finds_how_few_people_make_half_of_the_contributions():
    # 40 contributions; the largest contributor made 20: exactly half.
    assert value("host_concentration") == Computed(1, 6)
    assert ind.half_of_contributions([10, 10, 10, 10]) == 2
    assert ind.half_of_contributions([5, 4, 3, 2, 1]) == 2  # 9 of 15 ≥ 7.5
    assert ind.half_of_contributions([]) == 0


def test_it_counts_introductions_and_days_present_with_their_cohorts():
    assert value("introductions_accepted") == Computed(2, 2)
    assert value("check_in_days") == Computed(180, 18)


OFFER = {
    "offer_components": ("workspace", "events", "meeting_rooms"),
    "offer_members": 20,
    "offer_share_sum": 9.0,  # e.g. 7 members used all 3 parts, 2 two of them, 11 none...
    "offer_used": {"workspace": 18, "events": 5},
    "offer_segment_members": {"tenant": 12, "coworker": 8},
    "offer_used_by_segment": {
        "tenant:workspace": 12,
        "coworker:workspace": 6,
        "coworker:events": 5,
    },
}


def test_it_computes_the_share_of_the_offer_used():
    assert value("offer_used_share", OFFER) == Computed(45.0, 20)  # 9 / 20


def test_it_computes_the_use_of_each_part_of_the_offer():
    cells = ind.get("offer_component_use").cells(OFFER)
    assert cells == {
        "workspace": Computed(90.0, 20),
        "events": Computed(25.0, 20),
        "meeting_rooms": Computed(0.0, 20),
    }


def test_it_computes_the_heatmap_of_segments_and_parts():
    cells = ind.get("offer_use_by_segment").cells(OFFER)
    assert cells["tenant:workspace"] == Computed(100.0, 12)
    assert cells["tenant:events"] == Computed(0.0, 12)
    assert cells["coworker:events"] == Computed(62.5, 8)  # 5 / 8, on 8 < 10 members
    assert len(cells) == 6


def test_it_gives_no_rate_over_nobody():
    empty = {"members": 0}
    assert value("event_participation_rate", empty) == Computed(None, 0)
    assert value("no_show_rate", empty) == Computed(None, 0)
    assert value("tenant_coworker_conversion", empty) == Computed(None, 0)
    assert value("host_concentration", empty) == Computed(None, 0)


def test_it_describes_every_indicator_in_both_languages():
    for indicator in ind.INDICATORS:
        assert indicator.name.keys() == {"en", "fr"}, indicator.id
        assert indicator.definition.keys() == {"en", "fr"}, indicator.id
        assert indicator.formula and indicator.unit and indicator.min_cohort >= 5
        assert indicator.window in (ind.MONTH, ind.QUARTER)
        assert (indicator.compute is None) == (indicator.status == ind.NEEDS_DATA)
        if indicator.status == ind.NEEDS_DATA:
            assert indicator.needs


def test_it_computes_the_median_time_to_a_first_answer():
    assert value("time_to_first_answer") == Computed(3.5, 3)  # (2 + 5) / 2
    assert ind.median([4.0, 1.0, 9.0]) == 4.0
    assert value("time_to_first_answer", {}) == Computed(None, 0)


def test_it_sums_the_business_declared_between_members():
    assert value("business_declared") == Computed(1750.0, 2)
    assert value("business_declared", {}) == Computed(None, 0)


def test_it_computes_the_density_of_ties_and_the_ties_across_companies():
    assert value("ties_density") == Computed(16.67, 24)  # 46 / (24 × 23 / 2)
    assert value("cross_company_ties") == Computed(75.0, 30)  # 30 / 40
    assert value("ties_density", {"members": 1}) == Computed(None, 1)


def test_every_indicator_of_the_issue_is_computed():
    assert all(i.status == ind.READY for i in ind.INDICATORS)
    assert {
        "time_to_first_answer",
        "business_declared",
        "ties_density",
        "cross_company_ties",
        "tenant_coworker_conversion",
        "host_concentration",
    } <= set(ind.REGISTRY)


# --- suppression -----------------------------------------------------------------------------


def test_it_withholds_a_value_computed_on_too_few_members():
    table = Table(
        {"quai": Computed(50.0, 4), "filature": Computed(30.0, 12), "new": Computed(None, 0)}
    )
    assert ind.suppress(table, 5) == {"quai"}


def test_it_withholds_a_second_cell_so_the_first_cannot_be_recomputed():
    # Three spaces and the operator total: Le Quai has 3 newcomers (withheld), but the total
    # minus the others would give it back (14 − 6 − 5 = 3): the smallest other space goes too.
    table = Table(
        {
            "operator": Computed(14, 14),
            "filature": Computed(6, 6),
            "quai": Computed(3, 3),
            "belvedere": Computed(5, 5),
        },
        groups=[("operator", ["filature", "quai", "belvedere"])],
    )
    assert ind.suppress(table, 5) == {"quai", "belvedere"}


def test_it_does_not_pick_an_empty_cell_as_the_complement():
    table = Table(
        {
            "operator": Computed(14, 14),
            "filature": Computed(11, 11),
            "quai": Computed(3, 3),
            "belvedere": Computed(0, 0),
        },
        groups=[("operator", ["filature", "quai", "belvedere"])],
    )
    assert ind.suppress(table, 5) == {"quai", "filature"}


def test_it_leaves_a_group_alone_when_two_cells_are_already_withheld():
    table = Table(
        {
            "operator": Computed(20, 20),
            "a": Computed(2, 2),
            "b": Computed(3, 3),
            "c": Computed(15, 15),
        },
        groups=[("operator", ["a", "b", "c"])],
    )
    assert ind.suppress(table, 5) == {"a", "b"}


def test_it_protects_a_table_of_segments_by_space_in_both_directions():
    # Segments by space, with totals. Tenants at Le Quai (2) are withheld; Le Quai's row then
    # needs its coworkers withheld, the tenants' column Filature's tenants, and the coworkers'
    # column Filature's coworkers; then every group is safe.
    cells = {
        ("filature", "tenant"): Computed(6, 6),
        ("quai", "tenant"): Computed(2, 2),
        ("filature", "coworker"): Computed(9, 9),
        ("quai", "coworker"): Computed(7, 7),
        ("filature", ""): Computed(15, 15),
        ("quai", ""): Computed(9, 9),
        ("operator", "tenant"): Computed(8, 8),
        ("operator", "coworker"): Computed(16, 16),
        ("operator", ""): Computed(24, 24),
    }
    groups = [
        (("filature", ""), [("filature", "tenant"), ("filature", "coworker")]),
        (("quai", ""), [("quai", "tenant"), ("quai", "coworker")]),
        (("operator", ""), [("operator", "tenant"), ("operator", "coworker")]),
        (("operator", "tenant"), [("filature", "tenant"), ("quai", "tenant")]),
        (("operator", "coworker"), [("filature", "coworker"), ("quai", "coworker")]),
        (("operator", ""), [("filature", ""), ("quai", "")]),
    ]
    hidden = ind.suppress(Table(cells, groups), 5)
    assert hidden == {
        ("quai", "tenant"),
        ("quai", "coworker"),
        ("filature", "tenant"),
        ("filature", "coworker"),
    }
    # Every group with a withheld cell has at least two withheld (or a withheld total).
    for total, parts in groups:
        withheld = [p for p in parts if p in hidden]
        assert len(withheld) != 1 or total in hidden
