"""Smoke test for the browser setup: Debian's Chromium, driven by Playwright, against
pytest-django's live server, on whichever database the run uses (SQLite or PostgreSQL)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_opens_in_chromium(live_server, page: Page) -> None:
    response = page.goto(f"{live_server.url}/accounts/login/")

    assert response is not None
    assert response.ok, f"GET /accounts/login/ answered {response.status}"
    expect(page.locator("input[name=login]")).to_be_visible()
    expect(page.locator("input[type=password]").first).to_be_visible()
