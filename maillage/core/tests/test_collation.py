"""Names in the order a French reader expects, on each database and in Python."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from maillage.core.collation import by_name, name_key
from maillage.core.models import Member, Role
from maillage.core.tests.factories import MemberFactory, UserFactory

NAMES = ["Zoé Martin", "Émilie Roux", "Eric Petit", "eric Petit", "Ava Blanc", "Élodie Faure",
         "Edgar Morin"]  # fmt: skip
EXPECTED = ["Ava Blanc", "Edgar Morin", "Élodie Faure", "Émilie Roux", "eric Petit",
            "Eric Petit", "Zoé Martin"]  # fmt: skip


def test_python_puts_accented_capitals_among_their_letter():
    assert sorted(NAMES, key=name_key) == EXPECTED


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@given(st.text(max_size=12), st.text(max_size=12))
def test_accents_and_case_never_outrank_the_letters(a, b):
    """If two names differ once accents and case are set aside, that difference decides."""
    if _letters(a) < _letters(b):
        assert name_key(a) < name_key(b)


def test_lower_case_comes_first_as_in_postgresql():
    assert sorted(["Eric", "eric", "Éric", "éric"], key=name_key) == [
        "eric",
        "Eric",
        "éric",
        "Éric",
    ]


def test_the_database_sorts_names_as_python_does(personas):
    for i, name in enumerate(NAMES):
        user = UserFactory(email=f"n{i}@example.org", full_name=name)
        MemberFactory(user=user, home_space=personas.belvedere, role=Role.MEMBER)
    names = list(
        Member.objects.filter(home_space=personas.belvedere)
        .order_by(by_name("user__full_name"), "pk")
        .values_list("user__full_name", flat=True)
    )
    assert names == EXPECTED


def test_the_staff_members_list_is_in_that_order(login, personas):
    for i, name in enumerate(NAMES):
        user = UserFactory(email=f"n{i}@example.org", full_name=name)
        MemberFactory(user=user, home_space=personas.belvedere, role=Role.MEMBER)
    page = login(personas.claire).get(f"/staff/members/?space={personas.belvedere.pk}")
    html = page.content.decode()
    positions = [html.index(name) for name in EXPECTED]
    assert positions == sorted(positions)
