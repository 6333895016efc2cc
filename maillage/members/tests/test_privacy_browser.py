"""A member downloads a copy of their data, then deletes their account (in a real browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_takes_a_copy_then_deletes_their_account(live_server, page: Page, personas):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", personas.ines.user.email)
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    # from the account menu
    page.locator("details.menu summary").click()
    page.locator(".menu-panel a[href='/me/data/']").click()
    expect(page.locator("h1")).to_have_text("Mes données")

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger mes données").click()
    download = info.value
    assert download.suggested_filename.startswith("maillage-my-data-")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == personas.ines.user.email

    page.fill("input[name=password]", personas.password)
    page.check("input[name=confirm]")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Supprimer mon compte").click()
    expect(page.locator("h1")).to_have_text("Mes données")  # the first answer was "no"
    personas.ines.user.refresh_from_db()
    assert personas.ines.user.erased_at is None

    page.get_by_role("button", name="Supprimer mon compte").click()
    expect(page.get_by_text("Votre compte a été supprimé.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # still in her language
    assert questions == ["Supprimer votre compte maintenant\u00a0? C’est définitif."] * 2
    personas.ines.user.refresh_from_db()
    assert personas.ines.user.erased_at is not None

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "ines@example.org")
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url  # no way back in
