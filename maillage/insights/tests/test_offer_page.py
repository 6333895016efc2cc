"""The admin declares what the operator's offer contains (`/staff/insights/offer/`): who may,
what a bad declaration gets, and the figures that follow."""

from __future__ import annotations

import logging

import pytest
from django.utils import timezone

from maillage.core.tests.factories import OperatorFactory, SpaceFactory
from maillage.insights import services
from maillage.insights.models import EngagementSettings, MemberEngagementSnapshot
from maillage.insights.tests.helpers import joined_long_ago, weekly

pytestmark = pytest.mark.django_db

OFFER = "/staff/insights/offer/"


def declared(operator):
    return services.offer_declared(operator)


def test_only_the_operators_admins_may_declare_its_offer(login, personas):
    page = login(personas.claire).get(OFFER)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="workspace" checked' in html and "after a check-in" in html
    assert "left out of the share" in html  # perks, training, services: not measured
    for who in (personas.malik, personas.ines, personas.hugo):
        assert login(who).get(OFFER).status_code == 403
        response = login(who).post(OFFER, {"part": ["workspace"]})
        assert response.status_code == 403
    assert not EngagementSettings.objects.filter(operator=personas.ruche).exists()
    # Zoé, admin of Le Grenier, declares Le Grenier's offer, never Ruche & Co's.
    login(personas.zoe).post(OFFER, {"part": ["workspace", "events"]})
    assert declared(personas.grenier) == ("workspace", "events")
    assert declared(personas.ruche) == services.offers.MEASURABLE


def test_claire_declares_the_offer_and_this_months_shares_follow(
    login, personas, run_worker, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    joined_long_ago(personas.hugo)
    weekly(personas.hugo, weeks=20, kinds={"booked": 1}, today=today)
    services.insights_recompute(operator=personas.ruche)
    before = MemberEngagementSnapshot.objects.get(member=personas.hugo, day=today)
    # Every measurable part (8): Hugo used the workspace and the meeting rooms.
    assert before.offer_share == pytest.approx(2 / 8)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(personas.claire).post(
            OFFER, {"part": ["workspace", "meeting_rooms", "events", "perks"]}, follow=True
        )
    assert "Your offer has been saved" in response.content.decode()
    assert declared(personas.ruche) == ("workspace", "meeting_rooms", "events", "perks")
    run_worker()  # the recompute the change enqueued
    after = MemberEngagementSnapshot.objects.get(member=personas.hugo, day=today)
    # Perks are declared but not measured: 2 of the 3 measured parts.
    assert after.offer_share == pytest.approx(2 / 3)
    assert after.offer_used == ["workspace", "meeting_rooms"]


def test_a_bad_declaration_gets_a_message_and_changes_nothing(login, personas):
    client = login(personas.claire)
    client.post(OFFER, {"part": ["workspace", "events"]})
    for bad, message in (
        ({}, "Choose at least one part of your offer."),
        ({"part": ["workspace", "jacuzzi"]}, "Unknown parts of the offer: jacuzzi."),
        ({"part": ["perks", "training"]}, "Tick at least one part Maillage can see"),
    ):
        response = client.post(OFFER, bad)
        assert response.status_code == 400
        assert message in response.content.decode(), bad
        assert declared(personas.ruche) == ("workspace", "events")
    # What she ticked is still ticked on the page she gets back.
    html = client.post(OFFER, {"part": ["meeting_rooms", "jacuzzi"]}).content.decode()
    assert 'value="meeting_rooms" checked' in html and 'value="workspace" checked' not in html


def test_roaming_is_not_part_of_a_single_space_operators_default_offer(personas):
    assert "network" in declared(personas.ruche)  # three spaces
    assert "network" not in declared(personas.grenier)  # one
    EngagementSettings.objects.create(operator=personas.grenier, offer=["workspace", "network"])
    assert declared(personas.grenier) == ("workspace", "network")  # declared: kept


def test_one_operators_failure_does_not_stop_the_others(personas, caplog):
    broken = OperatorFactory(name="Cassé")
    SpaceFactory(operator=broken)
    # A declaration written around the form (an old row, a hand edit): unknown part.
    EngagementSettings.objects.create(operator=broken, offer=["jacuzzi"])
    with caplog.at_level(logging.ERROR, logger="maillage.insights.services"):
        reports = services.insights_recompute_all()
    assert {r.operator_id for r in reports} >= {personas.ruche.pk, personas.grenier.pk}
    assert broken.pk not in {r.operator_id for r in reports}
    assert f"the recompute of operator {broken.pk} failed" in caplog.text
