"""The search analyser and `profile_reindex`: what goes into a profile's search entries."""

from __future__ import annotations

import pytest

from maillage.core.models import Role
from maillage.core.tests.factories import MemberFactory, UserFactory
from maillage.members.models import (
    Need,
    Offer,
    Profile,
    ProfileSkill,
    SearchEntry,
    SkillConcept,
    Visibility,
)
from maillage.members.services.search import (
    analyse,
    index_stems,
    index_text,
    masculine,
    member_reindex,
    profile_reindex,
    query_terms,
    unaccent,
    words,
)

# --- the analyser (no database) -----------------------------------------------------------


def test_it_removes_accents_and_case():
    assert unaccent("Développeuse ŒUVRE Ça") == "developpeuse oeuvre ca"


def test_it_drops_elisions_and_stopwords():
    assert words("L'avocate d'affaires et la juriste du cabinet") == [
        "avocate",
        "affaires",
        "juriste",
        "cabinet",
    ]


@pytest.mark.parametrize(
    ("feminine", "masc"),
    [
        ("developpeuse", "developpeur"),
        ("illustratrice", "illustrateur"),
        ("informaticienne", "informaticien"),
        ("consultantes", None),
        ("creative", "creatif"),
    ],
)
def test_it_knows_the_masculine_of_feminine_job_titles(feminine, masc):
    assert masculine(feminine) == masc


def test_it_indexes_words_with_their_masculine_form():
    assert index_text("Développeuse web") == "developpeuse developpeur web"


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("juriste", "juristes"),
        ("Comptabilité", "comptabilite"),
        ("lawyers", "lawyer"),
        ("Développeur", "développeuse"),
        ("Photographie", "photographies"),
        ("Illustration jeunesse", "illustrations"),
    ],
)
def test_it_matches_what_stemming_brings_together(text, query):
    analysed = analyse(text)
    assert all(term.matches(analysed) for term in query_terms(query))


def test_it_matches_the_last_word_as_a_prefix_while_typing():
    (term,) = query_terms("photog")
    assert term.prefix and term.matches(analyse("Photographe"))
    (done,) = query_terms("photog ")
    assert not done.prefix and not done.matches(analyse("Photographe"))
    (short,) = query_terms("ph")
    assert not short.prefix


def test_it_limits_and_deduplicates_query_terms():
    terms = query_terms("un deux trois quatre cinq six sept huit deux")
    assert [t.word for t in terms] == ["deux", "trois", "quatre", "cinq", "six", "sept"]
    assert query_terms("de la et") == []


def test_it_stems_in_french_and_english():
    assert set(index_stems("lawyers juristes").split()) >= {"lawyer", "jurist"}


# --- profile_reindex ----------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def lucie(personas):
    user = UserFactory(email="lucie@example.org", full_name="Lucie Garnier")
    return MemberFactory(user=user, home_space=personas.quai, role=Role.MEMBER)


@pytestmark_db
def test_it_writes_one_entry_per_section_with_its_visibility(personas, lucie):
    law = SkillConcept.objects.create(
        uri="test:law", label_fr="Droit des sociétés", label_en="company law",
        alt_labels={"en": ["corporate lawyer"]},
    )  # fmt: skip
    profile = Profile.objects.create(
        member=lucie,
        headline="Juriste indépendante",
        bio="J'aime les **statuts** bien écrits.",
        visibility_about=Visibility.NETWORK,
        visibility_skills=Visibility.PUBLIC,
        visibility_offers=Visibility.OPERATOR,
        visibility_needs=Visibility.SPACE,
        availability_note="Le mardi",
    )
    ProfileSkill.objects.create(profile=profile, concept=law, level=4)
    Offer.objects.create(profile=profile, title="Relecture de statuts").skills.add(law)
    Offer.objects.create(profile=profile, title="Ancienne offre", is_active=False)
    Need.objects.create(profile=profile, title="Un comptable")
    Need.objects.create(profile=profile, title="Besoin fermé", is_open=False)
    profile_reindex(profile=profile)

    entries = {e.section: e for e in SearchEntry.objects.filter(profile=profile)}
    assert set(entries) == {
        "name", "about", "skills", "offers", "needs", "interests", "availability"
    }  # fmt: skip
    assert entries["name"].visibility == Visibility.PUBLIC  # the widest of the sections
    assert entries["name"].text == "lucie garnier"
    assert entries["about"].visibility == Visibility.NETWORK
    assert "juriste" in entries["about"].text and "statuts" in entries["about"].text
    assert entries["skills"].visibility == Visibility.PUBLIC
    assert "corporate lawyer" in entries["skills"].text
    assert "societes" in entries["skills"].text
    assert "relecture" in entries["offers"].text and "ancienne" not in entries["offers"].text
    assert "comptable" in entries["needs"].text and "ferme" not in entries["needs"].text
    assert entries["availability"].text == "mardi"
    for entry in entries.values():
        assert (entry.operator_id, entry.space_id) == (personas.ruche.pk, personas.quai.pk)
    assert "jurist" in entries["about"].stems.split()


@pytestmark_db
def test_it_replaces_entries_on_every_reindex(personas, lucie):
    profile = Profile.objects.create(member=lucie, headline="Juriste")
    profile_reindex(profile=profile)
    profile.headline = "Photographe"
    profile.save()
    profile_reindex(profile=profile)
    about = SearchEntry.objects.get(profile=profile, section="about")
    assert about.text == "photographe"
    assert SearchEntry.objects.filter(profile=profile).count() == 7


@pytestmark_db
def test_it_follows_a_member_who_moves_to_another_space(personas, lucie):
    profile = Profile.objects.create(member=lucie)
    profile_reindex(profile=profile)
    lucie.home_space = personas.filature
    lucie.save()
    member_reindex(member=lucie)
    assert set(SearchEntry.objects.values_list("space_id", flat=True)) == {personas.filature.pk}
