"""Outcomes, thanks, the value ledger, and the quality floor of every logged decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.exchange.models import ExchangePreference, RoutingDecisionLog, Thanks
from maillage.exchange.selectors import value_for_member
from maillage.exchange.services import (
    introduction_answer,
    introduction_propose,
    opportunity_submit_public,
    outcome_record,
    thanks_send,
)

pytestmark = pytest.mark.django_db


def connected(personas, community):
    intro = introduction_propose(by=personas.malik, a=personas.ines, b=community.anna)
    introduction_answer(introduction=intro, member=personas.ines, accept=True)
    return introduction_answer(introduction=intro, member=community.anna, accept=True)


def test_either_side_of_an_introduction_records_who_helped_whom(personas, community):
    intro = connected(personas, community)
    outcome = outcome_record(
        by=community.anna, introduction=intro, terms="free", satisfaction=5, provider_is_me=True
    )
    assert (outcome.provider, outcome.beneficiary) == (community.anna, personas.ines)
    assert value_for_member(community.anna)["given"].helps == 1
    assert Activity.objects.filter(kind=ActivityKind.HELPED, member=community.anna).exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"terms": "paid", "satisfaction": 5}, "amount"),
        ({"terms": "paid", "amount": "-3", "satisfaction": 5}, "between 0"),
        ({"terms": "paid", "amount": "abc", "satisfaction": 5}, "must be a number"),
        ({"terms": "exchange", "satisfaction": 5}, "what was exchanged"),
        ({"terms": "free", "satisfaction": 9}, "from 1 to 5"),
    ],
)
def test_bad_outcomes_are_refused(personas, community, fields, message):
    intro = connected(personas, community)
    with pytest.raises(DomainError, match=message):
        outcome_record(by=community.anna, introduction=intro, **fields)


def test_strangers_cannot_record_an_outcome(personas, community):
    intro = connected(personas, community)
    with pytest.raises(DomainError, match="connected members"):
        outcome_record(by=personas.hugo, introduction=intro, terms="free", satisfaction=4)


def test_thanks_follow_the_profile_gate(personas, community, login):
    thanks_send(
        sender=personas.ines, recipient=community.anna, message="Merci !", is_recommendation=True
    )
    assert Thanks.objects.get().is_recommendation
    with pytest.raises(DomainError, match="yourself"):
        thanks_send(sender=personas.ines, recipient=personas.ines, message="Moi")
    with pytest.raises(DomainError, match="can see"):
        thanks_send(sender=personas.zoe, recipient=community.anna, message="?")
    url = reverse("exchange_thanks_new") + f"?to={community.anna.pk}"
    assert login(personas.zoe).get(url).status_code == 404


def test_every_decision_keeps_the_quality_floor(personas, community):
    for i in range(4):
        opportunity_submit_public(
            space=personas.filature,
            name="P",
            email=f"p{i}@client.example",
            ip=f"192.0.2.{i}",
            title="Relecture de contrats",
            description="droit des contrats",
        )
    decisions = list(RoutingDecisionLog.objects.all())
    assert len(decisions) == 4
    assert all(d.quality >= d.quality_floor - 1e-9 for d in decisions)


def test_members_choose_their_opportunities(personas, community, login):
    client = login(community.anna)
    response = client.post(
        reverse("exchange_preferences"),
        {"wants_opportunities": "on", "opportunity_kinds": ["tender"], "accepts_introductions": ""},
    )
    assert response.status_code == 302
    pref = ExchangePreference.objects.get(member=community.anna)
    assert pref.opportunity_kinds == ["tender"] and not pref.accepts_introductions
    opp = opportunity_submit_public(
        space=personas.filature,
        name="P",
        email="p@client.example",
        title="Relecture de contrats",
        description="droit des contrats",
        kind="client",
    )
    assert community.anna.pk not in {o.member_id for o in opp.offers.all()}


def test_staff_pause_a_member_from_the_audit_page(personas, community, login):
    url = reverse("exchange_staff_pause", args=[community.anna.pk])
    assert login(personas.ines).post(url, {"paused": "1"}).status_code == 403
    assert login(personas.zoe).post(url, {"paused": "1"}).status_code in (403, 404)
    login(personas.malik).post(url, {"paused": "1"})
    assert ExchangePreference.objects.get(member=community.anna).paused_at is not None
