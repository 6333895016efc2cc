"""Names in the order a French reader expects, on each database and in Python."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from maillage.core.collation import by_name, name_key
from maillage.core.models import Member, Role
from maillage.core.tests.factories import MemberFactory, UserFactory

NAMES = ["Zoé Martin", "Émilie Roux", "eric Petit", "Ava Blanc", "Élodie Faure", "Edgar Morin"]
EXPECTED = ["Ava Blanc", "Edgar Morin", "Élodie Faure", "Émilie Roux", "eric Petit", "Zoé Martin"]


def test_python_puts_accented_capitals_among_their_letter():
    assert sorted(NAMES, key=name_key) == EXPECTED


@given(st.text(max_size=12), st.text(max_size=12))
def test_the_key_is_a_total_order_that_only_ties_equal_texts(a, b):
    assert (name_key(a) == name_key(b)) == (a == b)


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
