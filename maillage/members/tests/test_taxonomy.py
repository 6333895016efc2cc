"""The skills taxonomy links what members type to concepts. Pure Python: no database.

Inès describes herself as "UX designer", Hugo as "avocat d'affaires"; both may type fast,
without accents or with typos, in French or in English.
"""

from __future__ import annotations

import gzip
import json

import pytest

from maillage.members.taxonomy import ATTRIBUTION, Match, default_taxonomy, link, suggest
from maillage.members.taxonomy.linker import DEFAULT_PATH, SUPPLEMENT_PATH, Taxonomy
from maillage.members.taxonomy.text import english_key, french_key, keys, normalize, tokens

GRAPHIC_DESIGN = "http://data.europa.eu/esco/skill/7fb699d9-182a-430e-b7a0-6d8ed05c284b"
CONTRACT_LAW = "http://data.europa.eu/esco/skill/5c606d18-6404-4047-b235-350f18e11827"
BUSINESS_LAW = "http://data.europa.eu/esco/skill/341c4478-c976-4ff0-a102-cfd92174d873"
ACCOUNTING = "http://data.europa.eu/esco/skill/ecc18804-a466-40d9-98b4-fba5cd67dd4b"
PHOTOGRAPHY = "http://data.europa.eu/esco/skill/38509fa4-7c06-4a4b-9622-f521f03c37b8"
WEB_PROGRAMMING = "http://data.europa.eu/esco/skill/69bbd53f-fbb0-4476-b4b2-ef7844464e28"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return default_taxonomy()


def uri_starting(taxonomy: Taxonomy, prefix: str) -> str:
    (uri,) = [u for u in taxonomy.concepts if u.startswith(prefix)]
    return uri


def top_uris(matches: list[Match], n: int = 3) -> list[str]:
    return [m.concept.uri for m in matches[:n]]


# -- normalisation and stemming ---------------------------------------------------------


def test_it_normalizes_case_accents_and_punctuation():
    assert (
        normalize("  Développeuse FRONT-END, Œuvre d’Art! ")
        == "developpeuse front end oeuvre d art"
    )


def test_it_keeps_technical_spellings():
    assert normalize("C++, C#, .NET et Node.js") == "cplusplus csharp dotnet et nodejs"
    assert normalize("e-commerce") == normalize("E commerce") == "ecommerce"
    assert normalize("No-Code") == normalize("no code") == "nocode"


def test_it_drops_stop_words_in_both_languages():
    assert tokens(normalize("juriste en droit des contrats")) == ["juriste", "droit", "contrats"]
    assert tokens(normalize("head of the design team")) == ["head", "design", "team"]


def test_it_stems_french_with_and_without_accents():
    assert french_key("comptabilite") == french_key("comptabilité") == french_key("comptable")
    assert french_key("développement") == french_key("developpeur") == french_key("développeuse")
    assert french_key("traductrice") == french_key("traducteur") == french_key("traduction")
    assert french_key("graphiste") == french_key("graphisme") == french_key("graphique")


def test_it_stems_english():
    assert english_key("developer") == english_key("development") == english_key("developing")
    assert english_key("photographer") == english_key("photography")
    assert english_key("analysis") == english_key("analyst") == english_key("analytics")


def test_it_gives_each_word_a_french_and_an_english_key():
    assert keys("designer") == ("f:design", "e:design")


# -- linking --------------------------------------------------------------------------------


def test_it_links_a_preferred_label_exactly(taxonomy):
    (best, *_) = taxonomy.link("comptabilité")
    assert best.concept.uri == ACCOUNTING
    assert best.score == 1.0
    assert best.reason == "exact label"


def test_it_ignores_case_and_accents(taxonomy):
    assert top_uris(taxonomy.link("COMPTABILITE"), 1) == [ACCOUNTING]
    assert top_uris(taxonomy.link("Ébéniste"), 1) == top_uris(taxonomy.link("ebeniste"), 1)


def test_it_tolerates_typos(taxonomy):
    matches = taxonomy.link("grafiste")
    assert GRAPHIC_DESIGN in top_uris(matches)
    assert "typo-tolerant match for 'grafiste' → 'graphiste'" in matches[0].reason
    assert ACCOUNTING in top_uris(taxonomy.link("comptabilté"))
    assert PHOTOGRAPHY in top_uris(taxonomy.link("fotographe"))


def test_it_suggests_past_two_letters_swapped_but_never_links_through_them(taxonomy):
    """Indel counts a swap as two edits (0.83 for "desing", under the short-word cutoff). As one
    types, a swap is tried when nothing starts with the word, and the person picks; linking
    on its own never swaps, or real words would become others."""
    swapped = taxonomy.suggest("desing")
    assert any("letters swapped in 'desing' → 'design'" in m.reason for m in swapped)
    assert GRAPHIC_DESIGN in top_uris(taxonomy.suggest("grafiste"))
    for word in ("desing", "relire", "romain", "salarie"):
        assert not any("letters swapped" in m.reason for m in taxonomy.link(word)), word
    assert taxonomy.swapped("romain") == ["romani"]  # why linking must not do it
    assert taxonomy.swapped("design") == [] and taxonomy.swapped("rgh") == []


def test_it_expands_abbreviations(taxonomy):
    dev_web = taxonomy.link("dev web")[0]
    assert dev_web.concept.uri == WEB_PROGRAMMING
    assert dev_web.reason.startswith("abbreviation 'dev'")
    database = taxonomy.link("bdd")[0]
    assert database.concept.en == "database"
    assert database.reason == "abbreviation 'bdd' → 'base de donnees'"
    assert top_uris(taxonomy.link("compta"), 1) == [ACCOUNTING]
    assert taxonomy.link("RH")[0].concept.en == "human resource management"


def test_it_links_job_titles_in_the_feminine(taxonomy):
    assert top_uris(taxonomy.link("avocate d'affaires"), 1) == [BUSINESS_LAW]
    assert "traduire" in taxonomy.link("traductrice")[0].concept.fr


def test_it_links_english_phrases(taxonomy):
    assert GRAPHIC_DESIGN in top_uris(taxonomy.link("freelance graphic designer"))
    assert top_uris(taxonomy.link("contract lawyer"), 1) == [CONTRACT_LAW]


def test_it_links_supplement_labels_and_maillage_concepts(taxonomy):
    ux = taxonomy.link("UX designer")[0]
    assert ux.concept.is_esco and ux.matched_label == "UX designer"
    no_code = taxonomy.link("no code")[0]
    assert no_code.concept.uri == "maillage:skill/no-code"
    assert not no_code.concept.is_esco


def test_it_ranks_the_more_specific_concept_first(taxonomy):
    matches = taxonomy.link("juriste droit des contrats")
    assert matches[0].concept.uri == CONTRACT_LAW
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(0 < m.score <= 1 for m in matches)


def test_it_prefers_the_whole_phrase_over_one_of_its_words(taxonomy):
    matches = taxonomy.link("gestion de projet agile")
    assert "agile" in matches[0].concept.en.lower()
    assert any(m.concept.en == "project management" for m in matches[1:4])


def test_it_respects_the_limit(taxonomy):
    assert len(taxonomy.link("design", limit=3)) == 3
    assert taxonomy.link("design", limit=0) == []


def test_it_explains_partial_matches(taxonomy):
    match = taxonomy.link("photographe culinaire")[0]
    assert match.concept.uri == PHOTOGRAPHY
    assert match.reason == "stem match (1 of 2 words)"


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "<script>", "<script>alert(1)</script>", "x" * 500, "🙂🎨🚀", "!!!", "zzqx", "42"],
)
def test_it_returns_nothing_for_garbage_without_error(taxonomy, garbage):
    assert taxonomy.link(garbage) == []
    assert taxonomy.suggest(garbage) == []


def test_it_links_nothing_from_stop_words_alone(taxonomy):
    assert taxonomy.link("de la des") == []
    assert taxonomy.link("of the") == []


def test_it_survives_long_real_text(taxonomy):
    text = "je suis graphiste et je fais aussi de la photo et du montage vidéo " * 8
    matches = taxonomy.link(text)
    assert matches and GRAPHIC_DESIGN in top_uris(matches, 5)


def test_it_strips_markup_around_real_words(taxonomy):
    assert top_uris(taxonomy.link("<b>comptabilité</b>"), 1) == [ACCOUNTING]


def test_it_rejects_non_text_quietly(taxonomy):
    assert taxonomy.link(None) == []  # type: ignore[arg-type]
    assert taxonomy.suggest(42) == []  # type: ignore[arg-type]


# -- autocomplete ---------------------------------------------------------------------------


def test_it_completes_the_last_word_as_the_member_types(taxonomy):
    photography = taxonomy.suggest("photog")[0]
    assert photography.concept.uri == PHOTOGRAPHY
    assert photography.reason.startswith("prefix 'photog'")
    assert top_uris(taxonomy.suggest("compt"), 1) == [ACCOUNTING]


def test_it_completes_with_the_most_common_words_first(taxonomy):
    assert "marketing" in " ".join(m.matched_label for m in taxonomy.suggest("ma"))


def test_it_completes_after_complete_words(taxonomy):
    assert top_uris(taxonomy.suggest("juriste contr"), 1) == [CONTRACT_LAW]
    assert top_uris(taxonomy.suggest("développeur we"), 1) == [WEB_PROGRAMMING]


def test_it_waits_for_two_letters(taxonomy):
    assert taxonomy.suggest("m") == []


def test_it_treats_a_trailing_space_as_a_finished_word(taxonomy):
    assert top_uris(taxonomy.suggest("ébéniste "), 1) == top_uris(taxonomy.link("ébéniste"), 1)


def test_it_suggests_eight_by_default(taxonomy):
    assert len(taxonomy.suggest("ma")) == 8


def test_module_level_functions_use_the_default_taxonomy():
    assert link("graphiste")[0].concept.uri == GRAPHIC_DESIGN
    assert suggest("graphis")[0].concept.uri == GRAPHIC_DESIGN
    assert default_taxonomy() is default_taxonomy()


# -- data -----------------------------------------------------------------------------------


def test_the_data_file_keeps_the_esco_attribution():
    with gzip.open(DEFAULT_PATH, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["attribution"] == ATTRIBUTION
    assert "© European Union" in ATTRIBUTION and "esco.ec.europa.eu" in ATTRIBUTION


def test_the_taxonomy_is_compact_and_bilingual(taxonomy):
    assert 1_000 <= len(taxonomy.concepts) <= 5_000
    for concept in taxonomy.concepts.values():
        assert concept.fr.strip() and concept.en.strip(), concept.uri
        assert concept.group in taxonomy.groups, concept.uri
        assert concept.uri.startswith(("http://data.europa.eu/esco/skill/", "maillage:skill/"))
    for group in taxonomy.groups.values():
        assert group.fr and group.en


def test_every_broader_link_stays_inside_the_taxonomy(taxonomy):
    known = set(taxonomy.concepts)
    for concept in taxonomy.concepts.values():
        assert set(concept.broader) <= known, concept.uri


def test_the_supplement_only_points_at_existing_concepts():
    supplement = json.loads(SUPPLEMENT_PATH.read_text(encoding="utf-8"))
    bare = Taxonomy.load(supplement=None)
    for alias in supplement["aliases"]:
        assert alias["uri"] in bare.concepts, alias["uri"]
        assert alias["fr"] or alias["en"]
    for concept in supplement["concepts"]:
        assert concept["uri"].startswith("maillage:skill/")
        assert concept["fr"] and concept["en"]


def test_extra_labels_make_merged_tags_linkable():
    with gzip.open(DEFAULT_PATH, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    taxonomy = Taxonomy.from_data(data, extra_labels={GRAPHIC_DESIGN: ["créa print"]})
    assert taxonomy.link("créa print")[0].concept.uri == GRAPHIC_DESIGN
