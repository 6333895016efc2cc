"""The demo loader goes through the services and is idempotent."""

from __future__ import annotations

import pytest

from maillage.exchange.demo import load_exchange
from maillage.exchange.models import Ask, Introduction, Opportunity, Outcome

pytestmark = pytest.mark.django_db


def test_it_loads_once(personas, community):
    first = load_exchange()
    assert first.loaded
    assert first.opportunities == Opportunity.objects.count() > 0
    assert Outcome.objects.count() == first.outcomes > 0
    assert Ask.objects.count() == first.asks > 0
    assert Introduction.objects.filter(status="connected").count() == first.introductions
    again = load_exchange()
    assert not again.loaded
    assert Opportunity.objects.count() == first.opportunities
