"""The insights pages through HTTP, with the personas; and the member's own card."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from maillage.core.tests.factories import MemberFactory
from maillage.insights import selectors, services
from maillage.insights.tests.helpers import TODAY, joined_long_ago, weekly

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/insights/"


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


def test_it_shows_claire_the_whole_operator(login, computed):
    response = login(computed.claire).get(DASHBOARD)
    assert response.status_code == 200
    data = response.context["data"]
    assert data.space is None
    segments = {bar.segment: bar.value for bar in data.segments}
    assert segments["tenant"] == 7 and segments["coworker"] == 6
    page = response.content.decode()
    assert "These 7 tenants have never come to an event" in page
    assert "Hugo Lefevre" in page
    assert 'role="img"' in page and "<table" in page  # the chart and its table


def test_it_charts_the_share_of_the_offer_used_month_by_month(login, computed):
    from maillage.insights.models import IndicatorValue

    data = login(computed.claire).get(DASHBOARD).context["data"]
    stored = IndicatorValue.objects.filter(
        operator=computed.ruche, space=None, indicator_id="offer_used_share"
    )
    latest = stored.order_by("-period_start").first()
    assert latest is not None and latest.value is not None
    assert data.offer_trend is not None
    assert data.offer_trend_rows[-1][1] == latest.value
    # One point per month of the active members' trend, the same months.
    assert [label for label, _ in data.offer_trend_rows] == [r[0] for r in data.trend_rows]


def test_it_shows_malik_only_the_space_he_runs(login, computed):
    response = login(computed.malik).get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["data"].space == computed.filature
    assert "Hugo Lefevre" not in response.content.decode()  # a tenant of Le Quai
    assert login(computed.malik).get(DASHBOARD, {"space": computed.quai.pk}).status_code == 403


def test_it_lets_claire_look_at_one_space(login, computed):
    response = login(computed.claire).get(DASHBOARD, {"space": computed.quai.pk})
    assert response.context["data"].space == computed.quai
    assert "Ines Moreau" not in response.content.decode()


def test_it_forbids_the_dashboard_to_a_member(login, computed):
    assert login(computed.ines).get(DASHBOARD).status_code == 403
    assert login(computed.hugo).get("/staff/insights/segments/tenant/").status_code == 403


def test_it_sends_an_anonymous_visitor_to_log_in(client, computed):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_zoe_nothing_of_ruche_and_co(login, computed):
    response = login(computed.zoe).get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["operator"] == computed.grenier
    page = response.content.decode()
    assert "Hugo" not in page and "Ines" not in page and "Filature" not in page
    assert login(computed.zoe).get(DASHBOARD, {"space": computed.filature.pk}).status_code == 403
    segment = login(computed.zoe).get("/staff/insights/segments/tenant/")
    assert "Hugo" not in segment.content.decode()


def test_it_lists_the_tenants_who_never_came_to_an_event(login, computed):
    computed.claire.user.language = "fr"  # the reasons are read in French
    computed.claire.user.save(update_fields=["language"])
    response = login(computed.claire).get(
        "/staff/insights/segments/tenant/", {"without_event": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hugo Lefevre" in page
    assert f"/staff/members/{computed.hugo.pk}/" in page
    assert "vient 4 jours par semaine" in page  # the reason, in the reader's language
    assert "mailto:?bcc=" in page and computed.hugo.user.email in page


def test_it_gives_the_reason_in_english_to_an_english_reader(login, computed):
    user = computed.claire.user
    user.language = "en"
    user.save(update_fields=["language"])
    response = login(computed.claire).get("/staff/insights/segments/tenant/")
    assert (
        "comes 4 days a week; no event, no exchange, no help given in 3 months"
        in response.content.decode()
    )


def test_it_says_404_for_an_unknown_segment(login, computed):
    assert login(computed.claire).get("/staff/insights/segments/vip/").status_code == 404


def test_it_waits_for_the_first_recompute(login, personas):
    response = login(personas.claire).get(DASHBOARD)
    assert response.status_code == 200
    assert "No figures yet" in response.content.decode()


def test_it_withholds_small_segments_on_the_dashboard(login, computed):
    # One tenant at La Filature: too few to show, and Le Quai's 7 tenants would give it back
    # from the operator's 8, so they are withheld too; the operator's total stays.
    tenant = MemberFactory(home_space=computed.filature)
    joined_long_ago(tenant)
    weekly(tenant, weeks=20)
    services.insights_recompute(operator=computed.ruche, today=TODAY)
    client = login(computed.claire)
    filature = client.get(DASHBOARD, {"space": computed.filature.pk})
    bars = {bar.segment: bar for bar in filature.context["data"].segments}
    assert bars["tenant"].suppressed and bars["tenant"].value is None
    assert "&lt; 5" in filature.content.decode()
    quai = client.get(DASHBOARD, {"space": computed.quai.pk})
    assert {bar.segment: bar for bar in quai.context["data"].segments}["tenant"].suppressed
    total = client.get(DASHBOARD)
    assert {bar.segment: bar.value for bar in total.context["data"].segments}["tenant"] == 8


def test_it_reads_the_dashboard_in_a_fixed_number_of_queries(
    login, computed, django_assert_max_num_queries
):
    client = login(computed.claire)
    with django_assert_max_num_queries(10):  # the floor's 5, then the figures (cached after)
        first = client.get(DASHBOARD)
    with django_assert_max_num_queries(5):  # session, account, records, spaces, stamp
        again = client.get(DASHBOARD)
    main = lambda r: r.content.decode().split("<main")[1]  # noqa: E731
    assert main(again).split("csrf")[0] == main(first).split("csrf")[0]
    assert "These 7 tenants" in main(again)


def test_the_dashboard_stamp_read_once_equals_the_orms(computed):
    """The stamp the cached dashboard is keyed on, read with SQL written once, is the latest
    period's computation time and end, for the operator and for each of its spaces."""
    for space in (None, computed.filature, computed.quai, computed.belvedere):
        values = selectors._values(computed.ruche, space).filter(indicator_id="active_members")
        reference = values.order_by("-period_start").values_list("computed_at", "period_end")
        assert selectors.dashboard_stamp(operator=computed.ruche, space=space) == (
            reference.first() or (None, None)
        )
    assert selectors.dashboard_stamp(operator=computed.ruche, space=None)[0] is not None
    unknown = MemberFactory().operator
    assert selectors.dashboard_stamp(operator=unknown, space=None) == (None, None)


def test_it_shows_new_figures_as_soon_as_they_are_computed(login, computed):
    client = login(computed.claire)
    assert "These 7 tenants" in client.get(DASHBOARD).content.decode()
    tenant = MemberFactory(home_space=computed.quai)
    joined_long_ago(tenant)
    weekly(tenant, weeks=20)
    services.insights_recompute(operator=computed.ruche, today=TODAY)
    assert "These 8 tenants" in client.get(DASHBOARD).content.decode()


def test_it_shows_a_member_her_own_level(computed):
    card = selectors.member_card(computed.ines)
    assert card.level == 3
    assert card.level_name in ("contributeur", "contributor")
    assert card.next_level_name in ("ambassadeur", "ambassador")
    assert card.facts["events"] == 13 and card.facts["exchange"] == 13
    assert 0 <= card.progress <= 100
    request = RequestFactory().get("/")
    html = render_to_string(
        "insights/includes/my_engagement.html", {"engagement": card}, request=request
    )
    assert "13 events" in html or "13 événements" in html


def test_it_has_no_card_before_the_first_recompute(personas):
    assert selectors.member_card(personas.ines) is None
    html = render_to_string("insights/includes/my_engagement.html", {"engagement": None})
    assert "my-engagement-title" in html


def test_odd_ids_in_the_address_get_a_page_or_a_refusal_never_an_error(login, computed):
    from maillage.core.forms import parse_id

    assert [parse_id(t) for t in ("12", " 7 ", "²", "abc", "", "-3", "0", "9" * 30)] == [
        12,
        7,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    claire = login(computed.claire)
    for odd in ("²", "abc", "9" * 30):
        assert claire.get(DASHBOARD, {"space": odd}).status_code == 200  # the whole operator
        assert claire.get("/staff/insights/segments/tenant/", {"space": odd}).status_code == 200
        response = claire.post(
            "/staff/insights/segments/tenant/invite/", {"event": odd}, follow=True
        )
        assert response.status_code == 200 and "Choose an event" in response.content.decode()
        intro = login(computed.malik).get("/staff/introductions/new/", {"a": odd, "b": odd})
        assert intro.status_code == 200 and intro.context["form"].initial == {}
