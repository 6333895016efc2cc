"""Project teams: describe a project, a team is proposed (RarestFirst), members accept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.matching import services
from maillage.matching.models import Project, TeamSeat

pytestmark = pytest.mark.django_db

DAYS = {"starts_on": dt.date(2030, 1, 1), "ends_on": dt.date(2030, 2, 1)}


def test_a_project_gets_a_team_covering_every_skill(community, login, client):
    login(community.p.malik)
    response = client.post(
        reverse("matching_project_new"),
        {
            "title": "Site de la Filature",
            "skills": [community.law.pk, community.design.pk],
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
    with pytest.raises(DomainError):
        services.project_create(
            by=community.p.malik, title="Compta", skills=[community.compta.pk], size=2, **DAYS
        )
    assert not Project.objects.exists()


def test_a_project_that_ends_before_it_starts_is_refused(community, login, client):
    login(community.p.malik)
    response = client.post(
        reverse("matching_project_new"),
        {
            "title": "Site",
            "skills": [community.design.pk],
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
