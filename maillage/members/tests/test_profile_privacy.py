"""Each section of a profile reaches exactly the people its owner chose, and no one else."""

from __future__ import annotations

import pytest

from maillage.core.models import Role
from maillage.core.tests.factories import MemberFactory, UserFactory
from maillage.members.access import NETWORK, PUBLIC, SAME_OPERATOR, SAME_SPACE, SELF
from maillage.members.models import VISIBILITY_RANK, Interest, Visibility
from maillage.members.services import profiles as services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _taxonomy(db):
    """The taxonomy the migration loads (a transactional test elsewhere may have flushed it)."""
    from maillage.members.loaders import load_concepts, load_interests, taxonomy_rows
    from maillage.members.models import Interest, SkillConcept

    if not SkillConcept.objects.filter(kind="skill").exists():
        load_concepts(SkillConcept, taxonomy_rows())
    if not Interest.objects.exists():
        load_interests(Interest)


@pytest.fixture(autouse=True)
def _in_english(settings, personas):
    """Assertions read the English source strings, whatever the French catalogue says."""
    from django.utils import translation

    from maillage.members.models import User

    settings.LANGUAGE_CODE = "en"
    User.objects.update(language="en")
    with translation.override("en"):
        yield


# Words that appear on the page only if their section does.
MARKS = {
    "about": "Headline-mark",
    "skills": "Skillmark",
    "offers": "Offer-mark",
    "needs": "Need-mark",
    "interests": "Interest-mark",
    "availability": "Availability-mark",
}


@pytest.fixture
def lea(personas):
    """Léa, a plain member at La Filature like Inès (the "same space" viewer)."""
    user = UserFactory(email="lea@example.org", full_name="Lea Fournier")
    return MemberFactory(user=user, home_space=personas.filature, role=Role.MEMBER)


@pytest.fixture
def ines_profile(personas):
    profile = services.profile_get_or_create(personas.ines)
    services.profile_update(
        profile=profile, headline=MARKS["about"], availability_note=MARKS["availability"]
    )
    services.profile_skill_add(profile=profile, text=MARKS["skills"])
    services.offer_publish(profile=profile, title=MARKS["offers"])
    services.need_publish(profile=profile, title=MARKS["needs"])
    interest = Interest.objects.create(
        slug="mark", label_fr=MARKS["interests"], label_en=MARKS["interests"]
    )
    services.profile_interests_set(profile=profile, interests=[interest])
    return profile


def viewers(personas, lea):
    """(who, relation to Inès): self, same space, same operator, network, anonymous."""
    return [
        (personas.ines, SELF),
        (lea, SAME_SPACE),
        (personas.hugo, SAME_OPERATOR),
        (personas.zoe, NETWORK),
        (None, PUBLIC),
    ]


def page_of(client, login, who, member_id):
    if who is not None:
        client = login(who)
    return client.get(f"/members/{member_id}/")


@pytest.mark.parametrize("visibility", Visibility.values)
def test_it_shows_each_section_only_to_the_viewers_its_visibility_allows(
    client, login, personas, lea, ines_profile, visibility
):
    services.profile_set_visibility(profile=ines_profile, **dict.fromkeys(MARKS, visibility))
    for who, rank in viewers(personas, lea):
        client.logout()
        response = page_of(client, login, who, personas.ines.pk)
        allowed = rank == SELF or rank >= VISIBILITY_RANK[visibility]
        if not allowed:
            assert response.status_code == 404, (who, visibility)
            assert all(mark not in response.content.decode() for mark in MARKS.values())
            continue
        assert response.status_code == 200, (who, visibility)
        page = response.content.decode()
        for mark in MARKS.values():
            assert mark in page, (who, visibility, mark)


def test_it_hides_private_needs_from_other_spaces_while_showing_public_offers(
    client, login, personas, lea, ines_profile
):
    services.profile_set_visibility(
        profile=ines_profile,
        offers=Visibility.PUBLIC,
        needs=Visibility.SPACE,
        about=Visibility.OPERATOR,
        skills=Visibility.NETWORK,
        interests=Visibility.SPACE,
        availability=Visibility.SPACE,
    )
    expected = {
        SAME_SPACE: {"offers", "needs", "about", "skills", "interests", "availability"},
        SAME_OPERATOR: {"offers", "about", "skills"},
        NETWORK: {"offers", "skills"},
        PUBLIC: {"offers"},
    }
    for who, rank in viewers(personas, lea)[1:]:
        client.logout()
        page = page_of(client, login, who, personas.ines.pk).content.decode()
        for section, mark in MARKS.items():
            assert (mark in page) == (section in expected[rank]), (who, section)


def test_it_shows_an_unlisted_profile_only_to_its_owner_and_the_staff_of_her_space(
    client, login, personas, lea, ines_profile
):
    services.profile_set_visibility(
        profile=ines_profile, listed=False, **dict.fromkeys(MARKS, Visibility.PUBLIC)
    )
    seen = {personas.ines, personas.malik, personas.claire}
    for who in [
        personas.ines,
        personas.malik,
        personas.claire,
        lea,
        personas.hugo,
        personas.zoe,
        None,
    ]:
        client.logout()
        response = page_of(client, login, who, personas.ines.pk)
        assert response.status_code == (200 if who in seen else 404), who
        if who not in seen:
            assert MARKS["offers"] not in response.content.decode()


def test_it_never_shows_a_members_email_address_on_her_profile(
    client, login, personas, ines_profile
):
    services.profile_set_visibility(profile=ines_profile, **dict.fromkeys(MARKS, Visibility.PUBLIC))
    for who in [personas.hugo, personas.zoe, None]:
        client.logout()
        page = page_of(client, login, who, personas.ines.pk).content.decode()
        assert "ines@example.org" not in page


def test_it_does_not_fall_back_to_the_email_address_when_a_member_has_no_name(
    client, personas, ines_profile
):
    personas.ines.user.full_name = ""
    personas.ines.user.save()
    services.profile_set_visibility(profile=ines_profile, offers=Visibility.PUBLIC)
    page = client.get(f"/members/{personas.ines.pk}/").content.decode()
    assert "ines@example.org" not in page and "ines" not in page.lower().split("<title>")[1][:40]


def test_it_gives_404_for_a_member_who_left(client, login, personas, ines_profile):
    from maillage.core.services import member_leave

    services.profile_set_visibility(profile=ines_profile, offers=Visibility.PUBLIC)
    member_leave(member=personas.ines)
    assert client.get(f"/members/{personas.ines.pk}/").status_code == 404


def test_it_suggests_taxonomy_skills_but_never_members_words_or_people(
    login, personas, ines_profile
):
    services.profile_skill_add(
        profile=ines_profile, text="Photographie ultra secrète"
    )  # a free tag
    response = login(personas.hugo).get("/skills/suggest/", {"q": "photog"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # an htmx partial
    assert 'data-label="photography"' in page and 'data-uri="http://data.europa.eu/esco/' in page
    assert "ultra secret" not in page and "tag:" not in page
    assert "Ines" not in page and "Moreau" not in page


def test_it_completes_the_last_of_several_comma_separated_skills(login, personas):
    page = (
        login(personas.hugo).get("/skills/suggest/", {"skills": "Python, photog"}).content.decode()
    )
    assert 'data-label="photography"' in page
    assert "Python" not in page


def test_it_asks_visitors_to_log_in_before_suggesting_skills(client, db):
    assert client.get("/skills/suggest/", {"q": "design"}).status_code == 302


def test_it_keeps_the_profile_page_to_a_fixed_number_of_queries(
    login, personas, ines_profile, django_assert_max_num_queries
):
    for n in range(5):
        services.offer_publish(
            profile=ines_profile, title=f"Offer {n}", skills=f"Skill {n}, Other {n}"
        )
        services.need_publish(profile=ines_profile, title=f"Need {n}", skills=f"Skill {n}")
    services.profile_set_visibility(
        profile=ines_profile, **dict.fromkeys(MARKS, Visibility.OPERATOR)
    )
    client = login(personas.hugo)
    with django_assert_max_num_queries(16):
        response = client.get(f"/members/{personas.ines.pk}/")
    assert response.status_code == 200
