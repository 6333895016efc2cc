"""Journey: the demo member and the demo manager log in and see their home pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from maillage.demo.generator import DemoConfig
from maillage.demo.load import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = load_demo(DemoConfig(members=30, seed=7))
    return {email: password for _, email, password in result.logins}


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label(re.compile("e-?mail", re.I)).fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(base + "/")


def test_the_demo_member_sees_her_space_and_her_activity(page: Page, live_server, demo):
    log_in(page, live_server.url, "ines@ruche.example", demo["ines@ruche.example"])
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Inès")
    expect(main).to_contain_text("La Filature")
    expect(main.locator(".timeline-item").first).to_be_visible()
    # A member has no staff navigation and is refused the staff pages.
    expect(page.locator("header")).not_to_contain_text("Tableau de bord")
    response = page.goto(live_server.url + "/staff/")
    assert response is not None and response.status == 403


def test_the_demo_manager_sees_the_staff_dashboard_of_her_space(page: Page, live_server, demo):
    log_in(page, live_server.url, "malik@ruche.example", demo["malik@ruche.example"])
    page.goto(live_server.url + "/staff/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Ruche & Co")
    expect(main).to_contain_text("La Filature")
    expect(main).not_to_contain_text("Le Grenier")
    page.get_by_role("link", name=re.compile("Membres|Members")).first.click()
    expect(page.locator("main table tbody tr").first).to_be_visible()
