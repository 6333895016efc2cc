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
