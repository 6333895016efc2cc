"""The workspace's demo data: loaded through the services, after the demo network, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from maillage.core.models import Member
from maillage.workspace import services
from maillage.workspace.demo import load_workspace
from maillage.workspace.models import Booking, CheckIn, Membership, Plan, Resource
from maillage.workspace.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(request, settings):
    """No personas here (the demo brings its own); English where a test has them."""
    settings.LANGUAGE_CODE = "en"
    if "personas" in request.fixturenames:
        request.getfixturevalue("personas")
    yield


def test_it_imports_past_days_once_a_day_counting_them_against_the_plan(personas, ws):
    start = timezone.localdate() - dt.timedelta(days=30)
    services.membership_start(member=personas.hugo, plan=ws.ten_days, starts_on=start)
    space = personas.quai
    days = [start + dt.timedelta(days=i) for i in range(12)]
    rows = [services.CheckInRow(personas.hugo.pk, space.pk, at(space, d, "09:00")) for d in days]
    rows.append(services.CheckInRow(personas.hugo.pk, space.pk, at(space, days[0], "14:00")))
    assert services.checkin_import_many(rows) == 12
    billable = list(CheckIn.objects.order_by("day").values_list("billable", flat=True))
    assert billable == [False] * 10 + [True] * 2


def test_it_gives_the_demo_network_rooms_plans_and_memberships_once(db):
    from maillage.demo.generator import DemoConfig
    from maillage.demo.load import load_demo

    load_demo(DemoConfig(members=12, spaces=3, today=timezone.localdate()))
    result = load_workspace()
    assert result.loaded
    assert Resource.objects.filter(space__slug="la-filature", name="Salle Jacquard").exists()
    assert set(Plan.objects.values_list("name", flat=True)) >= {"Résident", "Pass 10 jours"}
    ines = Member.objects.get(user__email="ines@ruche.example")
    assert Membership.objects.get(member=ines).plan.name == "Résident"  # as the generator says
    assert Booking.objects.exists()
    again = load_workspace()
    assert not again.loaded and again.resources == result.resources
