"""The journey of issue 7 in a browser: Inès sees a suggestion and its reason and asks to be
introduced; Malik runs a roulette round and both members of the pair get their invitation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from maillage.core.models import WEEKDAYS, Activity, ActivityKind
from maillage.core.tests.factories import PASSWORD
from maillage.matching import services
from maillage.matching.models import RouletteRound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url, "log-in failed"


def test_a_member_asks_for_an_introduction_and_a_manager_runs_a_roulette(
    live_server, page: Page, community, run_worker
):
    base = live_server.url
    ines, sarah = community.p.ines, community.sarah

    # Inès opens "people to meet": Sarah is there, with why, in one sentence.
    log_in(page, base, ines.user.email)
    page.goto(f"{base}/meet/")
    card = page.locator(f"#person-{sarah.pk}")
    expect(card).to_contain_text("Sarah Test")
    expect(card.locator(".match-reason")).to_contain_text(community.law.label_fr)
    # She asks to be introduced: the introduction flow opens for Sarah.
    card.locator("form[action$='/introduce/'] button").click()
    page.wait_for_load_state("networkidle")
    assert f"to={sarah.pk}" in page.url or f"/{sarah.pk}/" in page.url
    acted = Activity.objects.get(kind=ActivityKind.SUGGESTION_ACTED)
    assert acted.member_id == ines.pk and acted.target_id == sarah.pk

    # Both took part in La Filature's lunch roulette; Malik runs tomorrow's round.
    for who in (ines, sarah):
        services.roulette_join(member=who, space=community.p.filature)
    log_in(page, base, community.p.malik.user.email)
    page.goto(f"{base}/staff/roulette/")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    space = community.p.filature  # open tomorrow, whatever day the suite runs
    space.opening_hours = {
        **space.opening_hours,
        WEEKDAYS[tomorrow.weekday()]: [["08:00", "20:00"]],
    }
    space.save(update_fields=["opening_hours"])
    page.select_option("#id_space", str(community.p.filature.pk))
    page.fill("#id_meet_on", tomorrow.isoformat())
    page.fill("#id_meet_at", "12:30")
    page.fill("#id_place", "Cuisine du 2e étage")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    expect(page.locator("ol.match-groups")).to_contain_text("Sarah Test")
    assert RouletteRound.objects.count() == 1

    # The worker sends the invitations: each member of the pair gets theirs.
    run_worker()
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {ines.user.email, sarah.user.email}
    assert "Sarah Test" in sent[ines.user.email].body
    assert "Ines Moreau" in sent[sarah.user.email].body
    assert "Cuisine du 2e étage" in sent[sarah.user.email].body
