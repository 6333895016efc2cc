"""Every access rule, with the personas: who may read or change what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from maillage.core import access
from maillage.core.models import Role
from maillage.core.services import activity_record

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/staff/", "/staff/members/", "/staff/spaces/", "/staff/invitations/"]


def viewer(member):
    return access.viewer_for_user(member.user)


@pytest.mark.parametrize("url", [*STAFF_PAGES, "/me/preferences/"])
def test_it_sends_an_anonymous_visitor_to_log_in(client, personas, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_it_refuses_staff_pages_to_a_member(login, personas, url):
    response = login(personas.ines).get(url)
    assert response.status_code == 403
    assert "Maillage" in response.content.decode()  # the friendly page, not a bare error


def test_it_opens_staff_pages_to_the_space_manager(login, personas):
    client = login(personas.malik)
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 200, url


def test_it_never_lists_our_members_to_another_operators_staff(login, personas):
    response = login(personas.zoe).get("/staff/members/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zoe Martin" in page
    for name in ("Claire Dubois", "Ines Moreau", "Hugo Lefevre", "Malik Benali"):
        assert name not in page


def test_it_never_opens_our_member_to_another_operators_staff(login, personas):
    client = login(personas.zoe)
    assert client.get(f"/staff/members/{personas.ines.pk}/").status_code == 404
    assert client.post(f"/staff/members/{personas.ines.pk}/", {"role": "guest"}).status_code == 404
    personas.ines.refresh_from_db()
    assert personas.ines.role == Role.MEMBER


def test_it_hides_other_operators_members_from_search_counts(login, personas):
    response = login(personas.zoe).get("/staff/members/", {"q": "Moreau"})
    assert "Ines" not in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_it_lets_the_operator_admin_open_every_member_of_her_operator(login, personas):
    client = login(personas.claire)
    for member in (personas.ines, personas.hugo, personas.malik):
        assert client.get(f"/staff/members/{member.pk}/").status_code == 200


def test_it_lets_the_manager_change_members_of_her_space_only(login, personas):
    client = login(personas.malik)
    ok = client.post(f"/staff/members/{personas.ines.pk}/", {"role": "guest"})
    assert ok.status_code == 302
    personas.ines.refresh_from_db()
    assert personas.ines.role == Role.GUEST
    refused = client.post(f"/staff/members/{personas.hugo.pk}/", {"role": "guest"})
    assert refused.status_code == 404  # Hugo's home is Le Quai: not Malik's to see
    personas.hugo.refresh_from_db()
    assert personas.hugo.role == Role.MEMBER


def test_a_manager_cannot_demote_staff_nor_anyone_themselves_nor_the_last_admin(login, personas):
    login(personas.malik).post(f"/staff/members/{personas.claire.pk}/", {"role": "member"})
    login(personas.malik).post(f"/staff/members/{personas.malik.pk}/", {"role": "member"})
    login(personas.claire).post(f"/staff/members/{personas.claire.pk}/", {"role": "member"})
    for member, role in [(personas.claire, Role.ADMIN), (personas.malik, Role.MANAGER)]:
        member.refresh_from_db()
        assert member.role == role
    offered = login(personas.malik).get(f"/staff/members/{personas.claire.pk}/").context["roles"]
    assert [value for value, _label in offered] == [Role.ADMIN]  # where she stands, no more
    # Nor, through the departure, shut an admin out.
    login(personas.malik).post(f"/staff/members/{personas.claire.pk}/leave/")
    personas.claire.refresh_from_db()
    assert personas.claire.left_on is None


def test_it_lets_only_operator_admins_grant_staff_roles(login, personas):
    offered = login(personas.malik).get(f"/staff/members/{personas.ines.pk}/").context["roles"]
    assert [value for value, _label in offered] == [Role.MEMBER, Role.GUEST]
    offered = login(personas.claire).get(f"/staff/members/{personas.ines.pk}/").context["roles"]
    assert {value for value, _label in offered} == set(Role.values)
    login(personas.malik).post(f"/staff/members/{personas.ines.pk}/", {"role": "admin"})
    personas.ines.refresh_from_db()
    assert personas.ines.role == Role.MEMBER
    login(personas.claire).post(f"/staff/members/{personas.ines.pk}/", {"role": "manager"})
    personas.ines.refresh_from_db()
    assert personas.ines.role == Role.MANAGER


def test_it_refuses_a_home_space_of_another_operator(login, personas):
    response = login(personas.claire).post(
        f"/staff/members/{personas.ines.pk}/", {"home_space": personas.grenier_space.pk}
    )
    assert response.status_code == 403
    personas.ines.refresh_from_db()
    assert personas.ines.home_space == personas.filature


def test_it_lets_a_member_read_only_her_own_record(personas):
    ines = viewer(personas.ines)
    assert access.member_for_viewer(ines, personas.ines.pk) == personas.ines
    with pytest.raises(Http404):
        access.member_for_viewer(ines, personas.hugo.pk)
    with pytest.raises(PermissionDenied):
        access.members_for_viewer(ines, personas.ruche.pk)


def test_it_shows_a_member_only_her_own_ledger_lines(personas):
    activity_record(member=personas.ines, kind="checked_in")
    activity_record(member=personas.hugo, kind="checked_in")
    mine = access.activities_for_viewer(viewer(personas.ines), personas.ruche.pk)
    assert {a.member_id for a in mine} == {personas.ines.pk}
    staff = access.activities_for_viewer(viewer(personas.claire), personas.ruche.pk)
    assert {a.member_id for a in staff} >= {personas.ines.pk, personas.hugo.pk}
    with pytest.raises(Http404):
        access.activities_for_viewer(viewer(personas.zoe), personas.ruche.pk)


def test_it_lets_the_manager_edit_her_space_but_not_the_others(login, personas):
    client = login(personas.malik)
    assert client.get(f"/staff/spaces/{personas.filature.pk}/").status_code == 200
    assert client.get(f"/staff/spaces/{personas.quai.pk}/").status_code == 403
    assert login(personas.zoe).get(f"/staff/spaces/{personas.filature.pk}/").status_code == 403
    assert login(personas.ines).get(f"/staff/spaces/{personas.filature.pk}/").status_code == 403


def test_it_lists_only_the_spaces_a_manager_runs(login, personas):
    page = login(personas.malik).get("/staff/spaces/").content.decode()
    assert "La Filature" in page
    assert "Le Quai" not in page
    page = login(personas.claire).get("/staff/spaces/").content.decode()
    assert "La Filature" in page and "Le Quai" in page and "Le Grenier" not in page


def test_it_shows_a_space_public_page_to_anyone(client, personas):
    response = client.get(f"/spaces/{personas.filature.slug}/")
    assert response.status_code == 200
    assert "La Filature" in response.content.decode()


def test_it_switches_community_only_to_one_the_person_belongs_to(login, personas):
    client = login(personas.ines)
    client.post("/community/switch/", {"operator": personas.grenier.pk})
    assert client.get("/").context["member"] == personas.ines


# --- a space manager sees the members of the spaces they run, not the whole operator ---------


def test_it_keeps_a_manager_to_the_members_of_her_spaces(login, personas):
    client = login(personas.malik)
    assert client.get(f"/staff/members/{personas.ines.pk}/").status_code == 200
    # Hugo's home is Le Quai: his record, usage statement and place in the list stay hidden.
    assert client.get(f"/staff/members/{personas.hugo.pk}/").status_code == 404
    month = "2026-11"
    assert client.get(f"/staff/usage/members/{personas.hugo.pk}/?month={month}").status_code == 404
    assert client.get(f"/staff/usage/members/{personas.ines.pk}/?month={month}").status_code == 200
    listed = client.get("/staff/members/").content.decode()
    assert "Ines Moreau" in listed and "Hugo Lefevre" not in listed
    by_space = client.get("/staff/members/", {"space": personas.quai.pk})
    assert by_space.context["page"].paginator.count == 0
    # The operator admin sees both.
    admin = login(personas.claire)
    for member in (personas.ines, personas.hugo):
        assert admin.get(f"/staff/members/{member.pk}/").status_code == 200


def test_it_shows_a_manager_the_ledger_of_her_spaces_only(personas):
    activity_record(member=personas.ines, kind="checked_in")  # at La Filature, her home
    activity_record(member=personas.hugo, kind="checked_in")  # at Le Quai
    activity_record(member=personas.hugo, kind="checked_in", space=personas.filature)  # visiting
    lines = access.activities_for_viewer(viewer(personas.malik), personas.ruche.pk)
    seen = {(a.member_id, a.space_id) for a in lines}
    assert (personas.ines.pk, personas.filature.pk) in seen
    assert (personas.hugo.pk, personas.filature.pk) in seen  # he came to Malik's space
    assert (personas.hugo.pk, personas.quai.pk) not in seen


def test_it_counts_on_the_dashboard_only_what_the_manager_may_read(login, personas):
    from maillage.workspace.services.checkins import checkin_open

    # Check-ins (each also a ledger line): Inès at La Filature today and six days ago, Hugo
    # at Le Quai today; a check-in eight days ago is out of the week.
    now = timezone.now()
    checkin_open(member=personas.ines, space=personas.filature, by=personas.claire)
    checkin_open(member=personas.hugo, space=personas.quai, by=personas.claire)
    for days in (6, 8):
        checkin_open(
            member=personas.ines,
            space=personas.filature,
            by=personas.claire,
            now=now - dt.timedelta(days=days),
        )
    manager = login(personas.malik).get("/staff/")
    assert manager.context["checkins_week"] == 2
    assert {a.member_id for a in manager.context["recent"]} == {personas.ines.pk}
    admin = login(personas.claire).get("/staff/")
    assert admin.context["checkins_week"] == 3
    assert "pointages dans les espaces que vous gérez" in admin.content.decode()


# --- the viewer's records, read without the ORM's compilation on every request -------------


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_viewers_records_are_what_the_orm_reads(personas):
    from maillage.core.tests.factories import MemberFactory

    # Ines also belongs to Le Grenier (two records, in the operators' name order); a record
    # she left is not read.
    MemberFactory(user=personas.ines.user, home_space=personas.grenier_space)
    left = MemberFactory(user=personas.hugo.user, home_space=personas.grenier_space)
    left.left_on = left.joined_on
    left.save(update_fields=["left_on"])
    personas.filature.opening_hours = {"mon": [["08:00", "12:00"], ["14:00", "18:00"]]}
    personas.filature.save(update_fields=["opening_hours"])

    for who in (personas.ines, personas.hugo, personas.claire, personas.zoe):
        fast = access._active_records(who.user_id)
        reference = list(access.active_records_query(who.user_id))
        assert [r.pk for r in fast] == [r.pk for r in reference]
        for record, expected in zip(fast, reference, strict=True):
            assert _fields(record) == _fields(expected)
            assert _fields(record.operator) == _fields(expected.operator)
            assert _fields(record.home_space) == _fields(expected.home_space)
            assert not record._state.adding and record._state.db == expected._state.db
    ines = access._active_records(personas.ines.user_id)
    assert [r.operator.name for r in ines] == ["Le Grenier", "Ruche & Co"]
    assert ines[1].home_space.opening_hours["mon"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert access._active_records(0) == []


def test_building_the_viewer_reads_one_query(personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        viewer = access.viewer_for_user(personas.ines.user)
        assert viewer.current.home_space.name == "La Filature"
        assert viewer.current.operator.name == "Ruche & Co"


def test_staff_record_a_departure_and_a_return_within_their_rights(login, personas):
    import datetime as dt

    from django.utils import timezone

    url = f"/staff/members/{personas.ines.pk}/leave/"
    client = login(personas.malik)
    assert client.get(f"/staff/members/{personas.ines.pk}/").context["may_record_leaving"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post(url, {"on": tomorrow.isoformat()})  # not ahead of time
    personas.ines.refresh_from_db()
    assert personas.ines.left_on is None
    client.post(url, {"on": "not a date"})
    personas.ines.refresh_from_db()
    assert personas.ines.left_on is None
    client.post(url, {"on": timezone.localdate().isoformat()})
    personas.ines.refresh_from_db()
    assert personas.ines.left_on == timezone.localdate()
    # She no longer has access to the community; her record is still there for the team.
    assert login(personas.ines).get("/").context.get("member") is None
    assert login(personas.malik).get(f"/staff/members/{personas.ines.pk}/").status_code == 200
    login(personas.malik).post(url, {"action": "return"})
    personas.ines.refresh_from_db()
    assert personas.ines.left_on is None
    # A manager does not record an admin's departure, nor anyone their own; a member nobody's.
    assert login(personas.malik).post(
        f"/staff/members/{personas.claire.pk}/leave/"
    ).status_code in (403, 404)
    assert (
        login(personas.claire).post(f"/staff/members/{personas.claire.pk}/leave/").status_code
        == 403
    )
    assert login(personas.ines).post(f"/staff/members/{personas.hugo.pk}/leave/").status_code == 403
    assert (
        login(personas.malik).post(f"/staff/members/{personas.hugo.pk}/leave/").status_code == 404
    )
    for member in (personas.claire, personas.hugo):
        member.refresh_from_db()
        assert member.left_on is None


def test_a_departure_gives_up_what_they_still_held(login, personas):
    """Bookings to come are cancelled (the room is free again), places at events go to the
    waiting list, and the private calendar links stop."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from maillage.events import services as events_services
    from maillage.events.models import Event, Rsvp
    from maillage.workspace import services as workspace_services
    from maillage.workspace.models import Resource, ResourceKind

    space = personas.filature
    space.opening_hours = {
        d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    space.save(update_fields=["opening_hours"])
    room = Resource.objects.create(space=space, kind=ResourceKind.ROOM, name="Salle T", capacity=4)
    day = timezone.localdate() + dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=space.tz)
    booking = workspace_services.booking_create(
        resource=room, member=personas.ines, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    event = events_services.event_propose(
        proposer=personas.malik, operator=personas.ruche, space=space, title="Déjeuner",
        kind="lunch", starts_at=start + dt.timedelta(hours=2),
        ends_at=start + dt.timedelta(hours=3), capacity=1,
    )  # fmt: skip
    events_services.event_rsvp(event=event, member=personas.ines, status="going")
    events_services.event_rsvp(event=event, member=personas.hugo, status="going")  # waits
    feed = events_services.event_feed_get_or_create(owner=personas.ines)
    url = reverse("event_feed", args=[feed.pk, events_services.event_feed_token(feed)])
    assert login(personas.ines).get(url).status_code == 200
    login(personas.malik).post(f"/staff/members/{personas.ines.pk}/leave/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert Rsvp.objects.get(event=event, member=personas.ines).status == "not_going"
    assert Rsvp.objects.get(event=event, member=personas.hugo).status == "going"  # promoted
    assert Event.objects.get(pk=event.pk).status == "published"
    assert login(personas.hugo).get(url).status_code == 410  # the link stopped
