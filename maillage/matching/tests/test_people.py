"""People to meet: reciprocal suggestions, through the profile gate, with their reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.core.access import viewer_for_user
from maillage.core.models import Activity, ActivityKind
from maillage.core.services import activity_record
from maillage.matching import selectors, services
from maillage.matching.models import Dismissal, Tie
from maillage.members.models import Visibility

pytestmark = pytest.mark.django_db


def suggested(member, **kw):
    viewer = viewer_for_user(member.user, operator_id=member.operator_id)
    return selectors.people_to_meet(viewer, **kw)


def test_it_suggests_sarah_to_ines_with_a_reason(community):
    people = suggested(community.p.ines)
    assert [p.member for p in people][:1] == [community.sarah]
    reason = people[0].reason
    assert "Sarah" in reason and community.law.label_fr in reason
    assert reason.endswith(".")


def test_it_never_suggests_a_colleague_of_the_same_company(community):
    assert community.paul not in [p.member for p in suggested(community.p.ines)]


def test_it_never_suggests_the_team_of_the_space(community):
    from maillage.members.models import Profile

    # Malik runs La Filature and matches Inès on paper: members meet the team anyway.
    malik = Profile.objects.create(member=community.p.malik, open_to_coffee=True)
    malik.skills.create(concept=community.law, level=5)
    malik.interests.set(community.profiles["ines"].interests.all())
    people = [p.member for p in suggested(community.p.ines)]
    assert community.sarah in people and community.p.malik not in people


def test_it_never_suggests_who_opted_out_nor_to_them(community):
    services.matching_preference_set(member=community.sarah, opted_out=True)
    assert community.sarah not in [p.member for p in suggested(community.p.ines)]
    assert suggested(community.sarah) == []


def test_it_never_suggests_an_unlisted_member(community):
    profile = community.profiles["sarah"]
    profile.listed = False
    profile.save()
    assert community.sarah not in [p.member for p in suggested(community.p.ines)]


def test_it_hides_members_whose_profile_the_viewer_may_not_see(community):
    hugo_p = community.profiles["hugo"]
    for section in ("about", "skills", "offers", "needs", "interests", "availability"):
        setattr(hugo_p, f"visibility_{section}", Visibility.SPACE)
    hugo_p.save()
    # Hugo is at Le Quai: his profile is for his space only, Inès may not see it.
    assert community.p.hugo not in [p.member for p in suggested(community.p.ines)]


def test_reasons_only_cite_sections_the_viewer_may_see(community):
    hugo_p = community.profiles["hugo"]
    hugo_p.visibility_skills = Visibility.SPACE
    hugo_p.save()
    people = {p.member: p for p in suggested(community.p.ines, k=10)}
    assert community.p.hugo in people
    reason = people[community.p.hugo].reason
    assert community.law.label_fr not in reason  # his skills are hidden from her
    assert "skills" not in people[community.p.hugo].sections


def test_not_now_is_remembered(community, login, client):
    login(community.p.ines)
    response = client.post(reverse("matching_dismiss", args=[community.sarah.pk]))
    assert response.status_code == 302
    assert Dismissal.objects.filter(member=community.p.ines, other=community.sarah).exists()
    assert community.sarah not in [p.member for p in suggested(community.p.ines)]
    page = client.get(reverse("matching_people"))
    assert "Sarah Test" not in page.content.decode()


def test_a_dismissal_expires(community):
    past = timezone.now() - dt.timedelta(days=100)
    services.suggestion_dismiss(member=community.p.ines, other_id=community.sarah.pk, now=past)
    assert community.sarah in [p.member for p in suggested(community.p.ines)]


def test_dismissing_someone_of_another_operator_is_refused(community, login, client):
    login(community.p.ines)
    client.post(reverse("matching_dismiss", args=[community.p.zoe.pk]))
    assert not Dismissal.objects.exists()


def test_people_who_met_are_not_suggested_after_the_ties_refresh(community):
    activity_record(member=community.p.ines, kind=ActivityKind.MET, target=community.sarah)
    services.ties_refresh(operator=community.p.ruche)
    a, b = sorted((community.p.ines.pk, community.sarah.pk))
    tie = Tie.objects.get(member_a_id=a, member_b_id=b)
    assert tie.strength > 0.5
    assert community.sarah not in [p.member for p in suggested(community.p.ines)]


def test_same_company_makes_a_strong_tie(community):
    services.ties_refresh(operator=community.p.ruche)
    a, b = sorted((community.p.ines.pk, community.paul.pk))
    tie = Tie.objects.get(member_a_id=a, member_b_id=b)
    assert tie.strength > 0.8


def test_introduce_us_notes_the_suggestion_acted_on(community, login, client):
    login(community.p.ines)
    response = client.post(reverse("matching_introduce", args=[community.sarah.pk]))
    assert response.status_code == 302
    assert str(community.sarah.pk) in response.url
    line = Activity.objects.get(kind=ActivityKind.SUGGESTION_ACTED)
    assert line.member == community.p.ines and line.target_id == community.sarah.pk


def test_the_page_and_the_home_card_show_the_suggestion(community, login, client):
    login(community.p.ines)
    page = client.get(reverse("matching_people")).content.decode()
    assert "Sarah Test" in page and community.law.label_fr in page
    home = client.get(reverse("home")).content.decode()
    assert reverse("home_people") in home  # the card comes after the page, by htmx
    card = client.get(reverse("home_people"), headers={"HX-Request": "true"}).content.decode()
    assert "Sarah Test" in card


def test_the_profile_page_says_why_to_meet(community, login, client):
    login(community.p.ines)
    page = client.get(reverse("profile_detail", args=[community.sarah.pk])).content.decode()
    assert reverse("matching_why", args=[community.sarah.pk]) in page  # htmx loads the line
    line = client.get(reverse("matching_why", args=[community.sarah.pk])).content.decode()
    assert reverse("matching_introduce", args=[community.sarah.pk]) in line
    assert community.law.label_fr in line


def test_the_why_line_says_nothing_about_someone_the_viewer_may_not_see(community, login, client):
    login(community.p.zoe)  # another operator
    line = client.get(reverse("matching_why", args=[community.sarah.pk])).content.decode()
    assert line.strip() == ""


def test_visitors_are_sent_to_log_in(client, community):
    response = client.get(reverse("matching_people"))
    assert response.status_code == 302 and "login" in response.url


def test_opting_out_through_the_page(community, login, client):
    login(community.sarah)
    client.post(reverse("matching_preferences"), {"opted_out": "1"})
    assert community.sarah not in [p.member for p in suggested(community.p.ines)]


def test_the_nightly_tick_refreshes_the_ties_through_the_worker(community, run_worker):
    from django.core.management import call_command

    activity_record(member=community.p.ines, kind=ActivityKind.MET, target=community.sarah)
    call_command("matching_tick", verbosity=0)
    run_worker()
    a, b = sorted((community.p.ines.pk, community.sarah.pk))
    assert Tie.objects.filter(member_a_id=a, member_b_id=b, strength__gt=0.5).exists()


def test_not_now_through_htmx_removes_the_card(community, login, client):
    login(community.p.ines)
    response = client.post(
        reverse("matching_dismiss", args=[community.sarah.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response.content == b""
    assert Dismissal.objects.filter(member=community.p.ines, other=community.sarah).exists()


def test_the_home_page_works_for_a_member_without_a_profile(personas, login, client):
    login(personas.claire)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("matching_people") in response.content.decode()


def test_the_people_page_runs_a_bounded_number_of_queries(
    community, login, client, django_assert_max_num_queries
):
    login(community.p.ines)
    client.get(reverse("matching_people"))  # warm the features cache
    with django_assert_max_num_queries(25):
        response = client.get(reverse("matching_people"))
    assert "Sarah Test" in response.content.decode()


def test_staff_introducing_a_member_start_from_whom_they_should_meet(community, login):
    """The staff introduction form, opened for Inès (from an insights list), offers her first
    suggestions as picks, among the members these staff may introduce; a pick fills the form."""
    url = "/staff/introductions/new/"
    page = login(community.p.claire).get(url, {"a": community.p.ines.pk})
    picks = [p.member for p in page.context["suggestions"]]
    assert picks[:1] == [community.sarah] and community.paul not in picks
    html = page.content.decode()
    assert f"?a={community.p.ines.pk}&amp;b={community.sarah.pk}" in html
    assert community.law.label_fr in html
    # The reason speaks of Inès, not "vous": the staff read it.
    reason = page.context["suggestions"][0].reason
    name = community.p.ines.user.get_short_name()
    assert reason.startswith(f"{name} cherche de l’aide en ") and "vous" not in reason, reason
    assert f"ce que {name} propose" in reason
    filled = login(community.p.claire).get(url, {"a": community.p.ines.pk, "b": community.sarah.pk})
    assert filled.context["form"].initial == {"a": community.p.ines.pk, "b": community.sarah.pk}
    # Malik runs La Filature only: Hugo (Le Quai) is never one of his picks.
    claires = [p.member for p in page.context["suggestions"]]
    assert community.p.hugo in claires
    malik = login(community.p.malik).get(url, {"a": community.p.ines.pk})
    maliks = [p.member for p in malik.context["suggestions"]]
    assert community.sarah in maliks and community.p.hugo not in maliks
    # A member may not use the staff form at all.
    assert login(community.p.ines).get(url, {"a": community.sarah.pk}).status_code == 403


def test_a_name_in_the_middle_of_the_sentence_keeps_its_capital() -> None:
    """`explain_for` (what pages show): each clause as it is, not lower-cased; before, a
    second clause starting with the person's name read « … ; hugo cherche de l'aide … »."""
    from maillage.matching.reciprocal import Reason, Suggestion, Why
    from maillage.matching.selectors import explain_for

    suggestion = Suggestion(
        2,
        0.5,
        0.5,
        0.5,
        (Reason(Why.THEY_OFFER, (1,)), Reason(Why.YOU_KNOW, (2,)), Reason(Why.INTERESTS, (1,))),
    )
    everything = frozenset({"offers", "skills", "needs", "availability", "interests", "about"})
    labels = {"concepts": {1: "droit", 2: "design"}, "interests": {1: "escalade"}}
    text = explain_for(
        suggestion, name="Hugo", sections=everything, labels=labels, space_names={}, language="fr"
    )
    assert text == (
        "Vous cherchez de l’aide en droit et Hugo en propose ; Hugo cherche de l’aide en "
        "design, c’est votre métier ; vous partagez un centre d’intérêt (escalade)."
    )
    # What the viewer may not see is not cited: without the needs, the second clause goes.
    hidden = explain_for(
        suggestion,
        name="Hugo",
        sections=everything - {"needs"},
        labels=labels,
        space_names={},
        language="fr",
        asker="Chloé",
    )
    assert hidden == (
        "Chloé cherche de l’aide en droit et Hugo en propose ; Chloé et Hugo partagent un "
        "centre d’intérêt (escalade)."
    )
