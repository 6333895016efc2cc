"""The directory: who finds whom, how, and why they matched (issue 3).

Data is set up with the models and `profile_reindex` (the search service); searches go
through the page (HTTP) or `directory_search`, the selector the page calls.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone, translation

from maillage.core.access import ANONYMOUS, viewer_for_user
from maillage.core.models import Role
from maillage.core.tests.factories import MemberFactory, UserFactory
from maillage.members.models import (
    Company,
    Need,
    Offer,
    Profile,
    ProfileSkill,
    SearchEntry,
    SkillConcept,
    SkillLevel,
    Visibility,
)
from maillage.members.selectors_directory import PAGE_SIZE, DirectoryQuery, directory_search
from maillage.members.services.search import profile_reindex

pytestmark = pytest.mark.django_db

SECTIONS = ("about", "skills", "offers", "needs", "interests", "availability")


def concept(uri: str, label_fr: str, label_en: str = "", **alt_labels) -> SkillConcept:
    return SkillConcept.objects.get_or_create(
        uri=uri, defaults={"label_fr": label_fr, "label_en": label_en, "alt_labels": alt_labels}
    )[0]


def person(first: str, last: str, space, role=Role.MEMBER, **kwargs):
    user = UserFactory(
        email=f"{first.lower()}.{last.lower()}@example.org", full_name=f"{first} {last}"
    )
    return MemberFactory(user=user, home_space=space, role=role, **kwargs)


def profile_of(
    member,
    *,
    headline: str = "",
    bio: str = "",
    company: str = "",
    skills=(),
    offers=(),
    needs=(),
    visibility: str | None = None,
    listed: bool = True,
    **fields,
) -> Profile:
    """A member's profile with skills [(concept, level)], offers and needs [(title, concepts)];
    `visibility` sets every section, `visibility_<section>` one of them."""
    profile, _ = Profile.objects.get_or_create(member=member)
    profile.headline, profile.bio, profile.listed = headline, bio, listed
    if company:
        profile.company = Company.objects.get_or_create(operator=member.operator, name=company)[0]
    for section in SECTIONS:
        value = fields.pop(f"visibility_{section}", visibility)
        if value:
            setattr(profile, f"visibility_{section}", value)
    for key, value in fields.items():
        setattr(profile, key, value)
    profile.save()
    for c, level in skills:
        ProfileSkill.objects.create(profile=profile, concept=c, level=level)
    for title, concepts in offers:
        Offer.objects.create(profile=profile, title=title).skills.set(concepts)
    for title, concepts in needs:
        Need.objects.create(profile=profile, title=title).skills.set(concepts)
    profile_reindex(profile=profile)
    return profile


def search(who, text: str = "", **filters):
    viewer = ANONYMOUS if who is None else viewer_for_user(who.user)
    return directory_search(viewer, DirectoryQuery(text=text, **filters))


def text_of(html: str) -> str:
    """A page's text as a person reads it: no tags, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace("\u00a0", " ")


def names(page) -> list[str]:
    return [r.profile.member.user.full_name for r in page.results]


# --- the page -----------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_log_in(client, personas):
    response = client.get("/directory/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_shows_the_directory_to_a_member(login, personas):
    lucie = person("Lucie", "Garnier", personas.filature)
    profile_of(lucie, headline="Juriste en droit du travail")
    response = login(personas.ines).get("/directory/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="search"' in page and 'role="status"' in page
    assert "Lucie Garnier" in page
    assert f'href="/members/{lucie.pk}/"' in page


def test_it_answers_htmx_with_the_results_only(login, personas):
    profile_of(person("Lucie", "Garnier", personas.filature), headline="Juriste")
    response = login(personas.ines).get(
        "/directory/", {"q": "juriste"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'hx-swap-oob="innerHTML"' in page
    assert "Lucie Garnier" in page


def test_it_finds_a_member_by_searching_in_french_with_a_typo_and_says_why(login, personas):
    """The issue's "done when": another member finds them in French, with a typo, and sees why."""
    from maillage.members.taxonomy import linker

    graphic = SkillConcept.objects.get(uri=linker.link("graphiste", limit=1)[0].concept.uri)
    lucie = person("Lucie", "Garnier", personas.quai)
    profile_of(lucie, headline="Indépendante", skills=[(graphic, SkillLevel.EXPERT)])
    with translation.override("fr"):
        response = login(personas.ines).get("/directory/", {"q": "grafiste"})
    card = text_of(response.content.decode()).split("Lucie Garnier", 1)[1]
    assert f"Compétence : {graphic.label_fr} (expert) — proche de « grafiste »" in card, card


def test_it_offers_the_words_with_two_letters_swapped_back_when_nobody_matches(login, personas):
    from maillage.members.taxonomy import linker

    graphic = SkillConcept.objects.get(uri=linker.link("graphiste", limit=1)[0].concept.uri)
    lucie = person("Lucie", "Garnier", personas.quai)
    profile_of(lucie, headline="Indépendante", skills=[(graphic, SkillLevel.EXPERT)])
    client = login(personas.ines)
    response = client.get("/directory/", {"q": "desing", "coffee": ""})
    assert response.context["page"].count == 0
    words, again = response.context["did_you_mean"]
    assert words == "design" and "q=design" in again
    assert "Lucie Garnier" in client.get(f"/directory/?{again}").content.decode()
    # Nothing to mend, nothing offered; and a name is never changed behind one's back.
    assert not client.get("/directory/", {"q": "zzzqqq"}).context["did_you_mean"]
    assert response.context["query"].text == "desing"


def test_it_keeps_the_query_count_flat_on_a_full_page(
    login, personas, django_assert_max_num_queries
):
    law = concept("test:law", "Droit des affaires", "business law")
    for i in range(PAGE_SIZE + 5):
        member = person(f"Juriste{i}", "Martin", personas.quai)
        profile_of(
            member,
            headline="Juriste",
            company=f"Cabinet {i}",
            skills=[(law, SkillLevel.CONFIRMED)],
            offers=[(f"Relecture de contrats {i}", [law])],
            needs=[("Un comptable", [])],
            visibility=Visibility.OPERATOR,
        )
    client = login(personas.ines)
    client.get("/directory/")  # sessions, caches
    with django_assert_max_num_queries(20):
        response = client.get("/directory/", {"q": "juriste droit"})
    assert response.status_code == 200
    assert response.content.decode().count('class="card directory-card"') == PAGE_SIZE
    with django_assert_max_num_queries(20):
        response = client.get("/directory/")
    assert response.content.decode().count('class="card directory-card"') == PAGE_SIZE


# --- words: French, English, accents, typos -----------------------------------------------------


@pytest.fixture
def lucie(personas):
    law = concept("test:company-law", "Droit des sociétés", "company law", en=["corporate lawyer"])
    member = person("Lucie", "Garnier", personas.filature)
    profile_of(
        member,
        headline="Juriste et développeuse d'outils juridiques",
        bio="J'accompagne les startups lyonnaises dans leurs levées de fonds.",
        company="Garnier Conseil",
        skills=[(law, SkillLevel.EXPERT)],
        offers=[("Relecture de statuts", [law])],
        needs=[("Un site vitrine", [])],
        visibility=Visibility.OPERATOR,
    )
    return member


@pytest.mark.parametrize(
    "text",
    [
        "juristes",  # French plural
        "juriste",
        "developpeuse",  # without accents
        "Développeuse",
        "développeur",  # the masculine form
        "lawyer",  # English alternative label of a skill
        "company law",
        "sociétés",
        "societe",
        "levee de fonds",
        "statuts",
        "garnier",
        "Lucie Garnier",
        "juri",  # still typing
        "GARNIER CONSEIL",
    ],
)
def test_it_finds_a_member_by_their_words(personas, lucie, text):
    page = search(personas.hugo, text)
    assert names(page) == ["Lucie Garnier"], text
    assert page.count == 1
    assert page.results[0].reasons, text


def test_it_says_why_a_member_matched(personas, lucie):
    with translation.override("en"):
        reasons = [str(r) for r in search(personas.hugo, "statuts").results[0].reasons]
        assert reasons == ["Offer: Relecture de statuts"]
        reasons = [str(r) for r in search(personas.hugo, "droit sociétés").results[0].reasons]
        assert "Offer: Relecture de statuts" in reasons
        assert "Skill: company law (expert)" in reasons
        assert [str(r) for r in search(personas.hugo, "Garnier").results[0].reasons] == [
            "Name: Lucie Garnier",
            "Company: Garnier Conseil",
        ]
        (bio,) = search(personas.hugo, "startups").results[0].reasons
        assert str(bio).startswith("About: J'accompagne les startups")


def test_it_finds_nothing_for_words_nobody_wrote(personas, lucie):
    page = search(personas.hugo, "boulangerie")
    assert page.results == [] and page.count == 0


def test_it_prefers_members_who_match_every_word(personas, lucie):
    other = person("Paul", "Girard", personas.filature)
    profile_of(other, headline="Juriste", visibility=Visibility.OPERATOR)
    assert names(search(personas.hugo, "juriste statuts")) == ["Lucie Garnier"]
    assert set(names(search(personas.hugo, "juriste"))) == {"Lucie Garnier", "Paul Girard"}


def test_it_ranks_offers_above_a_mention_in_a_bio(personas):
    a = person("Anne", "Bio", personas.filature)
    profile_of(a, bio="J'ai travaillé avec des photographes.", visibility=Visibility.OPERATOR)
    b = person("Bruno", "Offre", personas.filature)
    profile_of(
        b, offers=[("Séance photographe pour vos portraits", [])], visibility=Visibility.OPERATOR
    )
    assert names(search(personas.hugo, "photographe")) == ["Bruno Offre", "Anne Bio"]


def test_it_pages_through_results(personas):
    for i in range(PAGE_SIZE + 3):
        profile_of(person(f"P{i:02d}", "Ebeniste", personas.quai), headline="Ébéniste")
    first = search(personas.hugo, "ebeniste")
    second = search(personas.hugo, "ebeniste", page=2)
    assert first.count == second.count == PAGE_SIZE + 3
    assert (len(first.results), len(second.results)) == (PAGE_SIZE, 3)
    assert not set(names(first)) & set(names(second))
    assert (first.num_pages, second.number, second.has_next) == (2, 2, False)
    assert search(personas.hugo, "ebeniste", page=9).number == 2  # past the end: the last page


def test_it_browses_newest_profiles_first_without_a_query(personas):
    for name in ("Alpha", "Bravo", "Charlie"):
        profile_of(person(name, "Test", personas.quai))
    page = search(personas.hugo)
    assert names(page)[:3] == ["Charlie Test", "Bravo Test", "Alpha Test"]
    assert page.count == 3 and not page.count_capped


def test_browsing_looks_at_the_newest_entries_first_then_at_all_of_them(personas, monkeypatch):
    """The window of newest entries answers when it holds enough visible profiles; when the
    viewer may see too few of them, the whole directory is read: same pages either way."""
    from maillage.members import selectors_directory

    for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo"):
        profile_of(person(name, "Test", personas.quai), visibility=Visibility.OPERATOR)
    for name in ("Kilo", "Lima"):  # newest, but Hugo may not see them (kept to La Filature)
        profile_of(person(name, "Test", personas.filature), visibility=Visibility.SPACE)
    everything = [names(search(personas.hugo, page=n)) for n in (1, 2)]
    monkeypatch.setattr(selectors_directory, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors_directory, "PAGE_SIZE", 2)
    for window in (3, 5, 6, 100):  # Hugo sees 1, 3 (too few: all are read), 4, then 5
        monkeypatch.setattr(selectors_directory, "BROWSE_WINDOW", window)
        page = search(personas.hugo)
        assert names(page) == ["Echo Test", "Delta Test"]
        assert (page.count, page.count_capped) == (3, True)
        assert names(search(personas.hugo, page=2)) == ["Charlie Test", "Bravo Test"]
    assert everything[0][:5] == [
        "Echo Test",
        "Delta Test",
        "Charlie Test",
        "Bravo Test",
        "Alpha Test",
    ]


# --- privacy: each visibility against each persona ----------------------------------------------

# Who may see a section of a La Filature member, by the section's visibility.
SEES = {
    Visibility.SPACE: {"ines", "malik", "claire"},
    Visibility.OPERATOR: {"ines", "malik", "claire", "hugo"},
    Visibility.NETWORK: {"ines", "malik", "claire", "hugo", "zoe"},
    Visibility.PUBLIC: {"ines", "malik", "claire", "hugo", "zoe", "anonymous"},
}
VIEWERS = ("ines", "hugo", "zoe", "malik", "claire", "anonymous")


def _viewer(personas, name):
    return None if name == "anonymous" else getattr(personas, name)


@pytest.mark.parametrize("visibility", list(SEES))
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("section", ["about", "skills", "offers", "needs"])
def test_it_shows_a_section_only_to_whom_it_is_shared_with(personas, visibility, viewer, section):
    """One section shared at `visibility`, every other one kept to the space: a word found only
    in that section finds the member (and counts) exactly for the viewers it is shared with."""
    marquetry = concept("test:marquetry", "Marqueterie", "marquetry")
    words = {
        "about": {"headline": "Marqueterie d'art"},
        "skills": {"skills": [(marquetry, SkillLevel.EXPERT)]},
        "offers": {"offers": [("Cours de marqueterie", [])]},
        "needs": {"needs": [("Apprendre la marqueterie", [])]},
    }[section]
    profile_of(
        person("Lucie", "Garnier", personas.filature),
        visibility=Visibility.SPACE,
        **{f"visibility_{section}": visibility},
        **words,
    )
    page = search(_viewer(personas, viewer), "marqueterie")
    expected = ["Lucie Garnier"] if viewer in SEES[visibility] else []
    assert names(page) == expected
    assert page.count == len(expected)
    # The name is searchable by exactly the same people (it is on every card they see).
    assert names(search(_viewer(personas, viewer), "Garnier")) == expected
    # And browsing lists and counts the profile for them only.
    browse = search(_viewer(personas, viewer))
    assert ("Lucie Garnier" in names(browse)) == bool(expected)


@pytest.mark.parametrize("viewer", ["ines", "hugo", "zoe", "malik", "anonymous"])
def test_it_never_lets_a_hidden_section_make_a_profile_match(personas, viewer):
    """Lucie works at Le Belvédère, where none of these viewers works or manages."""
    law = concept("test:company-law", "Droit des sociétés", "company law")
    profile_of(
        person("Lucie", "Garnier", personas.belvedere),
        headline="Rédactrice",
        skills=[(law, SkillLevel.EXPERT)],
        offers=[("Relecture juridique", [law])],
        needs=[("Un avocat fiscaliste", [law])],
        visibility=Visibility.SPACE,
        visibility_about=Visibility.PUBLIC,
    )
    who = _viewer(personas, viewer)
    for text in ("droit", "sociétés", "company law", "relecture", "fiscaliste", "avocat"):
        page = search(who, text)
        assert page.results == [] and page.count == 0, (viewer, text)
    assert search(who, "redactrice").count == 1  # the public section still finds her
    # Claire runs Le Belvédère (operator admin): she sees all of it.
    assert names(search(personas.claire, "relecture")) == ["Lucie Garnier"]


def test_it_shows_only_visible_sections_on_a_result_card(personas):
    law = concept("test:company-law", "Droit des sociétés", "company law")
    profile_of(
        person("Lucie", "Garnier", personas.quai),
        headline="Rédactrice",
        skills=[(law, SkillLevel.EXPERT)],
        offers=[("Relecture juridique", [law])],
        visibility=Visibility.SPACE,
        visibility_about=Visibility.NETWORK,
    )
    with translation.override("en"):
        (card,) = search(personas.zoe, "redactrice").results
    assert card.sections == frozenset({"about"})
    assert card.skills == [] and card.offers == []
    assert [r.label for r in card.reasons] == ["Headline"]


def test_it_lists_unlisted_members_only_to_themselves_and_their_space_staff(personas):
    lucie = person("Lucie", "Garnier", personas.filature)
    profile_of(lucie, headline="Marqueteuse", visibility=Visibility.PUBLIC, listed=False)
    assert search(personas.ines, "marqueteuse").count == 0
    assert search(personas.hugo, "marqueteuse").count == 0
    assert search(personas.zoe, "marqueteuse").count == 0
    assert search(None, "marqueteuse").count == 0
    assert names(search(personas.malik, "marqueteuse")) == ["Lucie Garnier"]
    assert names(search(personas.claire, "marqueteuse")) == ["Lucie Garnier"]
    assert names(search(lucie, "marqueteuse")) == ["Lucie Garnier"]
    assert "Lucie Garnier" not in names(search(personas.ines))


def test_it_forgets_members_who_left(personas):
    lucie = person("Lucie", "Garnier", personas.filature)
    profile_of(lucie, headline="Marqueteuse", visibility=Visibility.PUBLIC)
    lucie.left_on = timezone.localdate()
    lucie.save()
    assert search(personas.ines, "marqueteuse").count == 0
    assert search(personas.malik, "marqueteuse").count == 0


def test_it_hides_entries_left_behind_by_a_move_until_reindexed(personas):
    """A member moved to another space: until their entries are rebuilt, search fails closed."""
    lucie = person("Lucie", "Garnier", personas.filature)
    profile_of(lucie, headline="Marqueteuse", visibility=Visibility.SPACE)
    assert search(personas.ines, "marqueteuse").count == 1
    lucie.home_space = personas.quai
    lucie.save()
    assert search(personas.ines, "marqueteuse").count == 0
    assert search(personas.hugo, "marqueteuse").count == 0
    profile_reindex(profile=lucie.profile)
    assert search(personas.hugo, "marqueteuse").count == 1
    assert search(personas.ines, "marqueteuse").count == 0


def test_it_finds_oneself_whatever_the_visibility(personas):
    profile_of(personas.hugo, headline="Avocat d'affaires", visibility=Visibility.SPACE)
    assert names(search(personas.hugo, "avocat")) == ["Hugo Lefevre"]
    assert search(personas.ines, "avocat").count == 0


def test_it_never_shows_a_profile_with_no_entry(personas):
    Profile.objects.create(member=person("Lucie", "Garnier", personas.filature))
    assert search(personas.ines).count == 0
    assert not SearchEntry.objects.exists()


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["coffee", "lunch"])
def test_it_filters_on_coffee_and_lunch_only_through_a_visible_availability(personas, flag):
    profile_of(
        person("Lucie", "Garnier", personas.filature),
        headline="Marqueteuse",
        visibility=Visibility.NETWORK,
        visibility_availability=Visibility.SPACE,
        open_to_coffee=True,
        open_to_lunch=True,
    )
    assert names(search(personas.ines, **{flag: True})) == ["Lucie Garnier"]
    assert search(personas.ines, "marqueteuse", **{flag: True}).count == 1
    for who in (personas.hugo, personas.zoe):
        assert search(who, **{flag: True}).count == 0
        assert search(who, "marqueteuse", **{flag: True}).count == 0
        assert search(who, "marqueteuse").count == 1  # the rest of the profile is shared


def test_it_filters_members_here_today(personas):
    lucie = person("Lucie", "Garnier", personas.filature)
    paul = person("Paul", "Girard", personas.filature)
    for m in (lucie, paul):
        profile_of(
            m,
            headline="Marqueteur",
            visibility=Visibility.OPERATOR,
            visibility_availability=Visibility.SPACE,
        )
    from maillage.workspace.services.checkins import checkin_close, checkin_open

    luc = person("Luc", "Garnier", personas.filature)
    profile_of(
        luc,
        headline="Marqueteur",
        visibility=Visibility.OPERATOR,
        visibility_availability=Visibility.SPACE,
    )
    personas.filature.opening_hours = {
        d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    personas.filature.save(update_fields=["opening_hours"])
    checkin_open(member=lucie, space=personas.filature)
    # Paul came yesterday; Luc came today and has left: neither is here.
    checkin_open(member=paul, space=personas.filature, now=timezone.now() - dt.timedelta(days=1))
    checkin_open(member=luc, space=personas.filature)
    checkin_close(member=luc)
    assert names(search(personas.ines, here_today=True)) == ["Lucie Garnier"]
    assert names(search(personas.ines, "marqueteur", here_today=True)) == ["Lucie Garnier"]
    # Presence is availability: Hugo (another space) does not see Lucie's.
    assert search(personas.hugo, here_today=True, space_id=personas.filature.pk).count == 0
    assert search(personas.zoe, here_today=True, space_id=personas.filature.pk).count == 0


def test_it_filters_by_space_within_the_viewers_operators(personas):
    profile_of(person("Lucie", "Garnier", personas.filature), visibility=Visibility.NETWORK)
    profile_of(person("Paul", "Girard", personas.quai), visibility=Visibility.NETWORK)
    assert names(search(personas.ines, space_id=personas.quai.pk)) == ["Paul Girard"]
    # Another operator's space is not a choice for Zoé: the filter is dropped.
    page = search(personas.zoe, space_id=personas.quai.pk)
    assert page.query.space_id is None
    assert set(names(page)) == {"Lucie Garnier", "Paul Girard"}


def test_it_filters_new_members(personas):
    old = person(
        "Paul", "Girard", personas.quai, joined_on=timezone.localdate() - dt.timedelta(days=90)
    )
    profile_of(old, visibility=Visibility.OPERATOR)
    profile_of(person("Lucie", "Garnier", personas.quai), visibility=Visibility.OPERATOR)
    assert names(search(personas.ines, new=True)) == ["Lucie Garnier"]


def test_it_filters_members_who_offer_a_skill(personas, monkeypatch):
    law = concept("test:company-law", "Droit des sociétés", "company law")
    _link_only(monkeypatch, "droit des societes", law)
    profile_of(
        person("Lucie", "Garnier", personas.quai),
        offers=[("Relecture de statuts", [law])],
        visibility=Visibility.OPERATOR,
    )
    profile_of(
        person("Paul", "Girard", personas.quai),
        skills=[(law, SkillLevel.EXPERT)],
        visibility=Visibility.OPERATOR,
    )
    profile_of(
        person("Anne", "Secret", personas.quai),
        offers=[("Statuts", [law])],
        visibility=Visibility.OPERATOR,
        visibility_offers=Visibility.SPACE,
    )
    page = search(personas.ines, offers="droit des sociétés")
    assert names(page) == ["Lucie Garnier"] and page.count == 1
    assert [c.concept_id for c in page.offer_concepts] == [law.pk]


def _link_only(monkeypatch, text: str, target: SkillConcept) -> None:
    """The linker, answering `text` with `target` (our test concepts are not in the taxonomy)."""
    from types import SimpleNamespace

    from maillage.members import selectors_directory

    selectors_directory._link.cache_clear()
    real = selectors_directory._link

    def fake(query: str):
        if query.lower().replace("é", "e") == text:
            return (
                SimpleNamespace(
                    concept=target, score=1.0, matched_label=target.label_fr, reason="exact"
                ),
            )
        return real.__wrapped__(query)

    monkeypatch.setattr(selectors_directory, "_link", fake)


# --- skills through the taxonomy ----------------------------------------------------------------


def test_it_finds_skills_through_the_taxonomy_only_in_visible_sections(personas):
    from maillage.members.taxonomy import linker

    graphic = SkillConcept.objects.get(uri=linker.link("graphiste", limit=1)[0].concept.uri)
    profile_of(
        person("Lucie", "Garnier", personas.filature),
        skills=[(graphic, SkillLevel.EXPERT)],
        visibility=Visibility.OPERATOR,
        visibility_skills=Visibility.SPACE,
    )
    paul = person("Paul", "Girard", personas.quai)
    profile_of(
        paul, offers=[("Identité visuelle pour TPE", [graphic])], visibility=Visibility.OPERATOR
    )
    with translation.override("en"):
        # Lucie works beside Inès: people one can meet rank first.
        assert names(search(personas.ines, "grafiste")) == ["Lucie Garnier", "Paul Girard"]
        page = search(personas.hugo, "grafiste")
    assert names(page) == ["Paul Girard"] and page.count == 1
    (reason,) = page.results[0].reasons
    assert reason.label == "Offer" and reason.text == "Identité visuelle pour TPE"
    assert "grafiste" in reason.hint


def test_it_does_not_count_anonymous_viewers_in(personas):
    profile_of(person("Lucie", "Garnier", personas.filature), visibility=Visibility.PUBLIC)
    profile_of(person("Paul", "Girard", personas.filature), visibility=Visibility.NETWORK)
    assert names(search(None)) == ["Lucie Garnier"]
    assert search(None).count == 1


def test_it_keeps_staff_of_another_operator_out(personas):
    """Zoé is an operator admin, of Le Grenier: that makes her nobody at Ruche & Co."""
    assert personas.zoe.role == Role.ADMIN
    profile_of(person("Lucie", "Garnier", personas.filature), headline="Marqueteuse", listed=False)
    profile_of(person("Paul", "Girard", personas.filature), headline="Marqueteur")
    assert search(personas.zoe, "marqueteur").count == 0
    assert search(personas.zoe).count == 0


def test_it_looks_at_a_bounded_pool_of_the_wider_network_but_all_of_ones_own(personas, monkeypatch):
    """Cost must not grow with the network: beyond the viewer's operators, search considers
    at most FAR_POOL candidates per way of matching, and says when there may be more."""
    from maillage.members.selectors_directory import candidates

    monkeypatch.setattr(candidates, "FAR_POOL", 2)
    for i in range(3):
        profile_of(person(f"Near{i}", "Ruche", personas.quai), headline="Marqueteuse")
        profile_of(
            person(f"Far{i}", "Grenier", personas.grenier_space),
            headline="Marqueteuse",
            visibility=Visibility.NETWORK,
        )
    page = search(personas.ines, "marqueteuse")
    found = names(page)
    assert {f"Near{i} Ruche" for i in range(3)} <= set(found)
    assert len(found) == 5 and page.count == 5 and page.count_capped
    assert found[:3] == sorted(found[:3], key=lambda n: "Grenier" in n)  # near ones first
    alone = search(personas.ines, "marqueteuse", space_id=personas.quai.pk)
    assert alone.count == 3 and not alone.count_capped


def test_a_pages_profile_contents_are_what_the_orm_reads(personas):
    """`results._contents` reads skills, offers, needs (with their concepts) and interests in
    SQL written by hand: the same values, in the same order, as the ORM's queries it replaced,
    alternative labels (JSON) included, withdrawn offers and closed needs left out."""
    from maillage.members.models import Interest, Need, Offer, Profile, ProfileSkill
    from maillage.members.selectors_directory.results import _contents
    from maillage.members.services import profiles as services

    law = concept("t:law", "droit des contrats", "contract law", fr=["juriste"], en=["lawyer"])
    ux = concept("t:ux", "design UX", "UX design")
    climbing, _ = Interest.objects.get_or_create(
        slug="escalade", defaults={"label_fr": "Escalade", "label_en": "Climbing"}
    )
    ines = services.profile_get_or_create(personas.ines)
    services.profile_skill_add(profile=ines, concept=law, level=4)
    services.profile_skill_add(profile=ines, concept=ux, level=2)
    kept = services.offer_publish(profile=ines, title="Relire vos contrats", skills=[law, ux])
    gone = services.offer_publish(profile=ines, title="Ancienne offre", skills=[ux])
    services.offer_withdraw(offer=gone)
    services.need_publish(
        profile=ines, title="Un logo", description="Pour mon cabinet", skills=[ux]
    )
    services.profile_interests_set(profile=ines, interests=[climbing])
    hugo = services.profile_get_or_create(personas.hugo)  # nothing yet
    ids = [ines.pk, hugo.pk]

    def orm(full: bool) -> dict:
        out = {pk: {"skills": [], "offers": [], "needs": [], "interests": []} for pk in ids}
        for p, level, *c in (
            ProfileSkill.objects.filter(profile_id__in=ids)
            .order_by("-level", "pk")
            .values_list("profile_id", "level", "concept__id", "concept__label_fr",
                         "concept__label_en", "concept__alt_labels")
        ):  # fmt: skip
            out[p]["skills"].append((level, tuple(c)))
        kinds = [(Offer, {"is_active": True}, "offers")] + (
            [(Need, {"is_open": True}, "needs")] if full else []
        )
        for model, live, attr in kinds:
            for pk, p, title, description in (
                model.objects.filter(profile_id__in=ids, **live)
                .order_by("-created_at", "-pk")
                .values_list("pk", "profile_id", "title", "description")
            ):
                linked = sorted(model.objects.get(pk=pk).skills.values_list("id", flat=True))
                out[p][attr].append((title, description, linked if full else []))
        if full:
            for p, fr, en in Profile.interests.through.objects.filter(
                profile_id__in=ids
            ).values_list("profile_id", "interest__label_fr", "interest__label_en"):
                out[p]["interests"].append((fr, en))
        return out

    def ours(full: bool) -> dict:
        found = _contents(ids, full=full)
        return {
            pk: {
                "skills": [
                    (
                        s.level,
                        (
                            s.concept.id,
                            s.concept.label_fr,
                            s.concept.label_en,
                            s.concept.alt_labels,
                        ),
                    )
                    for s in c.skills
                ],
                "offers": [
                    (o.title, o.description, sorted(x.id for x in o.concepts)) for o in c.offers
                ],
                "needs": [
                    (n.title, n.description, sorted(x.id for x in n.concepts)) for n in c.needs
                ],
                "interests": list(c.interests),
            }
            for pk, c in found.items()
        }

    for full in (True, False):
        assert ours(full) == orm(full)
    seen = ours(True)[ines.pk]
    assert seen["offers"] == [("Relire vos contrats", "", sorted([law.pk, ux.pk]))]
    assert seen["skills"][0] == (4, (law.pk, "droit des contrats", "contract law",
                                     {"fr": ["juriste"], "en": ["lawyer"]}))  # fmt: skip
    assert seen["interests"] == [("Escalade", "Climbing")]
    assert kept.pk and _contents([], full=True) == {}
