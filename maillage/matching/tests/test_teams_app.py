"""Project teams: describe a project, a team is proposed (RarestFirst), members accept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.matching import services
from maillage.matching.models import Project, TeamSeat
from maillage.members.models import SkillConcept

pytestmark = pytest.mark.django_db

DAYS = {"starts_on": dt.date(2030, 1, 1), "ends_on": dt.date(2030, 2, 1)}


def test_a_project_gets_a_team_covering_every_skill(community, login, client):
    login(community.p.malik)
    response = client.post(
        reverse("matching_project_new"),
        {
            "title": "Site de la Filature",
            # As a person types them (the labels, with a suggestion picked or not).
            "skills": f"{community.law.label_fr}, {community.design.label_fr.upper()}",
            "size": 3,
            "starts_on": "2030-01-01",
            "ends_on": "2030-02-01",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    seats = TeamSeat.objects.filter(project=project)
    covered = {c.pk for s in seats for c in s.skills.all()}
    assert covered == {community.law.pk, community.design.pk}
    assert Activity.objects.filter(
        kind=ActivityKind.TEAM_PROPOSED, member=community.p.malik
    ).exists()


def test_a_proposed_member_accepts(community, login, client):
    project = services.project_create(
        by=community.p.malik, title="Site", skills=[community.design.pk], size=2, **DAYS
    )
    seat = TeamSeat.objects.get(project=project)
    assert seat.member == community.p.ines  # the only designer
    login(community.p.ines)
    assert client.get(reverse("matching_project", args=[project.pk])).status_code == 200
    client.post(reverse("matching_team_answer", args=[seat.pk]), {"accept": "1"})
    seat.refresh_from_db()
    assert seat.accepted_at is not None
    assert Activity.objects.filter(
        kind=ActivityKind.TEAM_ACCEPTED, member=community.p.ines
    ).exists()


def test_others_do_not_see_the_project(community, login, client):
    project = services.project_create(
        by=community.p.malik, title="Site", skills=[community.design.pk], size=2, **DAYS
    )
    login(community.sarah)
    assert client.get(reverse("matching_project", args=[project.pk])).status_code == 404
    login(community.p.zoe)
    assert client.get(reverse("matching_project", args=[project.pk])).status_code == 404


def test_a_skill_nobody_has_is_refused_and_nothing_is_written(community):
    with pytest.raises(DomainError) as refused:
        services.project_create(
            by=community.p.malik, title="Compta", skills=[community.compta.pk], size=2, **DAYS
        )
    assert community.compta.label() in refused.value.message  # says which skill is missing
    assert not Project.objects.exists()


def test_the_form_names_the_skills_nobody_has_and_writes_nothing(community, login, client):
    login(community.p.malik)
    response = client.post(
        reverse("matching_project_new"),
        {"title": "Site", "skills": f"{community.design.label_fr}, vannerie sauvage",
         "size": 2, "starts_on": "2030-01-01", "ends_on": "2030-02-01"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors["skills"]
    assert "vannerie sauvage" in errors[0]
    # Nothing half-written: no project, and no free tag made of the words typed.
    assert not Project.objects.exists()
    assert not SkillConcept.objects.filter(uri__startswith="tag:vannerie").exists()


def test_the_form_lists_no_ones_words_and_suggests_as_one_types(community, login, client):
    """Free tags are words members typed: the project form must not list them (another
    operator's members would read them); skills are suggested from the shared list."""
    SkillConcept.objects.create(
        uri="tag:directrice-du-grenier", kind="tag", label_fr="directrice du Grenier"
    )
    login(community.p.malik)
    page = client.get(reverse("matching_project_new")).content.decode()
    assert "directrice du Grenier" not in page
    assert reverse("skill_autocomplete") in page  # the field asks for suggestions
    suggested = client.get(reverse("skill_autocomplete"), {"q": "directrice du gre"})
    assert "directrice du Grenier" not in suggested.content.decode()


def test_a_project_that_ends_before_it_starts_is_refused(community, login, client):
    login(community.p.malik)
    response = client.post(
        reverse("matching_project_new"),
        {
            "title": "Site",
            "skills": community.design.label_fr,
            "size": 2,
            "starts_on": "2030-02-01",
            "ends_on": "2030-01-01",
        },
    )
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_opted_out_members_are_not_proposed(community):
    services.matching_preference_set(member=community.p.ines, opted_out=True)
    with pytest.raises(DomainError):
        services.project_create(
            by=community.p.malik, title="Site", skills=[community.design.pk], size=2, **DAYS
        )
