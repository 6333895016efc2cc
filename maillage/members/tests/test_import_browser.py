"""Claire imports members from a French Excel file, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from maillage.members.models import Invitation, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent / "data"


def test_claire_checks_a_file_then_imports_and_invites_everyone(
    live_server, page: Page, personas, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    User.objects.filter(pk=personas.claire.user_id).update(language="en")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", personas.claire.user.email)
    page.fill("input[type=password]", personas.password)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/staff/members/import/")
    page.set_input_files("input[type=file]", str(DATA / "members_with_errors.csv"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("6 rows have errors")).to_be_visible()
    expect(page.get_by_role("button", name="Import", exact=False)).to_have_count(0)

    page.get_by_role("link", name="Upload the corrected file").click()
    page.set_input_files("input[type=file]", str(DATA / "members_excel_fr.csv"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Windows-1252")).to_be_visible()
    expect(page.get_by_role("cell", name="Étienne Gaël")).to_be_visible()
    page.get_by_role("button", name="Import 3 members").click()

    expect(page.get_by_text("3 people imported.")).to_be_visible()
    page.get_by_role("button", name="Send 3 invitations").click()
    expect(page.get_by_text("3 invitations are on their way.")).to_be_visible()
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 3
