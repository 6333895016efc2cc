"""Insights tests read the English source strings, whatever the French catalogue says."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _in_english(request, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    if "personas" in request.fixturenames:
        from maillage.members.models import User

        request.getfixturevalue("personas")
        User.objects.update(language="en")
    with translation.override("en"):
        yield
