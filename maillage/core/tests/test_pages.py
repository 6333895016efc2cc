"""Home pages, staff pages and the friendly error pages, through HTTP."""

from __future__ import annotations

import pytest

from maillage.core.services import activity_record

pytestmark = pytest.mark.django_db


def test_it_shows_the_landing_page_to_an_anonymous_visitor(client, personas):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/accounts/login/" in page
    assert "La Filature" in page


def test_it_shows_a_member_her_space_and_her_own_activity(login, personas):
    activity_record(member=personas.ines, kind="checked_in")
    activity_record(member=personas.hugo, kind="helped")
    response = login(personas.ines).get("/")
    assert response.status_code == 200
    assert response.context["space"] == personas.filature
    assert response.context["month"].get("checked_in") == 1
    assert [a.member_id for a in response.context["recent"]] == [personas.ines.pk]
    page = response.content.decode()
    assert "Hugo" not in page
    assert "/staff/" not in page  # no staff navigation for a member


def test_it_shows_the_manager_her_spaces_and_staff_navigation(login, personas):
    response = login(personas.malik).get("/staff/")
    assert response.status_code == 200
    spaces = [space for space, _, _ in response.context["space_counts"]]
    assert spaces == [personas.filature]
    assert "/staff/members/" in response.content.decode()


def test_it_keeps_the_member_home_page_to_a_fixed_number_of_queries(login, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas.ines)
    client.get("/")  # warm caches (session, taxonomy) so both counts compare like for like

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for _ in range(30):
        activity_record(member=personas.ines, kind="checked_in")
    assert queries() == few  # does not grow with the member's history
    assert few <= 40


def test_it_filters_the_member_list_with_htmx_partials(login, personas):
    response = login(personas.claire).get(
        "/staff/members/", {"q": "hugo"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "Hugo Lefevre" in page and "Ines Moreau" not in page


def test_it_gives_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Maillage" in response.content.decode()


def test_it_gives_a_friendly_404_for_an_unknown_space(client, db):
    assert client.get("/spaces/nowhere/").status_code == 404


def test_it_saves_space_hours_and_rejects_bad_ones_without_losing_anything(login, personas):
    client = login(personas.malik)
    url = f"/staff/spaces/{personas.filature.pk}/"
    data = {
        "name": "La Filature",
        "time_zone": "Europe/Paris",
        "city": "Lyon",
        "hours_mon": "08:30-12:30, 13:30-19:00",
        "hours_sat": "9h-13h",
    }
    assert client.post(url, data).status_code == 302
    personas.filature.refresh_from_db()
    assert personas.filature.opening_hours == {
        "mon": [["08:30", "12:30"], ["13:30", "19:00"]],
        "sat": [["09:00", "13:00"]],
    }
    bad = client.post(url, {**data, "name": "Renamed", "hours_tue": "19:00-08:00"})
    assert bad.status_code == 200
    # Said on the day's own field, in words: not "the hours of tue" at the top of the form.
    errors = bad.context["form"].errors
    assert list(errors) == ["hours_tue"] and "19:00-08:00" in errors["hours_tue"][0]
    for text, words in [
        ("25:00-26:00", "25:00-26:00"),
        ("08:00-12:00, 11:00-13:00", "(12:00"),
        ("24:30-24:45", "24:30-24:45"),
        ("²:00-10:00", "²:00-10:00"),
    ]:
        errors = client.post(url, {**data, "hours_wed": text}).context["form"].errors
        assert list(errors) == ["hours_wed"] and words in errors["hours_wed"][0], (text, errors)
    personas.filature.refresh_from_db()
    assert personas.filature.name == "La Filature"
    bad_tz = client.post(url, {**data, "time_zone": "Mars/Olympus"})
    assert "time_zone" in bad_tz.context["form"].errors


def test_it_saves_a_persons_language_and_uses_it(login, personas):
    client = login(personas.ines)
    response = client.post("/me/preferences/", {"full_name": "Inès Moreau", "language": "en"})
    assert response.status_code == 302
    personas.ines.user.refresh_from_db()
    assert personas.ines.user.language == "en"
    assert client.get("/").headers["Content-Language"] == "en"


def test_a_member_record_shows_the_team_her_plan_month_and_links(login, personas):
    import datetime as dt

    from django.urls import reverse

    from maillage.workspace.services.plans import membership_start, plan_create

    plan = plan_create(operator=personas.ruche, name="Résident")
    membership_start(
        member=personas.ines, plan=plan, starts_on=dt.date.today() - dt.timedelta(days=3)
    )
    response = login(personas.malik).get(f"/staff/members/{personas.ines.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="month-title"' in page and "Résident" in page
    assert reverse("staff_usage_member", args=[personas.ines.pk]) in page
    assert reverse("profile_detail", args=[personas.ines.pk]) in page
    # Hugo has no plan: the card says so rather than showing nothing.
    admin_page = login(personas.claire).get(f"/staff/members/{personas.hugo.pk}/")
    assert ("sans formule" in admin_page.content.decode()) or (
        "no plan" in admin_page.content.decode()
    )


# --- the navigation, written once per language, page and kind of viewer ----------------------


def _nav(page: str) -> dict[str, list[str]]:
    """The entries of each navigation list of a page: label, and '*' when current."""
    import re

    found = {}
    for name, pattern in {
        "member": r'<nav aria-label="[^"]+"><ul class="nav-list">(.*?)</ul>',
        "staff": r'<nav class="nav-staff".*?<ul class="nav-list">(.*?)</ul>',
        "menu": r'<div class="menu-panel">(.*?)<form method="post" action="/accounts/logout/">',
    }.items():
        block = re.search(pattern, page, re.S)
        found[name] = [
            label + ("*" if current else "")
            for current, label in re.findall(
                r'<a class="[^"]+" href="[^"]+"( aria-current="page")?><svg.*?</svg>([^<]+)</a>',
                block.group(1) if block else "",
            )
        ]
    return found


def test_the_navigation_lists_each_viewers_pages_and_marks_the_current_one(login, personas):
    from maillage.members.models import User

    User.objects.update(language="en")
    member = _nav(login(personas.ines).get("/events/").content.decode())
    assert member["member"] == [
        "Home", "Directory", "Events*", "Bookings", "Mutual help", "People to meet",
    ]  # fmt: skip
    assert member["staff"] == []
    assert member["menu"][:2] == ["My profile", "My plan"] and "Preferences" in member["menu"]
    assert "Two-factor authentication" not in member["menu"]

    staff = _nav(login(personas.malik).get("/staff/members/").content.decode())
    assert "Members*" in staff["staff"] and "Dashboard" in staff["staff"]
    assert staff["member"][0] == "Home"
    assert "Two-factor authentication" in staff["menu"]


def test_the_navigation_speaks_the_viewers_language_whatever_was_written_before(login, personas):
    from maillage.members.models import User

    User.objects.filter(pk=personas.ines.user_id).update(language="en")
    english = _nav(login(personas.ines).get("/").content.decode())
    User.objects.filter(pk=personas.ines.user_id).update(language="fr")
    french = _nav(login(personas.ines).get("/").content.decode())
    assert english["member"][:2] == ["Home*", "Directory"]
    assert french["member"][:2] == ["Accueil*", "Annuaire"]
    assert "Préférences" in french["menu"]


def test_the_browsers_favicon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302  # the file's name changes with its content
    assert response["Location"].endswith("maillage/img/favicon.svg")


def test_the_login_page_sends_nobody_to_a_closed_sign_up(client):
    from django.urls import reverse

    page = client.get(reverse("account_login"), headers={"accept-language": "en"}).content.decode()
    assert reverse("account_signup") not in page
    assert "accounts are opened by invitation" in page
