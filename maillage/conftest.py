"""The personas of DESIGN.md, as fixtures every app's tests can use.

Claire (operator admin of Ruche & Co), Malik (manager of La Filature), Inès (member at
La Filature, a coworker), Hugo (member at Le Quai, a tenant), Zoé (member of another
operator, Le Grenier), and an anonymous visitor (Django's test client without log-in).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from maillage.core.models import Role
from maillage.core.tests.factories import (
    PASSWORD,
    MemberFactory,
    OperatorFactory,
    SpaceFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a password; tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_day_grids():
    """Each test starts with no calendar rows in memory: rolled-back tests reuse row ids, so a
    later test could otherwise meet an earlier test's rows under the same key."""
    from maillage.events.selectors import _pools
    from maillage.matching.selectors import _FEATURES
    from maillage.workspace.views.daygrid import cache

    cache.clear()
    _pools.clear()  # and no events' candidates, nor operators' matching features
    _FEATURES.clear()


@pytest.fixture
def personas(db):
    ruche = OperatorFactory(name="Ruche & Co", slug="ruche-and-co")
    grenier = OperatorFactory(name="Le Grenier", slug="le-grenier")
    filature = SpaceFactory(operator=ruche, name="La Filature", slug="la-filature")
    quai = SpaceFactory(operator=ruche, name="Le Quai", slug="le-quai")
    belvedere = SpaceFactory(operator=ruche, name="Le Belvédère", slug="le-belvedere")
    grenier_space = SpaceFactory(operator=grenier, name="Le Grenier", slug="le-grenier-grenoble")

    def person(first, last, space, role):
        user = UserFactory(email=f"{first.lower()}@example.org", full_name=f"{first} {last}")
        return MemberFactory(user=user, home_space=space, role=role)

    claire = person("Claire", "Dubois", filature, Role.ADMIN)
    malik = person("Malik", "Benali", filature, Role.MANAGER)
    ines = person("Ines", "Moreau", filature, Role.MEMBER)
    hugo = person("Hugo", "Lefevre", quai, Role.MEMBER)
    zoe = person("Zoe", "Martin", grenier_space, Role.ADMIN)
    return SimpleNamespace(
        ruche=ruche,
        grenier=grenier,
        filature=filature,
        quai=quai,
        belvedere=belvedere,
        grenier_space=grenier_space,
        claire=claire,
        malik=malik,
        ines=ines,
        hugo=hugo,
        zoe=zoe,
        password=PASSWORD,
    )


@pytest.fixture
def login(client):
    """Log the test client in as a persona's member record (or a user)."""

    def _login(who):
        user = getattr(who, "user", who)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def run_worker(db, monkeypatch):
    """Run the real task worker (django-tasks-db) until the queue is empty.

    The worker closes "old" database connections between tasks; inside a test that would
    close the test's own transaction (on PostgreSQL), so that one call is disabled here.
    """
    from django.core.management import call_command

    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def _run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return _run


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The taxonomy and interests that migration 0004 loads, for every database test.

    Transactional tests (browser journeys) flush the database when they end, which removes
    rows loaded by migrations; the tests after them get them back here.
    """
    if request.node.get_closest_marker("django_db") is None and not {
        "db",
        "transactional_db",
    } & set(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")
    from maillage.members.loaders import load_concepts, load_interests, taxonomy_rows
    from maillage.members.models import Interest, SkillConcept

    if not SkillConcept.objects.filter(kind="skill").exists():
        load_concepts(SkillConcept, taxonomy_rows())
    if not Interest.objects.exists():
        load_interests(Interest)
