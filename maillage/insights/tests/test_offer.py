"""Offer usage: which declared parts of the offer members used, and the share of it."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.core.services import ActivityRow, activity_record_many
from maillage.insights import offer, services
from maillage.insights.models import EngagementSettings, MemberEngagementSnapshot
from maillage.insights.tests.helpers import TODAY, at, joined_long_ago, weekly


def test_it_measures_every_part_it_can_see_when_nothing_is_declared():
    assert offer.declared(None) == offer.MEASURABLE
    assert "perks" not in offer.MEASURABLE and "workspace" in offer.MEASURABLE


def test_it_keeps_the_declared_parts_in_the_registry_order():
    assert offer.declared(["events", "workspace", "perks"]) == ("workspace", "events", "perks")
    with pytest.raises(offer.OfferError, match="jacuzzi"):
        offer.declared(["workspace", "jacuzzi"])


def test_it_finds_the_parts_a_member_used():
    declared = ("workspace", "meeting_rooms", "events", "network", "perks")
    used = offer.used_components(
        {"checked_in": 12, "attended": 1, "booked": 0}, roamed=False, declared_keys=declared
    )
    assert used == ("workspace", "events")
    assert offer.used_components({}, roamed=True, declared_keys=declared) == ("network",)


def test_it_leaves_parts_it_cannot_see_out_of_the_share():
    # Perks are declared but not measured: 2 of the 4 measured parts used is 50 %.
    declared = ("workspace", "meeting_rooms", "events", "network", "perks")
    assert offer.share(("workspace", "events"), declared) == 0.5
    assert offer.share((), ("perks", "services")) is None


@pytest.mark.django_db
def test_it_records_each_members_use_of_the_offer(personas):
    joined_long_ago(personas.hugo, personas.ines)
    EngagementSettings.objects.create(
        operator=personas.ruche, offer=["workspace", "meeting_rooms", "events", "network"]
    )
    weekly(personas.hugo, weeks=20, kinds={"booked": 1})
    weekly(personas.ines, weeks=20, kinds={"attended": 1})
    # Inès worked once from Le Quai: roaming.
    activity_record_many(
        [
            ActivityRow(
                operator_id=personas.ruche.pk,
                member_id=personas.ines.pk,
                kind="checked_in",
                occurred_at=at(TODAY - dt.timedelta(days=2)),
                space_id=personas.quai.pk,
            )
        ]
    )
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    hugo = MemberEngagementSnapshot.objects.get(member=personas.hugo, day=TODAY)
    ines = MemberEngagementSnapshot.objects.get(member=personas.ines, day=TODAY)
    assert (hugo.offer_used, hugo.offer_share) == (["workspace", "meeting_rooms"], 0.5)
    assert (ines.offer_used, ines.offer_share) == (["workspace", "events", "network"], 0.75)
