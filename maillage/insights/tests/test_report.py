"""The stakeholder report (HTML, PDF, CSV, JSON), the transparency page, inviting a segment to
an event and the member's own view, through HTTP with the personas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zlib

import pytest
from django.core import mail
from django.utils import timezone

from maillage.core.tests.factories import MemberFactory
from maillage.events import services as events
from maillage.events.models import EventKind, EventVisibility
from maillage.insights import services
from maillage.insights.models import EventInvitation
from maillage.insights.tests.helpers import TODAY, joined_long_ago, weekly

pytestmark = pytest.mark.django_db

REPORT = "/staff/insights/report/"


@pytest.fixture
def computed(personas):
    """Hugo (tenant, Le Quai) and six more tenants; Inès and five coworkers at La Filature."""
    joined_long_ago(personas.hugo, personas.ines)
    weekly(personas.hugo, weeks=20)
    weekly(personas.ines, weeks=20, kinds={"attended": 1, "answered": 1})
    for _ in range(5):
        member = MemberFactory(home_space=personas.filature)
        joined_long_ago(member)
        weekly(member, weeks=20, kinds={"attended": 1})
    for _ in range(6):
        member = MemberFactory(home_space=personas.quai)
        joined_long_ago(member)
        weekly(member, weeks=20)
    services.insights_recompute(operator=personas.ruche, today=TODAY)
    services.insights_recompute(operator=personas.grenier, today=TODAY)
    return personas


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made with Helvetica: every compressed stream inflated, the
    strings shown by `Tj` joined."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            out.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return " ".join(out)


def test_the_report_shows_each_indicator_with_its_definition_and_chart(login, computed):
    response = login(computed.claire).get(REPORT, {"from": "2025-02", "to": "2026-01"})
    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    ids = [s.indicator.id for s in report.series]
    assert "active_members" in ids and "members_by_segment" in ids
    active = next(s for s in report.series if s.indicator.id == "active_members")
    # Thirteen members were active in January 2026 (the whole operator).
    assert active.latest[0] == dt.date(2026, 1, 1) and active.latest[1] == 13
    assert active.chart is not None and "svg" in page
    assert "Members (at the end of the period) who did anything recorded in the period" in page
    # the formula, in words
    assert "How it is computed: number of members (at the end of the period)" in page


def test_a_bad_period_gives_a_message_not_an_error(login, computed):
    response = login(computed.claire).get(REPORT, {"from": "janvier", "to": "2026-01"})
    assert response.status_code == 200
    assert "YYYY-MM" in response.context["message"]
    backwards = login(computed.claire).get(REPORT, {"from": "2026-01", "to": "2025-10"})
    assert backwards.context["report"].start == dt.date(2025, 10, 1)
    assert "backwards" in backwards.context["message"]
    # A year no report covers (the month after December 9999 does not exist): a message on
    # the page, and the PDF and the exports fall back to the default period, never a 500.
    client = login(computed.claire)
    for far in ({"to": "9999-12"}, {"from": "9999-12"}, {"from": "0001-01", "to": "10000-01"}):
        page = client.get(REPORT, far)
        assert page.status_code == 200 and "YYYY-MM" in page.context["message"]
        for url in ("/staff/insights/report.pdf", "/staff/insights/values.csv"):
            assert client.get(url, far).status_code == 200, (url, far)


def test_the_pdf_report_holds_the_same_figures(login, computed):
    response = login(computed.claire).get(
        "/staff/insights/report.pdf", {"from": "2025-12", "to": "2026-01"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Community report" in text
    assert "Ruche & Co" in text
    assert "Active members" in text
    assert "January 2026: 13" in text and "Jan. 2026: 13" in text


def test_the_csv_and_json_exports_hold_every_value_and_withhold_small_cells(login, computed):
    client = login(computed.claire)
    response = client.get("/staff/insights/values.csv", {"from": "2026-01", "to": "2026-01"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    active = [r for r in rows if r["indicator_id"] == "active_members"]
    operator_row = next(r for r in active if r["scope"] == "operator")
    assert operator_row["value"] == "13" and operator_row["period_start"] == "2026-01-01"
    # Le Quai has 7 members (enough); La Filature 6; Le Belvédère none.
    spaces = {int(r["space_id"]): r for r in active if r["scope"] == "space"}
    assert spaces[computed.quai.pk]["value"] == "7"
    # The conversion or rates over fewer than 10 members are withheld, cohort included.
    participation = [r for r in rows if r["indicator_id"] == "event_participation_rate"]
    hidden = [r for r in participation if r["suppressed"] == "True"]
    assert hidden and all(r["value"] == "" and r["cohort"] == "" for r in hidden)

    as_json = json.loads(client.get("/staff/insights/values.json", {"from": "2026-01"}).content)
    assert {i["id"] for i in as_json["indicators"]} >= {"active_members", "no_show_rate"}
    assert len(as_json["values"]) > 0
    assert all(v["cohort"] is None for v in as_json["values"] if v["suppressed"])
    assert client.get("/staff/insights/values.xml").status_code == 404


def test_the_report_is_for_staff_of_the_operator_only(login, client, computed):
    assert login(computed.ines).get(REPORT).status_code == 403
    assert login(computed.hugo).get("/staff/insights/report.pdf").status_code == 403
    assert login(computed.malik).get(REPORT, {"space": computed.quai.pk}).status_code == 403
    client.logout()
    assert client.get("/staff/insights/values.csv").status_code == 302  # to log in
    malik = login(computed.malik).get("/staff/insights/values.csv")
    rows = list(csv.DictReader(io.StringIO(malik.content.decode())))
    assert rows and {r["space_id"] for r in rows} == {str(computed.filature.pk)}
    zoe = login(computed.zoe).get("/staff/insights/values.json")
    assert json.loads(zoe.content)["operator"] == "Le Grenier"
    assert "Ruche" not in zoe.content.decode()


# --- inviting a segment to an event --------------------------------------------------------


@pytest.fixture
def lunch(computed):
    day = timezone.localdate() + dt.timedelta(days=10)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    tz = computed.quai.tz
    return events.event_propose(
        proposer=computed.claire,
        operator=computed.ruche,
        space=computed.quai,
        starts_at=dt.datetime.combine(day, dt.time(12, 30), tz),
        ends_at=dt.datetime.combine(day, dt.time(13, 30), tz),
        title="Déjeuner du Quai",
        kind=EventKind.LUNCH,
        capacity=30,
        visibility=EventVisibility.MEMBERS,
    )


INVITE = "/staff/insights/segments/tenant/invite/"


def test_claire_invites_the_tenants_who_never_came_to_an_event(
    login, computed, lunch, run_worker, django_capture_on_commit_callbacks
):
    client = login(computed.claire)
    page = client.get("/staff/insights/segments/tenant/", {"without_event": 1})
    assert lunch in page.context["events"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, {"event": lunch.pk, "without_event": "1"})
    assert response.status_code == 302
    invited = set(EventInvitation.objects.filter(event=lunch).values_list("member_id", flat=True))
    assert len(invited) == 7 and computed.hugo.pk in invited
    run_worker()
    to_hugo = [m for m in mail.outbox if m.to == [computed.hugo.user.email]]
    assert len(to_hugo) == 1 and "Déjeuner du Quai" in to_hugo[0].subject
    assert f"/events/{lunch.pk}/" in to_hugo[0].body
    assert len(mail.outbox) == 7
    # Twice: nobody is invited again, no email.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(INVITE, {"event": lunch.pk, "without_event": "1"}, follow=True)
    assert "already" in again.content.decode()
    run_worker()
    assert EventInvitation.objects.filter(event=lunch).count() == 7 and len(mail.outbox) == 7


def test_a_bad_invitation_writes_nothing(login, computed, lunch):
    client = login(computed.claire)
    for data in ({"event": "abc"}, {"event": 999999}, {}):
        response = client.post(INVITE, data, follow=True)
        assert response.status_code == 200
        assert "Choose an event" in response.content.decode()
    assert not EventInvitation.objects.exists()
    assert login(computed.ines).post(INVITE, {"event": lunch.pk}).status_code == 403
    # Zoé's operator has no such event: she cannot invite Ruche & Co's members to it.
    login(computed.zoe).post(INVITE, {"event": lunch.pk})
    assert not EventInvitation.objects.exists()
    assert login(computed.claire).post("/staff/insights/segments/nobody/invite/").status_code == 404


ROULETTE = "/staff/insights/segments/tenant/invite/roulette/"


def test_claire_invites_the_tenants_to_the_lunch_roulette_of_their_space(
    login, computed, run_worker, django_capture_on_commit_callbacks
):
    from maillage.insights.models import RouletteInvitation
    from maillage.matching.services import roulette_join

    # One of the seven tenants who never came to an event takes part already: not invited.
    keen = MemberFactory(home_space=computed.quai)
    joined_long_ago(keen)
    weekly(keen, weeks=20)
    services.insights_recompute(operator=computed.ruche, today=TODAY)
    roulette_join(member=keen, space=computed.quai)
    client = login(computed.claire)
    page = client.get("/staff/insights/segments/tenant/", {"without_event": 1})
    assert "Invite them to the lunch roulette" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ROULETTE, {"without_event": "1"}, follow=True)
    assert "7 members invited to the lunch roulette" in response.content.decode()
    invited = RouletteInvitation.objects.all()
    assert invited.count() == 7 and not invited.filter(member=keen).exists()
    assert {i.space_id for i in invited.filter(member=computed.hugo)} == {computed.quai.pk}
    run_worker()
    to_hugo = [m for m in mail.outbox if m.to == [computed.hugo.user.email]]
    assert len(to_hugo) == 1 and "Le Quai" in to_hugo[0].subject
    assert "/meet/roulette/" in to_hugo[0].body and "Claire" in to_hugo[0].body
    assert len(mail.outbox) == 7
    # Again: nobody is invited twice, no more email.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(ROULETTE, {"without_event": "1"}, follow=True)
    assert "invited to it already" in again.content.decode()
    run_worker()
    assert invited.count() == 7 and len(mail.outbox) == 7


def test_members_who_opted_out_of_suggestions_are_not_invited_to_the_roulette(
    login, computed, django_capture_on_commit_callbacks
):
    from maillage.insights.models import RouletteInvitation
    from maillage.matching.services import matching_preference_set

    matching_preference_set(member=computed.hugo, opted_out=True)
    with django_capture_on_commit_callbacks(execute=True):
        login(computed.claire).post(ROULETTE, {"without_event": "1"})
    invited = set(RouletteInvitation.objects.values_list("member_id", flat=True))
    assert len(invited) == 6 and computed.hugo.pk not in invited
    # Nor does his own page offer to join it.
    steps = {s.key: s for s in login(computed.hugo).get("/me/engagement/").context["untried"]}
    assert steps["introductions"].action is None


def test_roulette_invitations_are_for_the_staff_of_the_members_space(login, computed):
    from maillage.insights.models import RouletteInvitation

    assert login(computed.ines).post(ROULETTE).status_code == 403
    assert login(computed.hugo).get(ROULETTE).status_code in (403, 405)
    # Malik runs La Filature: his tenant list has nobody of Le Quai.
    login(computed.malik).post(ROULETTE)
    assert not RouletteInvitation.objects.exclude(space=computed.filature).exists()
    # Zoé's list is Le Grenier's: Ruche & Co's members are never hers to invite.
    login(computed.zoe).post(ROULETTE)
    assert (
        not RouletteInvitation.objects.filter(operator=computed.ruche)
        .exclude(invited_by__operator=computed.ruche)
        .exists()
    )
    assert (
        login(computed.claire).post("/staff/insights/segments/nobody/invite/roulette/").status_code
        == 404
    )


def test_staff_introduce_a_tenant_from_the_list_with_a_suggestion_to_start_from(login, computed):
    page = login(computed.claire).get("/staff/insights/segments/tenant/").content.decode()
    link = f"/staff/introductions/new/?a={computed.hugo.pk}"
    assert link in page
    form = login(computed.claire).get(link)
    assert form.status_code == 200
    assert form.context["form"].initial == {"a": computed.hugo.pk}
    # A member of another operator cannot be picked through the address.
    other = login(computed.claire).get(f"/staff/introductions/new/?a={computed.zoe.pk}")
    assert other.context["form"].initial == {} and other.context["suggestions"] == []


# --- transparency ---------------------------------------------------------------------------


def test_the_transparency_page_shows_only_what_the_admin_published(login, client, computed):
    public = "/transparency/ruche-and-co/"
    assert "No figures have been published yet" in client.get(public).content.decode()
    admin = login(computed.claire)
    assert admin.get("/staff/insights/public/").status_code == 200
    admin.post("/staff/insights/public/", {"indicator": ["active_members", "no_show_rate"]})
    assert services.published_figures(computed.ruche) == ["active_members", "no_show_rate"]
    client.logout()
    page = client.get(public).content.decode()
    assert "Active members" in page and "No-shows" in page
    assert "Event participation" not in page and "Members by segment" not in page
    assert "Hugo" not in page
    # Bad input: an unknown figure changes nothing.
    admin = login(computed.claire)
    response = admin.post("/staff/insights/public/", {"indicator": ["members", "salaries"]})
    assert "Unknown figures: salaries" in response.content.decode()
    assert services.published_figures(computed.ruche) == ["active_members", "no_show_rate"]


def test_only_an_admin_chooses_the_published_figures(login, computed):
    assert login(computed.malik).get("/staff/insights/public/").status_code == 403
    assert (
        login(computed.ines).post("/staff/insights/public/", {"indicator": ["members"]}).status_code
        == 403
    )
    assert services.published_figures(computed.ruche) == []
    zoe = login(computed.zoe)
    zoe.post("/staff/insights/public/", {"indicator": ["members"]})
    assert services.published_figures(computed.grenier) == ["members"]
    assert services.published_figures(computed.ruche) == []


def test_the_public_figures_withhold_small_cohorts(client, computed):
    services.published_figures_update(by=computed.claire, indicator_ids=["no_show_rate"])
    page = client.get("/transparency/ruche-and-co/").content.decode()
    # Six members attended events in January: fewer than the 10 the rate needs.
    assert "too few to show" in page
    assert client.get("/transparency/nobody/").status_code == 404


# --- the member's own view ---------------------------------------------------------------


def test_hugo_sees_his_engagement_and_what_he_has_not_tried(login, client, computed):
    response = login(computed.hugo).get("/me/engagement/")
    assert response.status_code == 200
    untried = {step.key for step in response.context["untried"]}
    assert "events" in untried and "workspace" not in untried
    page = response.content.decode()
    assert "Come to an event" in page and 'href="/events/' in page
    client.logout()
    assert client.get("/me/engagement/").status_code == 302


def test_hugos_next_steps_are_done_in_one_click(login, computed, lunch):
    """What Hugo has not tried comes as actions: say he is going to the event ranked first
    for him, join the lunch roulette of Le Quai; a day at another of the operator's spaces is
    a link to that space's page. Each button does what it says."""
    from maillage.events.models import Rsvp
    from maillage.matching.models import RouletteOptIn

    client = login(computed.hugo)
    steps = {step.key: step for step in client.get("/me/engagement/").context["untried"]}
    events = steps["events"]
    assert events.action == f"/events/{lunch.pk}/rsvp/" and "Déjeuner du Quai" in events.text
    roulette = steps["introductions"]
    assert roulette.action == "/meet/roulette/" and "Le Quai" in roulette.text
    assert steps["network"].url == f"/spaces/{computed.filature.slug}/"  # first by name
    html = client.get("/me/engagement/").content.decode()
    assert f'action="/events/{lunch.pk}/rsvp/"' in html and 'value="going"' in html
    # Clicking: the RSVP and the roulette are recorded.
    client.post(events.action, dict(events.fields))
    assert Rsvp.objects.get(event=lunch, member=computed.hugo).status == "going"
    client.post(roulette.action, dict(roulette.fields))
    assert RouletteOptIn.objects.filter(member=computed.hugo, space=computed.quai, is_active=True)
    # Done: the roulette step goes back to a link (he takes part), the event one too (he has
    # answered the only event there is).
    steps = {step.key: step for step in client.get("/me/engagement/").context["untried"]}
    assert steps["introductions"].action is None and steps["events"].action is None


def test_a_member_sees_how_much_of_the_offer_she_used(login, computed):
    from maillage.insights import selectors
    from maillage.insights.models import MemberEngagementSnapshot

    response = login(computed.hugo).get("/me/engagement/")
    used, total = response.context["offer_used"]
    snapshot = MemberEngagementSnapshot.objects.filter(member=computed.hugo).latest("day")
    assert used == len(snapshot.offer_used) and total == len(
        services.offer_declared(computed.ruche)
    )
    assert f"You used {used} of the {total} parts of your membership" in response.content.decode()
    assert selectors.offer_used_of(MemberFactory(home_space=computed.quai)) is None


def test_ines_has_tried_the_events(login, computed):
    response = login(computed.ines).get("/me/engagement/")
    untried = {step.key for step in response.context["untried"]}
    assert "events" not in untried and "asks_and_offers" not in untried
    assert response.context["engagement"].level_name


def test_a_breakdown_is_drawn_as_bars_of_the_largest_value_shown():
    from maillage.insights import indicators as ind
    from maillage.insights import report as reports

    series = reports.Series(indicator=ind.get("members_by_segment"))
    series.breakdowns = [("tenant", 8, False), ("coworker", 6, False), ("drifting", None, True)]
    series.breakdown_start = dt.date(2026, 1, 1)
    bars = {key: (text, width) for key, _label, text, width in series.breakdown_bars}
    assert bars["tenant"] == ("8", 100.0) and bars["coworker"] == ("6", 75.0)
    assert bars["drifting"][1] == 0.0 and bars["drifting"][0] != "None"
    assert [key for key, *_ in series.breakdown_bars] == ["coworker", "tenant", "drifting"]
    assert series.latest_breakdown_period == "January 2026"


def test_a_long_breakdown_label_is_cut_to_its_column_in_the_pdf():
    """In the PDF a label longer than its column ends with "..." instead of running over its
    bar; a short one is left whole."""
    from fpdf import FPDF

    from maillage.insights.pdf import fit

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=9)
    long = "Membres qui s'eloignent (aucune visite depuis trois mois) - La Filature"
    cut = fit(doc, long, 43.5)
    assert cut.endswith("...") and long.startswith(cut[:-3])
    assert doc.get_string_width(cut) <= 43.5 < doc.get_string_width(long)
    assert fit(doc, "Coworkers", 43.5) == "Coworkers"
