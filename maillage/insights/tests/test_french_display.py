"""The insights pages as a French reader sees them: the partner report (HTML and PDF) names
segments and parts of the offer as the dashboard does, says how each figure is computed in
French, writes months and periods the French way; charts keep their labels apart; the
dashboard and the member's own page read as correct French."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from maillage.insights import charts, selectors
from maillage.insights import indicators as ind
from maillage.insights import report as reports
from maillage.insights.models import IndicatorValue, Level
from maillage.insights.tests.test_report import computed, pdf_text  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

REPORT = "/staff/insights/report/"
NB = "\u00a0"
RAW_KEYS = ("newcomer", "coworker", "tenant", "occasional", "drifting", "gone")


@pytest.fixture
def in_french(computed):  # noqa: F811 - the fixture imported above
    """Everyone reads French (the insights tests run in English otherwise)."""
    from maillage.members.models import User

    User.objects.update(language="fr")
    with translation.override("fr"):
        yield computed


def test_the_report_names_segments_and_parts_of_the_offer_in_french(login, in_french):
    page = login(in_french.claire).get(REPORT, {"from": "2025-02", "to": "2026-01"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="row">Locataire</th>' in html
    assert '<th scope="row">Coworker actif</th>' in html
    for key in RAW_KEYS:
        assert f'<th scope="row">{key}</th>' not in html
    # Offer use by segment: a part per row, a segment per column, no "coworker:workspace".
    assert ":workspace" not in html and ":meeting_rooms" not in html
    assert '<th scope="row">Espace de travail</th>' in html
    assert '<th scope="col" class="num">Coworker actif</th>' in html


def test_the_report_says_how_each_figure_is_computed_in_french(login, in_french):
    html = login(in_french.claire).get(REPORT, {"from": "2025-02", "to": "2026-01"}).content
    html = html.decode()
    assert f"Calcul{NB}: nombre de membres non partis à la fin de la période." in html
    assert f"Version 1{NB}; non publié en dessous de 5 membres." in html
    for indicator in ind.ready():
        assert indicator.formula not in html, indicator.id
    assert "count(" not in html and "period end" not in html


def test_an_indicator_whose_meaning_changed_shows_its_formula_labelled_as_technical():
    indicator = ind.get("members")
    changed = type(indicator)(**{**indicator.__dict__, "version": indicator.version + 1})
    series = reports.Series(indicator=changed)
    assert series.formula_text is None
    html = render_to_string(
        "insights/includes/report_series.html", {"s": series, "show_formula": True}
    )
    assert "Technical formula:" in html and f"<code>{indicator.formula}</code>" in html


def test_the_report_period_reads_de_month_a_month(login, in_french):
    html = login(in_french.claire).get(REPORT, {"from": "2025-12", "to": "2026-11"}).content
    assert "de décembre 2025 à novembre 2026" in html.decode()
    with translation.override("fr"):
        april = reports.month_range(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
        august = reports.month_range(dt.date(2025, 8, 1), dt.date(2026, 1, 31))
    assert april == "d’avril 2025 à mars 2026"
    assert august == "d’août 2025 à janvier 2026"
    with translation.override("en"):
        assert reports.month_range(dt.date(2025, 4, 1), dt.date(2026, 3, 31)) == (
            "from April 2025 to March 2026"
        )


def test_months_and_quarters_are_written_the_french_way():
    month, quarter = ind.get("members"), ind.get("tenant_coworker_conversion")
    with translation.override("fr"):
        assert reports.period_label(month, dt.date(2026, 11, 1)) == "nov. 2026"
        assert reports.period_label(month, dt.date(2026, 8, 1)) == "août 2026"
        assert reports.period_label(month, dt.date(2026, 11, 1), long=True) == "novembre 2026"
        assert reports.period_label(quarter, dt.date(2026, 10, 1)) == "T4 2026"
    with translation.override("en"):
        assert reports.period_label(quarter, dt.date(2026, 10, 1)) == "Q4 2026"


def test_the_pdf_report_is_in_french(login, in_french):
    response = login(in_french.claire).get(
        "/staff/insights/report.pdf", {"from": "2025-12", "to": "2026-01"}
    )
    text = pdf_text(response.content)
    assert "Rapport de la communauté" in text
    assert "Ruche & Co, de décembre 2025 à janvier 2026" in text
    assert "Calcul : nombre de membres (à la fin de la période)" in text
    assert "janvier 2026 : 13" in text  # the latest value
    # Segments: one row each (label, bar, value), for the latest month.
    segments = text[text.find("Membres par segment") :]
    assert "janvier 2026 Nouvel·le arrivant·e 0 Coworker actif 6 Locataire 7" in segments
    assert "Espace de travail : " in text
    assert "Formula" not in text and "count(" not in text
    for key in RAW_KEYS:
        assert f"{key}:" not in text and f"{key} :" not in text


def test_chart_labels_are_thinned_so_they_do_not_overlap():
    names = [f"m{i}" for i in range(12)]
    chart = charts.line_chart(
        [(n, float(i)) for i, n in enumerate(names)],
        width=reports.CHART_WIDTH,
        height=reports.CHART_HEIGHT,
    )
    thinned = reports.thin_labels(chart, names)
    xs = [x for x, _text, _anchor in thinned.labels]
    assert thinned.labels[-1][1] == "m11" and thinned.labels[-1][2] == "end"
    assert all(b - a >= reports.CHART_LABEL_SPACING for a, b in itertools.pairwise(xs))
    assert [t for _x, t, _a in thinned.labels] == ["m1", "m3", "m5", "m7", "m9", "m11"]
    # Five years of months: still no more than a handful of labels.
    many = [f"m{i}" for i in range(60)]
    long_chart = charts.line_chart([(n, 1.0) for n in many], width=reports.CHART_WIDTH)
    assert len(reports.thin_labels(long_chart, many).labels) <= 8


def test_the_report_charts_are_drawn_at_their_reading_size(login, in_french):
    report = login(in_french.claire).get(REPORT, {"from": "2025-02", "to": "2026-01"})
    active = next(s for s in report.context["report"].series if s.indicator.id == "active_members")
    assert active.chart.width == reports.CHART_WIDTH
    labels = [text for _x, text, _a in active.chart.labels]
    assert labels[-1] == "jan. 2026"
    assert len(labels) <= 6


def test_the_dashboard_says_tenants_au_1er_octobre(login, in_french):
    data = selectors.dashboard(operator=in_french.ruche, space=None)
    data.conversion = IndicatorValue(
        indicator_id="tenant_coworker_conversion",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 31),
        value=94.1,
        cohort=17,
        suppressed=False,
    )
    request = RequestFactory().get("/staff/insights/")
    with translation.override("fr"):
        html = render_to_string(
            "insights/includes/dashboard_body.html",
            {"data": data, "space": None, "tenants_reasons": [], "drifting_reasons": []},
            request=request,
        )
        assert selectors.long_date(dt.date(2026, 10, 2)) == "2 octobre 2026"
    assert "des 17 locataires au 1er octobre 2026 sont devenus coworkers actifs depuis" in html
    assert " de 1 octobre" not in html


def test_the_offer_table_scrolls_sideways_and_says_so(login, in_french):
    html = login(in_french.claire).get("/staff/insights/").content.decode()
    assert 'class="table-wrap scroll-x heatmap-wrap"' in html
    assert "Faites défiler vers la droite pour voir toute l’offre" in html


def test_every_level_reads_inclusive_french():
    with translation.override("fr"):
        names = [selectors.level_label(level) for level in Level.values]
    assert names == [
        "inactif·ve",
        "explorateur·rice",
        "participant·e",
        "contributeur·rice",
        "ambassadeur·rice",
    ]


def test_the_member_page_has_one_title_and_no_dangling_dash(login, in_french):
    html = login(in_french.ines).get("/me/engagement/").content.decode()
    assert html.count("Votre place dans la communauté</h1>") == 1
    assert "Votre place dans la communauté</h2>" not in html
    assert "Votre engagement</h2>" in html
    assert "Contributeur·rice" in html and "pour devenir ambassadeur·rice" in html
    untried = html.split('id="untried-title"')[1].split("</section>")[0]
    assert "<strong>Opportunités d&#x27;affaires</strong>" in untried
    assert "—" not in untried
    assert "Choisir les opportunités d’affaires à recevoir" in html
    assert 'href="/me/exchange/preferences/"' in html


def test_points_to_the_next_level_agree_with_their_number():
    """« Encore 1 point », « Encore 12 points »: a whole number of points still to earn (0.4
    left is 1 to earn), in both languages."""
    import datetime as dt

    from django.template.loader import render_to_string

    from maillage.insights.selectors import MemberCard

    def card(points):
        return MemberCard(1, "explorateur·rice", 10.0, "participant·e", points, 50.0, "steady",
                          {}, dt.date(2026, 11, 1))  # fmt: skip

    assert [card(p).points_left for p in (0.4, 1.0, 11.2, 0.0, None)] == [1, 1, 12, 0, None]
    with translation.override("fr"):
        one = render_to_string("insights/includes/home_card.html", {"engagement": card(0.4)})
        many = render_to_string("insights/includes/home_card.html", {"engagement": card(11.2)})
    assert "Encore 1 point pour devenir participant·e" in one
    assert "Encore 12 points pour devenir participant·e" in many
    with translation.override("en"):
        one = render_to_string("insights/includes/home_card.html", {"engagement": card(1.0)})
    assert "1 point to become participant·e" in one
