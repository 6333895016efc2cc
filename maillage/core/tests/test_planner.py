"""The planner setting every PostgreSQL connection gets (maillage.core.apps.tune_planner)."""

from __future__ import annotations

import pytest
from django.db import connection

from maillage.core.apps import tune_planner
from maillage.core.conf import SettingsError, env_float_or_none


def test_the_setting_is_a_positive_number_or_none(monkeypatch):
    for value, expected in (("", 1.1), ("1.5", 1.5), ("none", None), ("OFF", None)):
        monkeypatch.setenv("X_COST", value)
        assert env_float_or_none("X_COST", 1.1) == expected
    for bad in ("cheap", "0", "-1"):
        monkeypatch.setenv("X_COST", bad)
        with pytest.raises(SettingsError, match="X_COST"):
            env_float_or_none("X_COST", 1.1)


@pytest.mark.django_db
def test_each_postgresql_connection_gets_the_random_page_cost(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (`./dev test` also runs the suite on PostgreSQL)")

    def current() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            return cursor.fetchone()[0]

    assert current() == "1.1"  # set when the test's connection was made
    settings.DATABASE_RANDOM_PAGE_COST = 2.5
    tune_planner(None, connection)
    assert current() == "2.5"
    settings.DATABASE_RANDOM_PAGE_COST = None  # "none": the server's own is left alone
    tune_planner(None, connection)
    assert current() == "2.5"
    settings.DATABASE_RANDOM_PAGE_COST = 1.1
    tune_planner(None, connection)
    assert current() == "1.1"
