"""The indicator registry: golden values by hand, definitions, and small-cell suppression."""

from __future__ import annotations

import pytest

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


def test_it_says_what_the_waiting_indicators_need():
    waiting = {i.id for i in ind.INDICATORS if i.status == ind.NEEDS_DATA}
    assert waiting == {
        "time_to_first_answer",
        "business_declared",
        "ties_density",
        "cross_company_ties",
        "offer_used_share",
    }
    with pytest.raises(ValueError, match="exchange"):
        ind.get("time_to_first_answer").cells(SPACE)


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
