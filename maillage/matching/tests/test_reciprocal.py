"""People to meet: reciprocal scores (RECON's harmonic mean), exclusions, the index, reasons."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.matching.reciprocal import (
    PersonFeatures,
    Reason,
    Suggestion,
    SuggestionIndex,
    Why,
    explain,
    harmonic,
    need_gain,
    one_sided,
    pair_gains,
    reciprocal_score,
    suggest,
)

NOW = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
CONTRACTS, UX, ACCOUNTING, WEB = 1, 2, 3, 4
FILATURE, QUAI = 10, 11
MON, TUE, WED = 0, 1, 2
LABELS = {
    CONTRACTS: "droit des contrats",
    UX: "design UX",
    ACCOUNTING: "comptabilité",
    WEB: "développement web",
    "escalade": "escalade",
    "jeux-de-societe": "jeux de société",
}
SPACES = {FILATURE: "La Filature", QUAI: "Le Quai"}


def ines(**changes) -> PersonFeatures:
    fields = {
        "member_id": 1,
        "company_id": 100,
        "offers": frozenset({UX}),
        "needs": frozenset({CONTRACTS}),
        "skills": {UX: 4},
        "interests": frozenset({"escalade"}),
        "presence": frozenset({(FILATURE, TUE)}),
    }
    return PersonFeatures(**{**fields, **changes})


def hugo(**changes) -> PersonFeatures:
    fields = {
        "member_id": 2,
        "company_id": 200,
        "offers": frozenset({CONTRACTS}),
        "needs": frozenset({UX}),
        "skills": {CONTRACTS: 4},
        "presence": frozenset({(FILATURE, TUE), (FILATURE, WED)}),
    }
    return PersonFeatures(**{**fields, **changes})


def test_it_scores_both_sides_and_fuses_them_by_the_harmonic_mean() -> None:
    # s(Inès→Hugo) = 0.6 × 1 (he offers contracts) + 0.2 × 0 + 0.2 × 1/1 (her Tuesday) = 0.8
    # s(Hugo→Inès) = 0.6 × 1 (she offers UX) + 0.2 × 0 + 0.2 × 1/2 (one of his two days) = 0.7
    assert one_sided(ines(), hugo()) == pytest.approx(0.8)
    assert one_sided(hugo(), ines()) == pytest.approx(0.7)
    # HM = 2 × 0.8 × 0.7 / 1.5 = 0.74667
    assert reciprocal_score(ines(), hugo()) == pytest.approx(0.746667, abs=1e-6)
    [found] = suggest(ines(), [hugo()])
    assert (found.member_id, found.s_uv, found.s_vu) == (2, pytest.approx(0.8), pytest.approx(0.7))
    assert found.score == pytest.approx(0.746667, abs=1e-6)


def test_it_gives_nothing_to_a_great_match_on_one_side_only() -> None:
    # Hugo has exactly what Inès needs, but she has nothing for him: no need of his she
    # covers, no interest or day in common.
    hugo_alone = hugo(needs=frozenset({ACCOUNTING}), presence=frozenset({(QUAI, MON)}))
    assert one_sided(ines(), hugo_alone) == pytest.approx(0.6)
    assert one_sided(hugo_alone, ines()) == 0.0
    assert reciprocal_score(ines(), hugo_alone) == 0.0
    assert suggest(ines(), [hugo_alone]) == []
    # The one-sided baseline would still suggest him.
    [one_way] = suggest(ines(), [hugo_alone], fusion="one_sided")
    assert one_way.score == pytest.approx(0.6)


def test_it_counts_skills_by_level_when_nobody_offers() -> None:
    lawyer = hugo(offers=frozenset(), skills={CONTRACTS: 2})
    assert need_gain(ines(), lawyer) == pytest.approx(0.4)  # 0.2 × level 2
    two_needs = ines(needs=frozenset({CONTRACTS, ACCOUNTING}))
    both = hugo(offers=frozenset(), skills={CONTRACTS: 2, ACCOUNTING: 3})
    # noisy-or: 1 − (1 − 0.4)(1 − 0.6) = 0.76
    assert need_gain(two_needs, both) == pytest.approx(0.76)


def test_it_halves_what_someone_unavailable_brings() -> None:
    assert one_sided(ines(), hugo(available=False)) == pytest.approx(0.4)


def test_it_never_suggests_a_colleague() -> None:
    assert suggest(ines(), [hugo(company_id=100)]) == []
    assert suggest(ines(company_id=None), [hugo(company_id=None)])  # no company: fine


def test_it_never_suggests_anyone_who_opted_out_nor_to_them() -> None:
    assert suggest(ines(), [hugo(opted_out=True)]) == []
    assert suggest(ines(opted_out=True), [hugo()]) == []
    index = SuggestionIndex([ines(), hugo(opted_out=True)])
    assert index.suggest(1) == []


def test_it_remembers_not_now_until_it_expires() -> None:
    assert suggest(ines(), [hugo()], dismissed={2: None}, now=NOW) == []
    later = NOW + dt.timedelta(days=30)
    assert suggest(ines(), [hugo()], dismissed={2: later}, now=NOW) == []
    assert suggest(ines(), [hugo()], dismissed={2: later}, now=later + dt.timedelta(seconds=1))


def test_it_leaves_out_people_already_known_and_discounts_faint_ties() -> None:
    assert suggest(ines(), [hugo()], ties={2: 0.6}) == []
    [faint] = suggest(ines(), [hugo()], ties={2: 0.25})
    assert faint.score == pytest.approx(0.746667 * 0.75, abs=1e-6)


def test_it_ranks_and_cuts_at_k() -> None:
    others = [
        hugo(member_id=i, presence=frozenset({(FILATURE, TUE)} if i % 2 else set()))
        for i in range(2, 8)
    ]
    found = suggest(ines(), others, k=3)
    assert len(found) == 3
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(s.member_id % 2 == 1 for s in found)  # those at La Filature on Tuesdays
    assert [s.member_id for s in found] == [3, 5, 7]  # equal scores: member id order


def test_it_says_why_strongest_reason_first() -> None:
    both = hugo(interests=frozenset({"escalade"}))
    [found] = suggest(ines(), [both])
    assert found.reasons == (
        Reason(Why.THEY_OFFER, (CONTRACTS,)),
        Reason(Why.YOU_OFFER, (UX,)),
        Reason(Why.SAME_DAYS, ((FILATURE, TUE),)),
        Reason(Why.INTERESTS, ("escalade",)),
    )


THREE_REASONS = Suggestion(
    2,
    0.75,
    0.8,
    0.7,
    (
        Reason(Why.THEY_OFFER, (CONTRACTS,)),
        Reason(Why.YOU_KNOW, (UX,)),
        Reason(Why.SAME_DAYS, ((FILATURE, TUE),)),
    ),
)


def test_it_explains_a_suggestion_in_one_french_sentence() -> None:
    suggestion = THREE_REASONS
    text = explain(suggestion, "fr", name="Hugo", labels=LABELS, space_names=SPACES, pronoun="il")
    assert text == (
        "Vous cherchez de l'aide en droit des contrats et Hugo en propose ; il cherche de "
        "l'aide en design UX, c'est votre métier ; vous êtes tous deux à La Filature le mardi."
    )


def test_it_explains_a_suggestion_in_one_english_sentence() -> None:
    suggestion = Suggestion(
        2,
        0.5,
        0.5,
        0.5,
        (
            Reason(Why.YOU_OFFER, (UX,)),
            Reason(Why.SAME_DAYS, ((QUAI, MON), (QUAI, WED))),
            Reason(Why.INTERESTS, ("escalade", "jeux-de-societe")),
        ),
    )
    text = explain(suggestion, "en", name="Hugo", labels=LABELS, space_names=SPACES)
    assert text == (
        "Hugo needs help with design UX, which you offer; you are both at Le Quai on Mondays "
        "and Wednesdays; you share interests (escalade and jeux de société)."
    )
    fr = explain(suggestion, "fr", name="Hugo", labels=LABELS, space_names=SPACES)
    assert "vous êtes tous deux au Quai le lundi et le mercredi" in fr
    assert fr.count(".") == 1 and fr.endswith(".")


def test_one_shared_interest_is_one() -> None:
    one = Suggestion(2, 0.5, 0.5, 0.5, (Reason(Why.INTERESTS, ("escalade",)),))
    fr = explain(one, "fr", name="Hugo", labels=LABELS, space_names=SPACES)
    assert fr == "Vous partagez un centre d'intérêt (escalade)."
    en = explain(one, "en", name="Hugo", labels=LABELS, space_names=SPACES, asker="Chloé")
    assert "Chloé and Hugo share an interest (escalade)" in en


def test_it_explains_a_suggestion_about_the_member_to_someone_else() -> None:
    """Staff choosing whom to introduce read the reasons about the member, not "you"."""
    suggestion = THREE_REASONS
    fr = explain(suggestion, "fr", name="Hugo", labels=LABELS, space_names=SPACES, asker="Chloé")
    assert fr == (
        "Chloé cherche de l'aide en droit des contrats et Hugo en propose ; Hugo cherche de "
        "l'aide en design UX, c'est le métier de Chloé ; Chloé et Hugo sont tous deux à La "
        "Filature le mardi."
    )
    assert "c'est le métier d'Anne" in explain(
        suggestion, "fr", name="Hugo", labels=LABELS, space_names=SPACES, asker="Anne"
    )
    en = explain(suggestion, "en", name="Hugo", labels=LABELS, space_names=SPACES, asker="Chloé")
    assert en.startswith("Chloé needs help with droit des contrats and Hugo offers it; ")
    assert "which is Chloé's line of work; Chloé and Hugo are both at La Filature" in en
    assert "you" not in en.lower().replace("hugo", "")
    # "de" elided as French does: before a vowel, a mute h, a y sounding as a vowel.
    for asker, of in (("Hélène", "d'Hélène"), ("Yves", "d'Yves"), ("Yasmine", "de Yasmine"),
                      ("Éric", "d'Éric"), ("Baptiste", "de Baptiste")):  # fmt: skip
        text = explain(
            suggestion, "fr", name="Hugo", labels=LABELS, space_names=SPACES, asker=asker
        )
        assert f"c'est le métier {of} ;" in text
    # With the asker named, the other person is named too: never « Chloé et il ».
    with_pronoun = explain(
        suggestion,
        "fr",
        name="Hugo",
        labels=LABELS,
        space_names=SPACES,
        pronoun="il",
        asker="Chloé",
    )
    assert " il " not in with_pronoun and "Chloé et Hugo sont tous deux" in with_pronoun
    bare = Suggestion(2, 0.1, 0.1, 0.1)
    assert explain(bare, "fr", name="Zoé", labels={}, asker="Chloé") == (
        "Zoé pourrait être une belle rencontre pour Chloé."
    )


def test_it_explains_even_without_reasons_and_refuses_other_languages() -> None:
    bare = Suggestion(2, 0.1, 0.1, 0.1)
    assert explain(bare, "fr", name="Zoé", labels={}) == "Zoé pourrait être une belle rencontre."
    with pytest.raises(ValueError, match="fr, en"):
        explain(bare, "de", name="Zoé", labels={})


# --- the index agrees with scoring everyone --------------------------------------------------


def population(seed: int, n: int) -> list[PersonFeatures]:
    rng = random.Random(seed)
    concepts, interests = range(8), [f"i{j}" for j in range(6)]
    people = []
    for member_id in range(n):
        people.append(
            PersonFeatures(
                member_id=member_id,
                company_id=rng.randrange(n // 2) if rng.random() < 0.3 else None,
                offers=frozenset(rng.sample(concepts, rng.randint(0, 2))),
                needs=frozenset(rng.sample(concepts, rng.choice((0, 0, 1, 2)))),
                skills={c: rng.randint(1, 4) for c in rng.sample(concepts, rng.randint(0, 3))},
                interests=frozenset(rng.sample(interests, rng.randint(0, 3))),
                presence=frozenset(
                    (rng.randrange(3), d) for d in rng.sample(range(5), rng.randint(0, 3))
                ),
                available=rng.random() < 0.7,
                opted_out=rng.random() < 0.05,
            )
        )
    return people


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(1, 12),
    fusion=st.sampled_from(["harmonic", "one_sided"]),
)
def test_the_index_ranks_exactly_as_scoring_everyone(seed: int, k: int, fusion: str) -> None:
    people = population(seed, 60)
    index = SuggestionIndex(people)
    rng = random.Random(seed)
    for u in rng.sample(people, 5):
        ties = {v.member_id: rng.random() for v in rng.sample(people, 5)}
        everyone = suggest(u, people, k=k, ties=ties, fusion=fusion)  # type: ignore[arg-type]
        indexed = index.suggest(u.member_id, k=k, ties=ties, fusion=fusion)  # type: ignore[arg-type]
        assert [round(s.score, 12) for s in indexed] == [round(s.score, 12) for s in everyone]
        assert [s.member_id for s in indexed] == [s.member_id for s in everyone]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_fast_pair_scores_match_the_definition(seed: int) -> None:
    u, v = population(seed, 2)
    s_uv, s_vu = pair_gains(u, v)
    assert s_uv == pytest.approx(one_sided(u, v))
    assert s_vu == pytest.approx(one_sided(v, u))
    assert harmonic(s_uv, s_vu) == pytest.approx(reciprocal_score(u, v))
    assert harmonic(s_uv, s_vu) <= max(s_uv, s_vu) + 1e-12


def test_the_index_refuses_a_member_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        SuggestionIndex([ines(), ines()])
