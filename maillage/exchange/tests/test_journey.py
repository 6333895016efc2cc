"""A visitor submits a lead on a space's public page; it reaches two members (their emails
are captured); one accepts and later records the outcome; the staff audit page shows the
decision and its reason."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from maillage.core.models import Role
from maillage.core.tests.factories import PASSWORD, MemberFactory, UserFactory
from maillage.exchange.models import OfferStatus, Opportunity, Outcome
from maillage.exchange.tests.conftest import lawyer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url, "log-in failed"


def test_a_lead_reaches_two_members_one_accepts_and_staff_audit_it(
    live_server, page: Page, browser, personas, run_worker
):
    base = live_server.url
    lawyers = []
    for first in ("Anna", "Basile"):
        user = UserFactory(email=f"{first.lower()}@example.org", full_name=f"{first} Juriste")
        member = MemberFactory(user=user, home_space=personas.filature, role=Role.MEMBER)
        lawyer(member)
        lawyers.append(member)

    # A visitor opens La Filature's public page and follows "find a professional".
    page.goto(f"{base}/spaces/la-filature/")
    page.locator("a[href='/spaces/la-filature/lead/']").click()
    page.fill("#id_title", "Relecture de nos contrats commerciaux")
    page.fill("#id_description", "Nous cherchons un·e juriste en droit des contrats.")
    page.fill("#id_name", "Paul Client")
    page.fill("#id_email", "paul@client.example")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator("h1")).to_have_count(1)
    opp = Opportunity.objects.get()
    assert {o.member_id for o in opp.offers.all()} == {m.pk for m in lawyers}

    # Both members receive it by email (captured), without the visitor's address.
    run_worker()
    offered = [m for m in mail.outbox if m.to[0] in ("anna@example.org", "basile@example.org")]
    assert sorted(m.to[0] for m in offered) == ["anna@example.org", "basile@example.org"]
    assert all("paul@client.example" not in m.body for m in offered)
    anna_mail = next(m for m in offered if m.to[0] == "anna@example.org")
    offer_path = re.search(r"/me/opportunities/\d+/", anna_mail.body).group(0)

    # Anna follows the link, accepts, and sees the visitor's contact details.
    log_in(page, base, "anna@example.org")
    page.goto(base + offer_path)
    expect(page.get_by_text("paul@client.example")).to_have_count(0)
    page.locator("button[name=action][value=accept]").click()
    expect(page.get_by_role("link", name="paul@client.example")).to_be_visible()
    assert opp.offers.get(member=lawyers[1]).status == OfferStatus.WITHDRAWN

    # Later she records the outcome.
    page.locator(f"a[href='/exchange/outcomes/new/?opportunity={opp.pk}']").click()
    page.select_option("#id_terms", "paid")
    page.fill("#id_amount", "800")
    page.select_option("#id_satisfaction", "5")
    page.locator("main form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/exchange/$"))
    assert Outcome.objects.get().amount == 800

    # Malik, the manager, opens the audit page: the decision and its reason are there.
    page.context.clear_cookies()
    log_in(page, base, personas.malik.user.email)
    page.goto(f"{base}/staff/opportunities/audit/")
    decision = page.locator("[data-testid=decision]").first
    expect(decision).to_contain_text("Relecture de nos contrats commerciaux")
    expect(decision).to_contain_text(re.compile("Anna Juriste.*(pertinence|relevance)"))
