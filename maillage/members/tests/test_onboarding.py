"""After her first log-in, a member is walked through a three-step profile wizard, once."""

from __future__ import annotations

import pytest

from maillage.core.models import Activity
from maillage.members.models import Interest, Need, Offer, Onboarding, Profile
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


def log_in(client, persona, password):
    return client.post("/accounts/login/", {"login": persona.user.email, "password": password})


def test_it_sends_a_member_to_the_wizard_after_her_first_log_in_only(client, personas):
    first = log_in(client, personas.ines, personas.password)
    assert first["Location"] == "/me/profile/start/"
    assert Profile.objects.get(member=personas.ines).onboarding == Onboarding.STARTED
    client.logout()
    # She walked away from the wizard: the next log-in goes home as usual.
    again = log_in(client, personas.ines, personas.password)
    assert again["Location"] == "/"


def test_it_does_not_trap_staff_in_the_wizard(client, personas):
    assert log_in(client, personas.malik, personas.password)["Location"] == "/"
    assert log_in(client, personas.claire, personas.password)["Location"] == "/"


def test_it_does_not_send_a_long_standing_member_with_a_history_to_the_wizard(client, personas):
    from maillage.core.services import activity_record

    activity_record(member=personas.hugo, kind="checked_in")
    assert log_in(client, personas.hugo, personas.password)["Location"] == "/"
    assert not Profile.objects.filter(member=personas.hugo, onboarding=Onboarding.STARTED).exists()


def test_it_does_not_send_a_member_whose_profile_is_complete(client, personas):
    profile = services.profile_get_or_create(personas.ines)
    services.profile_update(profile=profile, headline="UX designer")
    services.profile_skill_add(profile=profile, text="UX")
    services.offer_publish(profile=profile, title="Audit")
    assert log_in(client, personas.ines, personas.password)["Location"] == "/"


def test_it_walks_through_the_three_steps_and_records_the_completed_profile(login, personas):
    Interest.objects.get_or_create(
        slug="escalade", defaults={"label_fr": "Escalade", "label_en": "Climbing"}
    )
    client = login(personas.ines)
    page = client.get("/me/profile/start/").content.decode()
    assert 'aria-current="step"' in page and "Who I am" in page

    step1 = client.post(
        "/me/profile/start/?step=1",
        {
            "step": 1,
            "action": "next",
            "full_name": "Inès Moreau",
            "headline": "UX designer",
            "company": "Atelier Moreau",
            "skills": "Zorbing coaching, droit des contrats",
            "bio": "Hello",
        },
    )
    assert step1["Location"] == "/me/profile/start/?step=2"
    step2 = client.post(
        "/me/profile/start/?step=2",
        {
            "step": 2,
            "action": "next",
            "title": "Accessibility audit",
            "terms": "member_rate",
            "skills": "Zorbing coaching",
        },
    )
    assert step2["Location"] == "/me/profile/start/?step=3"
    escalade = Interest.objects.get(slug="escalade")
    step3 = client.post(
        "/me/profile/start/?step=3",
        {
            "step": 3,
            "action": "next",
            "title": "A lawyer",
            "urgency": "high",
            "interests": [escalade.pk],
        },
    )
    assert step3["Location"] == "/me/profile/"

    profile = Profile.objects.get(member=personas.ines)
    assert profile.onboarding == Onboarding.COMPLETED
    assert profile.member.user.full_name == "Inès Moreau"
    assert profile.company.name == "Atelier Moreau"
    assert sorted((s.concept.kind, s.concept.label_fr) for s in profile.skills.all()) == [
        ("skill", "droit des contrats"),
        ("tag", "Zorbing coaching"),
    ]
    assert Offer.objects.get().title == "Accessibility audit"
    assert Need.objects.get().urgency == "high"
    assert list(profile.interests.all()) == [escalade]
    kinds = set(Activity.objects.filter(member=personas.ines).values_list("kind", flat=True))
    assert {"profile_completed", "offer_published", "need_published"} <= kinds


def test_it_lets_a_member_skip_a_step_or_the_whole_wizard(login, personas):
    client = login(personas.ines)
    skipped = client.post(
        "/me/profile/start/?step=2", {"step": 2, "action": "skip_step", "title": "<b>"}
    )
    assert skipped["Location"] == "/me/profile/start/?step=3"
    assert not Offer.objects.exists()
    out = client.post("/me/profile/start/?step=3", {"step": 3, "action": "skip_all"})
    assert out["Location"] == "/"
    assert Profile.objects.get(member=personas.ines).onboarding == Onboarding.SKIPPED


def test_it_writes_nothing_of_a_step_with_a_bad_skill(login, personas):
    client = login(personas.ines)
    response = client.post(
        "/me/profile/start/?step=1",
        {
            "step": 1,
            "action": "next",
            "full_name": "Someone Else",
            "headline": "UX designer",
            "skills": "UX, <script>x</script>",
        },
    )
    assert response.status_code == 200
    assert "HTML is not allowed here" in response.content.decode()
    personas.ines.user.refresh_from_db()
    assert personas.ines.user.full_name == "Ines Moreau"
    profile = Profile.objects.get(member=personas.ines)
    assert profile.headline == "" and not profile.skills.exists()


def test_it_asks_for_the_required_fields_of_the_first_step(login, personas):
    response = login(personas.ines).post("/me/profile/start/?step=1", {"step": 1, "action": "next"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"full_name", "headline"}


def test_it_shows_the_progress_and_the_next_step_while_filling_in(login, personas):
    client = login(personas.ines)
    page = client.get("/me/profile/start/?step=2").content.decode()
    assert "Step 2 of 3" in page
    assert 'class="is-done"' in page  # step 1 marked done in the progress bar
