"""Engagement settings in the admin: only changes that can work are saved."""

from __future__ import annotations

import pytest

from maillage.insights.admin import EngagementSettingsForm

pytestmark = pytest.mark.django_db


def test_it_accepts_changes_to_the_defaults(personas):
    form = EngagementSettingsForm(
        {"operator": personas.ruche.pk, "overrides": '{"weights": {"attended": 4}}'}
    )
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "overrides",
    ['{"level_up": [5, 4, 3, 2]}', '{"colour": "blue"}', '{"hysteresis": 2}', "[1, 2]"],
)
def test_it_refuses_settings_that_cannot_work(personas, overrides):
    form = EngagementSettingsForm({"operator": personas.ruche.pk, "overrides": overrides})
    assert not form.is_valid()
    assert "overrides" in form.errors
