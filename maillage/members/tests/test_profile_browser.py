"""What only a browser shows: skill suggestions picked with a click, inline saves with htmx."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from maillage.members.models import ProfileSkill, SkillConcept, Visibility
from maillage.members.services import profiles as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, persona, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", persona.user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_it_adds_a_suggested_skill_and_saves_a_visibility_without_reloading(
    live_server, page: Page, personas
) -> None:
    concept = SkillConcept.objects.create(uri="maillage:skill/zorb", label_fr="Zorbing coaching")
    profile = services.profile_get_or_create(personas.ines)
    services.profile_wizard_end(profile=profile, skipped=True)
    log_in(page, live_server.url, personas.ines, personas.password)
    page.goto(f"{live_server.url}/me/profile/")

    page.locator("#id_text").press_sequentially("zorb", delay=30)
    suggestion = page.locator("#skills [data-skill-pick]", has_text="Zorbing coaching")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator("#id_text")).to_have_value("Zorbing coaching")
    page.select_option("#id_level", "4")
    page.locator("#skills form.skill-add button[type=submit]").click()
    expect(page.locator("#skills .chip", has_text="Zorbing coaching")).to_be_visible()
    skill = ProfileSkill.objects.get(profile=profile)
    assert (skill.concept, skill.level) == (concept, 4)

    page.select_option("#visibility-needs", "public")
    expect(page.locator("#needs .saved-note")).to_be_visible()
    profile.refresh_from_db()
    assert profile.visibility_needs == Visibility.PUBLIC
