"""Exchange fixtures on top of the personas: profiles with skills and offers, more members
of La Filature, and a helper to find taxonomy concepts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from maillage.core.models import Role
from maillage.core.tests.factories import MemberFactory, UserFactory
from maillage.exchange.services.common import concepts_from_text
from maillage.members.services.profiles import (
    offer_publish,
    profile_get_or_create,
    profile_skill_add,
)


@pytest.fixture(autouse=True)
def _in_english(request, settings):
    """Assertions read the English source strings, whatever the French catalogue says."""
    if "personas" not in request.fixturenames:
        yield
        return
    from django.utils import translation

    from maillage.members.models import User

    settings.LANGUAGE_CODE = "en"
    request.getfixturevalue("personas")
    User.objects.update(language="en")
    with translation.override("en"):
        yield


def concept(text: str):
    found = concepts_from_text(text)
    assert found, f"no concept for {text!r}"
    return found[0]


def lawyer(member, *, offer: bool = True, level: int = 4):
    """Give a member a law skill (and an offer), the way they would in their profile."""
    profile = profile_get_or_create(member)
    law = concept("droit des contrats")
    profile_skill_add(profile=profile, concept=law, level=level)
    if offer:
        offer_publish(profile=profile, title="Relecture de contrats", skills=[law])
    return profile


@pytest.fixture
def community(personas):
    """Four more members of La Filature, two of them lawyers, plus Inès and Hugo lawyers."""

    def person(first, space=personas.filature):
        user = UserFactory(email=f"{first.lower()}@example.org", full_name=f"{first} Test")
        return MemberFactory(user=user, home_space=space, role=Role.MEMBER)

    anna, basile, chloe, david = (person(n) for n in ("Anna", "Basile", "Chloe", "David"))
    for m in (anna, basile, personas.ines, personas.hugo):
        lawyer(m)
    for m in (chloe, david, personas.claire, personas.malik, personas.zoe):
        profile_get_or_create(m)
    return SimpleNamespace(anna=anna, basile=basile, chloe=chloe, david=david)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): service(...)` runs what the service left for after the commit
    (enqueuing tasks), as a real commit would; tests run inside one transaction."""

    def _committed():
        return django_capture_on_commit_callbacks(execute=True)

    return _committed
