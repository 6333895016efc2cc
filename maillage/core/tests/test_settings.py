"""Settings from the environment: a wrong value stops the start with one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from maillage.core import conf


def run_maillage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "-m", "maillage", *(args or ("check",))],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_outside_debug():
    result = run_maillage({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "maillage: SECRET_KEY must be set when DEBUG is off (a long random string)."
    ]


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({"TIME_ZONE": "Europe/Atlantis"}, "TIME_ZONE"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND"),
    ],
)
def test_it_names_the_wrong_variable_in_one_line(env, variable):
    result = run_maillage(env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"maillage: {variable} ")


def test_it_starts_with_zero_configuration():
    result = run_maillage({}, "check")
    assert result.returncode == 0, result.stderr


def test_it_passes_the_deployment_checklist_in_production_settings():
    result = run_maillage(
        {
            "DEBUG": "false",
            "SECRET_KEY": "a-very-long-and-random-secret-key-for-this-test-only-0123456789abcdef",
            "ALLOWED_HOSTS": "maillage.example.org",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_helpers_read_typed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert conf.env_bool("X_BOOL", False) is True
    assert conf.env_int("X_INT", 0, minimum=1) == 42
    assert conf.env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(conf.SettingsError, match="X_INT must be at least 1"):
        conf.env_int("X_INT", 5, minimum=1)


def test_postgresql_statements_are_prepared_unless_turned_off(monkeypatch, tmp_path):
    """PostgreSQL connections bind parameters on the server, so psycopg prepares the
    statements a connection repeats; DATABASE_PREPARED_STATEMENTS=0 turns it off (a pooler in
    transaction mode). SQLite has no such option."""
    monkeypatch.setenv("X_DB", "postgres://u@127.0.0.1:5432/maillage")
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    config = conf.env_database("X_DB", tmp_path / "x.sqlite3")
    assert config["OPTIONS"]["server_side_binding"] is True
    assert config["OPTIONS"]["prepare_threshold"] == conf.PREPARE_THRESHOLD
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    config = conf.env_database("X_DB", tmp_path / "x.sqlite3")
    assert "server_side_binding" not in config.get("OPTIONS", {})
    assert "prepare_threshold" not in config.get("OPTIONS", {})
    monkeypatch.delenv("X_DB")
    assert "server_side_binding" not in conf.env_database("X_DB", tmp_path / "x.sqlite3")["OPTIONS"]


@pytest.mark.django_db
def test_the_database_in_use_prepares_statements_on_postgresql():
    from django.db import connection

    options = connection.settings_dict.get("OPTIONS", {})
    if connection.vendor == "postgresql":
        assert options.get("server_side_binding") is True
        with connection.cursor() as cursor:  # a server-side binding cursor, not a client one
            assert type(cursor.cursor).__name__ != "ClientCursor"
            assert connection.connection.prepare_threshold == conf.PREPARE_THRESHOLD
            for _ in range(conf.PREPARE_THRESHOLD + 1):
                cursor.execute("SELECT id FROM core_operator WHERE id = %s", [0])
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] >= 1
    else:
        assert "server_side_binding" not in options
