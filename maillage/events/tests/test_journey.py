"""Inès proposes a workshop, Malik approves it, Léa and Sami answer a capacity of one (Sami
waits), Léa cancels, Sami gets the place and the email saying so (sent by the real worker,
captured in Django's test outbox)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from maillage.core.tests.factories import PASSWORD, MemberFactory, UserFactory
from maillage.events.models import Event, Rsvp
from maillage.events.tests.conftest import next_weekday
from maillage.workspace.models import Booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url, "log-in failed"


def run_worker(monkeypatch) -> None:
    """The real django-tasks-db worker, in this process, until the queue is empty."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_proposed_event_fills_up_and_the_waiting_list_moves(
    live_server, page: Page, browser, personas, rooms, monkeypatch
):
    base = live_server.url
    day = next_weekday(timezone.localdate(), 2)  # a Wednesday, La Filature is open
    lea, sami = (
        MemberFactory(
            user=UserFactory(
                email=f"{n.lower()}@example.org", full_name=f"{n} Durand", language="en"
            ),
            home_space=personas.filature,
        )
        for n in ("Lea", "Sami")
    )

    # Inès proposes a workshop in Salle Jacquard, for one person.
    log_in(page, base, personas.ines.user.email)
    page.goto(f"{base}/events/")
    page.get_by_role("link", name="Propose an event").first.click()
    page.fill("#id_title", "Atelier Figma en tête-à-tête")
    page.select_option("#id_kind", "workshop")
    page.fill("#id_day", f"{day:%Y-%m-%d}")
    page.fill("#id_start", "12:30")
    page.fill("#id_end", "13:30")
    page.select_option("#id_space", str(personas.filature.pk))
    page.select_option("#id_room", str(rooms.jacquard.pk))
    page.fill("#id_capacity", "1")
    page.fill("#id_description", "Une heure pour débloquer **votre** maquette.")
    page.get_by_role("button", name="Send my proposal").click()
    expect(page.locator(".alert-success")).to_contain_text("will look at your proposal")
    expect(page.locator(".alert-warning")).to_contain_text("waits for the approval")
    event = Event.objects.get()
    assert event.status == "proposed" and not Booking.objects.exists()

    # Malik sees it among the proposals of his space and approves it: the room is booked.
    malik = browser.new_context().new_page()
    log_in(malik, base, personas.malik.user.email)
    malik.goto(f"{base}/staff/events/")
    proposal = malik.locator(".ev-item", has_text="Atelier Figma en tête-à-tête")
    expect(proposal).to_contain_text("proposed by Ines Moreau")
    proposal.get_by_role("button", name="Approve and publish").click()
    expect(malik.locator(".alert-success")).to_contain_text("is published")
    assert Booking.objects.get().resource == rooms.jacquard

    # Léa takes the only place; Sami lands on the waiting list.
    lea_page = browser.new_context().new_page()
    log_in(lea_page, base, lea.user.email)
    lea_page.goto(f"{base}/events/{event.pk}/")
    expect(lea_page.locator("h1")).to_have_text("Atelier Figma en tête-à-tête")
    lea_page.get_by_role("button", name="Going", exact=True).click()
    expect(lea_page.locator(".ev-status")).to_have_text(re.compile("You are going"))

    sami_page = browser.new_context().new_page()
    log_in(sami_page, base, sami.user.email)
    sami_page.goto(f"{base}/events/{event.pk}/")
    expect(sami_page.locator(".ev-seats")).to_contain_text("Full: waiting list")
    sami_page.get_by_role("button", name="Join the waiting list").click()
    expect(sami_page.locator(".alert-success")).to_contain_text("you are on the waiting list")
    run_worker(monkeypatch)
    assert [m.subject for m in mail.outbox if m.to == [sami.user.email]] == [
        "You are on the waiting list for Atelier Figma en tête-à-tête"
    ]

    # Léa cannot come after all: Sami gets the place at once, and an email says so.
    mail.outbox.clear()
    lea_page.get_by_role("button", name="Not going").click()
    expect(lea_page.locator(".alert-success")).to_contain_text("Your place goes to the next person")
    assert Rsvp.objects.get(member=sami).status == "going"
    run_worker(monkeypatch)
    (email,) = [m for m in mail.outbox if m.to == [sami.user.email]]
    assert email.subject == "A place freed up: you are going to Atelier Figma en tête-à-tête"
    assert "a place freed up and it is yours" in email.body
    assert f"{day:%d}".lstrip("0") in email.body and "12:30–13:30" in email.body
    assert email.attachments[0][0] == "event.ics"

    sami_page.reload()
    expect(sami_page.locator(".ev-status")).to_have_text(re.compile("You are going"))
    for context in (malik.context, lea_page.context, sami_page.context):
        context.close()
    assert dt.datetime.now(dt.UTC) < event.starts_at
