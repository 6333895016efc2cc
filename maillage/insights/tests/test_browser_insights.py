"""Journey of issue 8: Claire opens the insights dashboard, the tenants who never came to an
event, invites them to an event, and downloads the PDF report (its text checked)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from maillage.core.models import Member
from maillage.demo.generator import DemoConfig
from maillage.demo.load import load_demo
from maillage.events import services as events
from maillage.events.models import EventKind, EventVisibility
from maillage.insights.models import EventInvitation
from maillage.insights.services import insights_recompute_all
from maillage.insights.tests.test_report import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = load_demo(DemoConfig(members=60, seed=7))
    insights_recompute_all()
    return {email: password for _, email, password in result.logins}


@pytest.fixture
def lunch(demo):
    claire = Member.objects.select_related("home_space").get(user__email="claire@ruche.example")
    day = timezone.localdate() + dt.timedelta(days=9)
    while day.weekday() > 3:
        day += dt.timedelta(days=1)
    tz = claire.home_space.tz
    return events.event_propose(
        proposer=claire,
        operator=claire.operator,
        space=claire.home_space,
        starts_at=dt.datetime.combine(day, dt.time(12, 30), tz),
        ends_at=dt.datetime.combine(day, dt.time(13, 30), tz),
        title="Déjeuner de rentrée",
        kind=EventKind.LUNCH,
        capacity=80,
        visibility=EventVisibility.MEMBERS,
    )


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label(re.compile("e-?mail", re.I)).fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(base + "/")


def test_claire_invites_the_tenants_and_downloads_the_report(
    page: Page, live_server, demo, lunch, run_worker
):
    log_in(page, live_server.url, "claire@ruche.example", demo["claire@ruche.example"])
    page.locator("nav").get_by_role("link", name=re.compile("Indicateurs|Insights")).click()
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    # The charts are drawn on the server (active members, and the share of the offer used),
    # each with its table for whoever cannot see it.
    expect(main.locator("svg.line-chart path.chart-line")).to_have_count(2)
    expect(main.locator("svg.line-chart path.chart-line").first).to_be_visible()
    main.locator("details summary").first.click()
    expect(main.locator("details table tbody tr").first).to_be_visible()
    expect(main.locator(".segment-bar").first).to_be_visible()

    # The tenant segment, only those who never came to an event.
    main.locator("#never-title").scroll_into_view_if_needed()
    main.get_by_role("link", name=re.compile("write to them|leur écrire", re.I)).click()
    expect(page).to_have_url(re.compile(r"/staff/insights/segments/tenant/\?without_event=1"))
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Hugo")  # the demo's tenant persona
    listed = int(re.search(r"(\d+)", page.locator("main .lead").inner_text()).group(1))

    # Invite them to the lunch.
    page.locator("#invite-event").select_option(str(lunch.pk))
    page.get_by_role("button", name="Les inviter à un événement").click()
    expect(page.locator(".messages")).to_contain_text("Déjeuner de rentrée")
    invited = EventInvitation.objects.filter(event=lunch)
    assert invited.count() == listed > 0
    assert any("hugo" in e for e in invited.values_list("member__user__email", flat=True))
    run_worker()
    assert len(mail.outbox) == listed
    assert all("Déjeuner de rentrée" in m.subject for m in mail.outbox)

    # The report, and its PDF.
    page.locator("main .eyebrow a").click()
    page.get_by_role("link", name=re.compile("stakeholders|partenaires", re.I)).click()
    expect(page.locator("main h1")).to_contain_text(re.compile("report|rapport", re.I))
    expect(page.locator("main .report-indicator").first).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("PDF")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Ruche & Co" in text
    assert re.search("Community report|Rapport", text)
    assert re.search("Active members|Membres actifs", text)
