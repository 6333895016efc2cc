"""Project-wide pytest configuration (picked up by pytest-django from the repository root).

- Playwright drives Debian's Chromium (/usr/bin/chromium, or $MAILLAGE_CHROMIUM): Playwright's
  own browser download is not available here. If Chromium is missing, browser tests FAIL with
  a message saying how to install it; they are never silently skipped.
- Tests that use a Playwright fixture (page, context, browser, ...) are marked `browser`
  automatically, so `-m "not browser"` leaves them out.
- Tests marked `postgres` are skipped unless the default database is PostgreSQL
  (`./dev test` runs the suite on SQLite and then on a throwaway PostgreSQL).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# synchronous ORM calls made by the test itself (fixtures, assertions on the database).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PLAYWRIGHT_FIXTURES = {"page", "context", "new_context", "browser", "browser_type"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, pointed at Debian's Chromium."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: browser tests need it. "
            "Install it with `apt-get install -y chromium` (`./dev test` does so when run "
            "as root), or set MAILLAGE_CHROMIUM to another Chromium executable.",
            pytrace=False,
        )
    return {
        # Keeps --slowmo and friends from the command line; --browser-channel makes no
        # sense with an explicit executable.
        **{k: v for k, v in browser_type_launch_args.items() if k != "channel"},
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


def _default_database_engine() -> str:
    """The default database's engine ("sqlite3", "postgresql"), or "" without Django."""
    from django.conf import settings

    if not settings.configured:
        return ""
    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


def pytest_report_header(config: pytest.Config) -> str:
    engine = _default_database_engine() or "none (Django is not configured)"
    return f"maillage: database engine {engine}, chromium {CHROMIUM}"


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m/-k selection
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = _default_database_engine() == "postgresql"
    skip_postgres = pytest.mark.skip(
        reason="needs PostgreSQL; the default database is not PostgreSQL "
        "(`./dev test` also runs the suite on PostgreSQL)"
    )
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & PLAYWRIGHT_FIXTURES and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if not on_postgres and item.get_closest_marker("postgres") is not None:
            item.add_marker(skip_postgres)
