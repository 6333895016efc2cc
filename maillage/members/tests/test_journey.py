"""The directory's journey in a browser: a new member fills in the wizard and publishes an
offer; another member of the space finds her with a misspelt French word and sees why."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from maillage.core.models import Activity, Role
from maillage.core.tests.factories import MemberFactory, UserFactory
from maillage.members.models import Offer, Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_new_member_publishes_an_offer_and_is_found_with_a_typo(
    live_server, browser, personas
) -> None:
    user = UserFactory(email="lea@example.org", full_name="Léa Rousseau")
    lea = MemberFactory(user=user, home_space=personas.filature, role=Role.MEMBER)

    # Léa's first log-in takes her to the three-step wizard.
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, live_server.url, "lea@example.org", personas.password)
    expect(page).to_have_url(f"{live_server.url}/me/profile/start/")
    expect(page.locator("[aria-current=step]")).to_be_visible()
    page.fill("#id_headline", "Graphiste indépendante, identités visuelles")
    page.fill("#id_company", "Atelier Rousseau")
    page.locator("#id_skills").fill("conception graphique")
    page.click("button[name=action][value=next]")

    expect(page).to_have_url(f"{live_server.url}/me/profile/start/?step=2")
    page.fill("#id_title", "Création de logo et charte graphique")
    page.fill("#id_description", "Un logo, une palette et une charte en deux semaines.")
    page.locator("input[name=terms][value=member_rate]").check()
    page.locator("#id_skills").fill("conception graphique")
    page.click("button[name=action][value=next]")

    expect(page).to_have_url(f"{live_server.url}/me/profile/start/?step=3")
    page.click("button[name=action][value=skip_step]")
    expect(page).to_have_url(f"{live_server.url}/me/profile/")
    expect(page.get_by_text("Création de logo et charte graphique").first).to_be_visible()
    context.close()

    offer = Offer.objects.get(profile__member=lea)
    assert offer.title == "Création de logo et charte graphique" and offer.is_active
    assert Profile.objects.get(member=lea).company.name == "Atelier Rousseau"
    kinds = set(Activity.objects.filter(member=lea).values_list("kind", flat=True))
    assert "offer_published" in kinds

    # Inès, of the same space, searches "grafiste" (sic) in French.
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, live_server.url, personas.ines.user.email, personas.password)
    page.goto(f"{live_server.url}/directory/")
    page.locator("#directory-q").fill("grafiste")
    page.locator("#directory-q").press("Enter")
    card = page.locator(".directory-card", has_text="Léa Rousseau")
    expect(card).to_be_visible()
    expect(page).to_have_url(re.compile(r"/directory/\?q=grafiste"))  # a link to share
    why = card.locator(".directory-reasons")
    expect(why).to_contain_text("conception graphique")
    expect(why).to_contain_text("grafiste")
    expect(card.locator(".chip-offer")).to_contain_text("Création de logo")

    # Her profile page shows the offer first, with a way to contact her.
    card.locator("a.card-link").click()
    expect(page.locator("h1")).to_contain_text("Léa Rousseau")
    expect(page.get_by_text("Création de logo et charte graphique").first).to_be_visible()
    page.get_by_role("link", name="Écrire à Léa").click()
    expect(page.locator("#contact textarea")).to_be_visible()
    context.close()
