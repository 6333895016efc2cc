"""The matching demo loader: roulette participants through the service, once."""

from __future__ import annotations

import pytest

from maillage.core.models import Activity, ActivityKind
from maillage.matching.demo import load_matching
from maillage.matching.models import RouletteOptIn

pytestmark = pytest.mark.django_db


def test_it_signs_members_up_for_the_roulette_once(community):
    first = load_matching(seed=1)
    assert first.created
    assert first.optins == RouletteOptIn.objects.count() > 0
    # Staff run the roulette; they are not signed up for it.
    assert not RouletteOptIn.objects.filter(member__role__in=["admin", "manager"]).exists()
    # Every participant joined their own home space, recorded in the ledger.
    for optin in RouletteOptIn.objects.select_related("member"):
        assert optin.space_id == optin.member.home_space_id
    joined = Activity.objects.filter(kind=ActivityKind.ROULETTE_JOINED).count()
    assert joined == first.optins
    again = load_matching(seed=1)
    assert not again.created
    assert RouletteOptIn.objects.count() == first.optins
