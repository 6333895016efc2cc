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


# --- suppression across indicators -----------------------------------------------------------


def _segment_cells(place, members, **segments):
    cells = {("members", place, ""): Computed(members, members)}
    for segment in ind.SEGMENT_KEYS:
        n = segments.get(segment, 0)
        cells[("members_by_segment", place, segment)] = Computed(n, n)
    drifting = segments.get("drifting", 0)
    cells[("drifting_members", place, "")] = Computed(drifting, drifting)
    return cells


def _floor(key):
    return ind.get(key[0]).min_cohort


def test_a_withheld_segment_cannot_be_worked_out_from_the_members_total():
    # 44 members: 6 newcomers, 20 coworkers, 15 tenants, 3 occasional (withheld), 0 drifting.
    # Alone, the segments table would show 44 - (6 + 20 + 15) = 3: with `members` in the same
    # table, the smallest other non-empty segment (the newcomers) is withheld too.
    cells = _segment_cells(None, 44, newcomer=6, coworker=20, tenant=15, occasional=3)
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert hidden == {
        ("members_by_segment", None, "occasional"),
        ("members_by_segment", None, "newcomer"),
    }
    # Those who left ("gone") are not part of `members`: showing them recovers nothing.
    cells = _segment_cells(None, 41, coworker=20, tenant=18, occasional=3, gone=2)
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert ("members_by_segment", None, "gone") in hidden  # 2 < 5
    assert ("members_by_segment", None, "occasional") in hidden
    assert ("members_by_segment", None, "tenant") in hidden  # the complement of occasional


def test_members_drifting_away_are_withheld_with_their_segment_and_across_spaces():
    # The drifting segment of Le Quai is 3 (withheld); `drifting_members` repeats it, so it
    # is withheld there too, and then (its own spaces → operator group) another space's.
    cells = {
        **_segment_cells(None, 40, coworker=20, tenant=12, drifting=8),
        **_segment_cells("filature", 22, coworker=12, tenant=5, drifting=5),
        **_segment_cells("quai", 18, coworker=8, tenant=7, drifting=3),
    }
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert ("drifting_members", "quai", "") in hidden
    assert ("members_by_segment", "quai", "drifting") in hidden
    for place in (None, "filature", "quai"):  # withheld together, or shown together
        assert (("drifting_members", place, "") in hidden) == (
            ("members_by_segment", place, "drifting") in hidden
        )
    # No group of the table is left with exactly one withheld part under a shown total.
    table = ind.period_table(cells)
    for total, parts in table.groups:
        if total in table.cells and total not in hidden:
            withheld = [p for p in parts if p in hidden and table.cells[p].cohort > 0]
            assert len(withheld) != 1, (total, withheld)


def test_a_segments_use_of_a_part_cannot_be_worked_out_from_everyones_use():
    # 30 members used "events": 20 coworkers, 8 tenants (withheld: under 10), 2 newcomers
    # (withheld). Their numerators add up to everyone's: two withheld, nothing to recover.
    # With one withheld segment only, another goes with it.
    cells = {
        ("offer_component_use", None, "events"): Computed(50.0, 30),
        ("offer_use_by_segment", None, "coworker:events"): Computed(60.0, 20),
        ("offer_use_by_segment", None, "tenant:events"): Computed(25.0, 8),
        ("offer_use_by_segment", None, "newcomer:events"): Computed(100.0, 2),
    }
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert hidden == {
        ("offer_use_by_segment", None, "tenant:events"),
        ("offer_use_by_segment", None, "newcomer:events"),
    }
    del cells[("offer_use_by_segment", None, "newcomer:events")]
    cells[("offer_use_by_segment", None, "coworker:events")] = Computed(60.0, 22)
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert hidden == {
        ("offer_use_by_segment", None, "tenant:events"),
        ("offer_use_by_segment", None, "coworker:events"),
    }


def test_it_computes_the_share_of_the_offer_used_by_segment():
    a = {
        "offer_segment_members": {"tenant": 15, "coworker": 12, "gone": 0},
        "offer_share_sum_by_segment": {"tenant": 9.0, "coworker": 10.0},
    }
    cells = ind.get("offer_used_share_by_segment").cells(a)
    assert cells == {"tenant": Computed(60.0, 15), "coworker": Computed(83.3, 12)}


def test_a_segments_share_of_the_offer_cannot_be_worked_out_from_everyones():
    cells = {
        ("offer_used_share", None, ""): Computed(47.1, 17),
        ("offer_used_share_by_segment", None, "tenant"): Computed(60.0, 15),
        ("offer_used_share_by_segment", None, "newcomer"): Computed(0.0, 2),
    }
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert hidden == {
        ("offer_used_share_by_segment", None, "tenant"),
        ("offer_used_share_by_segment", None, "newcomer"),
    }


def test_a_rates_cohort_does_not_give_back_a_withheld_count():
    # Spaces A, B, C with 3, 12 and 30 members (45). A's 3 is withheld, B's 12 as its
    # complement; B's share of the offer used is computed on those 12: shown with that cohort,
    # it would give A back (45 − 12 − 30). So it is withheld with B's count.
    cells = {
        ("members", None, ""): Computed(45, 45),
        ("members", "A", ""): Computed(3, 3),
        ("members", "B", ""): Computed(12, 12),
        ("members", "C", ""): Computed(30, 30),
        ("offer_used_share", None, ""): Computed(50.0, 45),
        ("offer_used_share", "B", ""): Computed(40.0, 12),
        ("offer_used_share", "C", ""): Computed(55.0, 30),
    }
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert ("members", "B", "") in hidden
    assert ("offer_used_share", "B", "") in hidden
    # Then C's share alone with the operator's would give B's back: withheld too.
    assert ("offer_used_share", "C", "") in hidden


def test_a_withheld_rate_cannot_be_worked_out_from_the_operators_and_the_other_spaces():
    # Tenants' share of the offer: operator 47 % of 30, space 1 50 % of 27, space 2 over 3
    # (withheld): (47 × 30 − 50 × 27) / 3 would give it back; space 1's goes with it.
    cells = {
        ("offer_used_share_by_segment", None, "tenant"): Computed(47.0, 30),
        ("offer_used_share_by_segment", 1, "tenant"): Computed(50.0, 27),
        ("offer_used_share_by_segment", 2, "tenant"): Computed(20.0, 3),
    }
    hidden = ind.suppress(ind.period_table(cells), _floor)
    assert hidden == {
        ("offer_used_share_by_segment", 1, "tenant"),
        ("offer_used_share_by_segment", 2, "tenant"),
    }
    # The same for every rate whose numerator and cohort add up over spaces.
    rates = {i.id for i in ind.INDICATORS if i.spaces_add_up}
    assert {"event_participation_rate", "no_show_rate", "tenant_coworker_conversion"} <= rates
    assert "ties_density" not in rates  # the operator's pairs cross spaces: no sum
