"""Shared fixtures of the members tests."""

from __future__ import annotations

import pytest

# The plans the import test files name ("Résident", "Nomade"; "Resident" without its accent).
IMPORT_PLANS = ("Résident", "Nomade")


@pytest.fixture(autouse=True)
def _plans_on_offer(request):
    """Import tests run against operators that offer the plans their files name."""
    if not request.module.__name__.rsplit(".", 1)[-1].startswith("test_import"):
        return
    if "personas" not in request.fixturenames:
        return
    from maillage.workspace.services.plans import plan_create

    personas = request.getfixturevalue("personas")
    for operator in (personas.ruche, personas.grenier):
        for name in IMPORT_PLANS:
            plan_create(operator=operator, name=name)
