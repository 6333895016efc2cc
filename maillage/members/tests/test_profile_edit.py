"""A member edits her profile: clear messages for bad input, nothing half-written, a ledger."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from maillage.core.errors import DomainError
from maillage.core.models import Activity
from maillage.members.models import (
    Company,
    ConceptKind,
    Need,
    Offer,
    ProfileSkill,
    SkillConcept,
    Visibility,
)
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


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def profile(personas):
    return services.profile_get_or_create(personas.ines)


def image_bytes(fmt="PNG", size=(1200, 800), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal" if mode == "RGB" else 1).save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- photos ----------------------------------------------------------------------------------


def test_it_shrinks_a_valid_png_to_512_pixels_and_stores_it_as_webp(login, personas, profile):
    response = login(personas.ines).post(
        "/me/profile/photo/", {"photo": upload(image_bytes(), "me.png", "image/png")}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.photo.name.endswith(".webp")
    with profile.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "WEBP"
        assert image.size == (512, 341)


def test_it_strips_exif_data_such_as_the_gps_position(profile):
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0)}  # GPS
    services.profile_photo_set(
        profile=profile, upload=upload(image_bytes("JPEG", (600, 600), exif=exif.tobytes()))
    )
    with profile.photo.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
        assert "exif" not in image.info


def test_it_refuses_a_file_that_is_not_an_image_whatever_its_name(login, personas, profile):
    response = login(personas.ines).post(
        "/me/profile/photo/", {"photo": upload(b"<?php system($_GET['c']); ?>" * 20, "cat.jpg")}
    )
    assert response.status_code == 400
    assert "is not a JPEG, PNG or WebP image" in response.content.decode()
    profile.refresh_from_db()
    assert not profile.photo


def test_it_refuses_an_image_in_another_format(profile):
    with pytest.raises(DomainError, match="not a JPEG, PNG or WebP"):
        services.profile_photo_set(profile=profile, upload=upload(image_bytes("GIF"), "a.gif"))


def test_it_refuses_an_oversized_file(profile):
    big = image_bytes() + b"\0" * (5 * 1024 * 1024)
    with pytest.raises(DomainError, match="too large"):
        services.profile_photo_set(profile=profile, upload=upload(big, "big.png"))
    profile.refresh_from_db()
    assert not profile.photo


def test_it_refuses_an_image_with_huge_dimensions_before_decoding_it(profile):
    huge = image_bytes("PNG", (5000, 5000), mode="1")  # 25 megapixels, a few kB
    assert len(huge) < 1024 * 1024
    with pytest.raises(DomainError, match="megapixels"):
        services.profile_photo_set(profile=profile, upload=upload(huge, "huge.png"))


def test_it_replaces_the_previous_photo_file_once_committed(
    profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(profile=profile, upload=upload(image_bytes()))
    first = profile.photo.name
    storage = profile.photo.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(profile=profile, upload=upload(image_bytes()))
    assert profile.photo.name != first
    assert not storage.exists(first)
    assert storage.exists(profile.photo.name)


# --- text: HTML and script are inert -----------------------------------------------------------


def test_it_renders_markdown_in_the_bio_and_leaves_html_and_script_inert(login, personas, profile):
    services.profile_update(
        profile=profile,
        bio="**Designer** <script>alert('bio')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[site](https://ines.example.org) [bad](javascript:alert(2))",
    )
    page = login(personas.malik).get(f"/members/{personas.ines.pk}/").content.decode()
    assert "<strong>Designer</strong>" in page
    assert "<script>alert('bio')" not in page
    assert "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and 'onerror="' not in page
    assert 'href="https://ines.example.org" rel="nofollow noopener noreferrer"' in page
    assert "javascript:" not in page


def test_it_refuses_html_in_the_headline_with_a_clear_message(login, personas, profile):
    response = login(personas.ines).post(
        "/me/profile/",
        {"full_name": "Ines Moreau", "headline": "<b>UX</b> designer", "bio": "kept?"},
    )
    assert response.status_code == 200
    assert "HTML is not allowed here" in response.content.decode()
    profile.refresh_from_db()
    assert profile.headline == "" and profile.bio == ""


def test_it_escapes_html_in_offer_descriptions(login, personas, profile):
    services.offer_publish(
        profile=profile, title="Audit", description="<script>alert('offer')</script> & more"
    )
    page = login(personas.malik).get(f"/members/{personas.ines.pk}/").content.decode()
    assert "<script>alert('offer')" not in page
    assert "&lt;script&gt;alert(&#x27;offer&#x27;)&lt;/script&gt; &amp; more" in page


def test_it_refuses_an_offer_titled_with_a_script_and_writes_nothing(login, personas, profile):
    response = login(personas.ines).post(
        "/me/profile/offers/new/",
        {"title": "<script>alert(1)</script>", "terms": "free", "skills": "Brand new skill"},
    )
    assert response.status_code == 200
    assert "HTML is not allowed here" in response.content.decode()
    assert not Offer.objects.exists()
    assert not SkillConcept.objects.filter(kind=ConceptKind.TAG).exists()
    assert not Activity.objects.filter(kind="offer_published").exists()


def test_it_writes_nothing_when_one_skill_of_an_offer_is_invalid(profile):
    concepts = SkillConcept.objects.count()
    with pytest.raises(DomainError) as caught:
        services.offer_publish(
            profile=profile, title="Workshops", skills="Zorbing coaching, <i>bad</i>, Quuxology"
        )
    assert caught.value.field == "skills"
    assert not Offer.objects.exists()
    assert SkillConcept.objects.count() == concepts
    assert not SkillConcept.objects.filter(kind=ConceptKind.TAG).exists()
    assert not Activity.objects.filter(kind="offer_published").exists()


def test_it_refuses_links_that_are_not_web_addresses(profile):
    with pytest.raises(DomainError, match="not a web address"):
        services.profile_update(profile=profile, links=["javascript:alert(1)"])
    services.profile_update(profile=profile, links=[{"label": "", "url": "https://ex.org/me"}])
    assert profile.links == [{"label": "ex.org", "url": "https://ex.org/me"}]


def test_it_refuses_an_unknown_offer_term_and_an_unknown_language(profile):
    with pytest.raises(DomainError):
        services.offer_publish(profile=profile, title="Help", terms="bitcoin")
    with pytest.raises(DomainError, match="Unknown language"):
        services.profile_update(profile=profile, languages=["fr", "klingon"])
    assert not Offer.objects.exists()


# --- skills ----------------------------------------------------------------------------------


def test_it_links_a_typed_skill_to_the_taxonomy_by_its_label(profile):
    concept = SkillConcept.objects.create(
        uri="maillage:skill/zorb", label_fr="Zorbing coaching", label_en="Zorb coaching"
    )
    skill = services.profile_skill_add(profile=profile, text="  zorb   COACHING ", level=4)
    assert skill.concept == concept and skill.level == 4


def test_it_links_a_typed_skill_through_the_taxonomy_linker_despite_a_typo(profile):
    skill = services.profile_skill_add(profile=profile, text="droit des contrat")
    assert skill.concept.kind == ConceptKind.SKILL
    assert skill.concept.label_fr == "droit des contrats"
    assert skill.concept.uri.startswith("http://data.europa.eu/esco/")


def test_it_makes_a_tag_of_a_word_that_matches_many_skills_equally(profile):
    # "droit" is as close to insurance law as to labour law: a tag, not a guess.
    assert services.profile_skill_add(profile=profile, text="Droit").concept.kind == ConceptKind.TAG


def test_it_loads_the_shipped_taxonomy_and_the_interests_again_without_duplicates(db):
    from django.core.management import call_command

    from maillage.members.models import Interest

    tag = SkillConcept.objects.create(uri="tag:quux", kind=ConceptKind.TAG, label_fr="Quux")
    counts = (SkillConcept.objects.count(), Interest.objects.count())
    call_command("load_taxonomy", stdout=io.StringIO())
    assert (SkillConcept.objects.count(), Interest.objects.count()) == counts
    assert SkillConcept.objects.filter(pk=tag.pk).exists()  # members' tags are left alone
    assert SkillConcept.objects.filter(kind=ConceptKind.GROUP).count() >= 10
    assert SkillConcept.objects.filter(kind=ConceptKind.SKILL).count() >= 1000
    law = SkillConcept.objects.get(label_fr="droit des contrats")
    assert law.label_en == "contract law" and law.group.kind == ConceptKind.GROUP
    assert Interest.objects.filter(category="sport").count() >= 5
    assert Interest.objects.get(slug="jeux-de-societe").label_en == "Board games"


def test_it_adds_and_removes_skills_inline_with_htmx(login, personas, profile):
    client = login(personas.ines)
    response = client.post(
        "/me/profile/skills/",
        {"text": "Zorbing coaching", "level": 3},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'id="skills"' in page and "Zorbing coaching" in page
    skill = ProfileSkill.objects.get(profile=profile)
    response = client.post(f"/me/profile/skills/{skill.pk}/remove/", headers={"HX-Request": "true"})
    assert "Zorbing coaching" not in response.content.decode()
    assert not ProfileSkill.objects.exists()


def test_it_adds_a_skill_picked_from_the_suggestions_without_javascript_too(
    login, personas, profile
):
    SkillConcept.objects.create(uri="maillage:skill/zorb", label_fr="Zorbing coaching")
    response = login(personas.ines).post(
        "/me/profile/skills/",
        {"text": "Zorbing coaching", "concept": "maillage:skill/zorb", "level": 2},
    )
    assert response.status_code == 302 and response["Location"].endswith("#skills")
    assert profile.skills.get().concept.uri == "maillage:skill/zorb"


def test_it_says_plainly_when_a_skill_is_empty_or_has_no_letters(login, personas, profile):
    response = login(personas.ines).post("/me/profile/skills/", {"text": "!!!", "level": 3})
    assert "does not look like a skill" in response.content.decode()
    assert not ProfileSkill.objects.exists()


def test_it_does_not_let_a_member_remove_someone_elses_skill(login, personas, profile):
    hugo = services.profile_get_or_create(personas.hugo)
    skill = services.profile_skill_add(profile=hugo, text="Contract law")
    response = login(personas.ines).post(f"/me/profile/skills/{skill.pk}/remove/")
    assert response.status_code == 404
    assert ProfileSkill.objects.filter(pk=skill.pk).exists()


# --- offers, needs, company, visibility ----------------------------------------------------------


def test_it_publishes_withdraws_and_republishes_an_offer_from_the_pages(login, personas, profile):
    client = login(personas.ines)
    response = client.post(
        "/me/profile/offers/new/",
        {
            "title": "Accessibility audit",
            "terms": "member_rate",
            "terms_note": "€600",
            "skills": "Quuxology, Zorbing coaching",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.title, offer.terms, offer.is_active) == (
        "Accessibility audit",
        "member_rate",
        True,
    )
    assert sorted(c.label_fr for c in offer.skills.all()) == ["Quuxology", "Zorbing coaching"]
    client.post(f"/me/profile/offers/{offer.pk}/withdraw/")
    offer.refresh_from_db()
    assert not offer.is_active
    assert "Accessibility audit" not in client.get(f"/members/{personas.ines.pk}/").content.decode()
    client.post(f"/me/profile/offers/{offer.pk}/publish/")
    offer.refresh_from_db()
    assert offer.is_active


def test_it_does_not_let_a_member_edit_someone_elses_offer(login, personas, profile):
    hugo = services.profile_get_or_create(personas.hugo)
    offer = services.offer_publish(profile=hugo, title="Contract review")
    client = login(personas.ines)
    assert client.get(f"/me/profile/offers/{offer.pk}/").status_code == 404
    assert client.post(f"/me/profile/offers/{offer.pk}/withdraw/").status_code == 404
    offer.refresh_from_db()
    assert offer.is_active


def test_it_publishes_and_closes_a_need(login, personas, profile):
    client = login(personas.ines)
    client.post("/me/profile/needs/new/", {"title": "A lawyer", "urgency": "high", "skills": ""})
    need = Need.objects.get()
    assert need.urgency == "high" and need.is_open
    client.post(f"/me/profile/needs/{need.pk}/close/")
    need.refresh_from_db()
    assert not need.is_open


def test_it_lets_colleagues_of_one_company_share_it(personas, profile):
    services.profile_update(profile=profile, company="Atelier Moreau")
    claire = services.profile_get_or_create(personas.claire)
    services.profile_update(profile=claire, company="atelier moreau")
    assert Company.objects.count() == 1
    assert claire.company == profile.company


def test_it_saves_a_section_visibility_inline(login, personas, profile):
    response = login(personas.ines).post(
        "/me/profile/visibility/",
        {"section": "needs", "visibility": "public"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Saved" in response.content.decode()
    profile.refresh_from_db()
    assert profile.visibility_needs == Visibility.PUBLIC


def test_it_refuses_an_unknown_visibility(login, personas, profile):
    response = login(personas.ines).post(
        "/me/profile/visibility/", {"section": "needs", "visibility": "world"}
    )
    assert response.status_code == 400
    profile.refresh_from_db()
    assert profile.visibility_needs == Visibility.OPERATOR


def test_it_unlists_a_member_who_asks(login, personas, profile):
    login(personas.ines).post("/me/profile/listed/", {})
    profile.refresh_from_db()
    assert profile.listed is False


# --- ledger and completeness -----------------------------------------------------------------


def test_it_records_offers_needs_and_the_completed_profile_in_the_ledger(personas, profile):
    services.profile_update(profile=profile, headline="UX designer")
    services.profile_skill_add(profile=profile, text="UX")
    assert not Activity.objects.filter(kind="profile_completed").exists()
    offer = services.offer_publish(profile=profile, title="Audit")
    need = services.need_publish(profile=profile, title="A lawyer")
    services.need_publish(profile=profile, title="A tester")
    kinds = list(Activity.objects.filter(member=personas.ines).values_list("kind", "target_id"))
    assert ("offer_published", offer.pk) in kinds
    assert ("need_published", need.pk) in kinds
    assert [k for k, _ in kinds].count("profile_completed") == 1  # once, not per change
    profile.refresh_from_db()
    assert profile.completed_at is not None


def test_it_names_the_next_most_useful_step(profile):
    completeness = services.profile_completeness(profile)
    assert completeness.percent == 0
    assert completeness.next_step.key == "headline"
    assert completeness.next_step.url == "/me/profile/#about"
    services.profile_update(profile=profile, headline="UX designer")
    services.profile_skill_add(profile=profile, text="UX")
    completeness = services.profile_completeness(profile)
    assert completeness.percent == 35
    assert completeness.next_step.key == "offers"
    assert completeness.next_step.url == "/me/profile/#offers"


def test_it_shows_the_next_step_on_my_profile_page(login, personas, profile):
    page = login(personas.ines).get("/me/profile/").content.decode()
    assert "Say in one line what you do" in page
    assert 'value="0"' in page  # the progress bar


def test_it_keeps_the_search_entries_in_step_with_every_write(profile):
    from maillage.members.models import SearchEntry

    def entry(section):
        return SearchEntry.objects.get(profile=profile, section=section)

    offer = services.offer_publish(profile=profile, title="Zorbing audit")
    assert "zorbing" in entry("offers").text.lower()
    services.profile_set_visibility(profile=profile, offers=Visibility.PUBLIC)
    assert entry("offers").visibility == Visibility.PUBLIC
    services.offer_withdraw(offer=offer)
    assert "zorbing" not in entry("offers").text.lower()
    services.profile_skill_add(profile=profile, text="Quuxology")
    assert "quuxology" in entry("skills").text.lower()
    services.profile_update(profile=profile, headline="Frobnicator")
    assert "frobnicator" in entry("about").text.lower()


def test_it_keeps_my_profile_page_to_a_fixed_number_of_queries(
    login, personas, profile, django_assert_max_num_queries
):
    for n in range(6):
        services.offer_publish(profile=profile, title=f"Offer {n}", skills=f"Quux {n}, Zorb {n}")
        services.need_publish(profile=profile, title=f"Need {n}", skills=f"Quux {n}")
        services.profile_skill_add(profile=profile, text=f"Frob {n}")
    client = login(personas.ines)
    with django_assert_max_num_queries(22):
        response = client.get("/me/profile/")
    assert response.status_code == 200


def test_languages_read_as_a_sentence_in_each_language(login, personas, profile):
    from django.urls import reverse

    profile.languages = ["fr", "en"]
    profile.save(update_fields=["languages"])
    url = reverse("profile_detail", args=[personas.ines.pk])
    client = login(personas.ines)
    client.post("/me/preferences/", {"full_name": "Inès Moreau", "language": "fr"})
    assert "Parle français, anglais" in client.get(url).content.decode()
    client.post("/me/preferences/", {"full_name": "Inès Moreau", "language": "en"})
    assert "Speaks French, English" in client.get(url).content.decode()
