"""Strict helpers that read settings from environment variables.

Each helper names the variable in its error, so a wrong value stops the start with one line
(`maillage` prints it without a traceback).
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ImproperlyConfigured):
    """A setting read from the environment is missing or invalid."""


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise SettingsError(f"{name} is required but not set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_float_or_none(name: str, default: float | None) -> float | None:
    """A positive number; "none" (or "off") for None."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"none", "off"}:
        return None
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number or none, not {value!r}.") from None
    if not number > 0:
        raise SettingsError(f"{name} must be above 0, not {value!r}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_timezone(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{name} must be a time zone such as Europe/Paris, not {value!r}."
        ) from None
    return value


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


PREPARE_THRESHOLD = 5  # executions of one statement on a connection before it is prepared


def env_database(name: str, default_sqlite: Path) -> dict:
    """DATABASE_URL selects the database; without it, a SQLite file in the data directory."""
    import dj_database_url

    url = os.environ.get(name)
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
                # at the start of a transaction, which serialises writers instead of failing them.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise SettingsError(f"{name} is not a database URL Maillage understands: {exc}") from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise SettingsError(
            f"{name} must point to PostgreSQL (postgres://…) or SQLite (sqlite:///…)."
        )
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_PREPARED_STATEMENTS", True
    ):
        # Server-side binding lets psycopg prepare the statements a connection runs again and
        # again (from the 5th time): PostgreSQL then soon skips planning them, about 0.5 ms of a
        # 0.7 ms query with joins (docs/benchmarks.md). Turn it off behind a pooler in
        # transaction mode that cannot keep prepared statements (DATABASE_PREPARED_STATEMENTS=0).
        options = config.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        # Django turns psycopg's automatic preparation off unless told how soon to prepare.
        options["prepare_threshold"] = PREPARE_THRESHOLD
    return config
