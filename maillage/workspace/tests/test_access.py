"""Who may see and do what in the workspace, persona by persona, through HTTP."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from maillage.core.access import viewer_for_user
from maillage.workspace import access, services
from maillage.workspace.models import Booking
from maillage.workspace.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def ines_booking(personas, ws, day):
    return services.booking_create(
        resource=ws.jacquard,
        member=personas.ines,
        starts_at=at(personas.filature, day, "10:00"),
        ends_at=at(personas.filature, day, "11:00"),
        title="Entretien confidentiel",
    )


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, personas, ws):
    for url in ("/bookings/", "/bookings/new/", "/plan/", "/staff/frontdesk/", "/staff/plans/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_shows_a_member_her_own_booking(login, personas, ines_booking):
    response = login(personas.ines).get(f"/bookings/{ines_booking.pk}/")
    assert response.status_code == 200
    assert "Entretien confidentiel" in response.content.decode()


def test_it_hides_a_members_booking_from_another_member(login, personas, ines_booking):
    client = login(personas.hugo)
    assert client.get(f"/bookings/{ines_booking.pk}/").status_code == 404
    assert client.post(f"/bookings/{ines_booking.pk}/cancel/").status_code == 404
    assert Booking.objects.get(pk=ines_booking.pk).is_confirmed


def test_it_hides_everything_of_ruche_from_zoe(login, personas, ws, ines_booking):
    client = login(personas.zoe)
    assert client.get(f"/bookings/{ines_booking.pk}/").status_code == 404
    assert client.get(f"/bookings/resources/{ws.jacquard.pk}/").status_code == 404
    assert client.get(f"/staff/frontdesk/{personas.filature.pk}/poster/").status_code == 404
    assert client.get(f"/staff/resources/{ws.jacquard.pk}/").status_code == 404
    assert client.get(f"/staff/plans/{ws.resident.pk}/").status_code == 404
    response = client.post(
        "/bookings/new/",
        {"resource": ws.jacquard.pk, "day": "2030-01-08", "start": "10:00", "end": "11:00"},
    )
    assert response.status_code == 400  # not one of her choices: a form error, nothing booked
    assert not Booking.objects.filter(member=personas.zoe).exists()


def test_it_lets_the_manager_see_and_cancel_a_members_booking(login, personas, ines_booking):
    client = login(personas.malik)
    response = client.get(f"/bookings/{ines_booking.pk}/")
    assert response.status_code == 200
    assert "Ines Moreau" in response.content.decode()
    client.post(f"/bookings/{ines_booking.pk}/cancel/")
    assert Booking.objects.get(pk=ines_booking.pk).status == "cancelled"


def test_it_shows_names_on_the_calendar_to_staff_only(login, personas, ines_booking, day):
    url = f"/bookings/?space={personas.filature.pk}&day={day:%Y-%m-%d}"
    assert "Ines Moreau" not in login(personas.hugo).get(url).content.decode()
    assert "Ines Moreau" in login(personas.malik).get(url).content.decode()


def test_it_lets_staff_book_for_a_member_but_not_a_member_for_another(personas, ws):
    malik = viewer_for_user(personas.malik.user)
    member, by = access.booking_subject(malik, personas.ruche.pk, personas.ines.pk)
    assert (member, by) == (personas.ines, personas.malik)
    hugo = viewer_for_user(personas.hugo.user)
    with pytest.raises(PermissionDenied):
        access.booking_subject(hugo, personas.ruche.pk, personas.ines.pk)
    zoe = viewer_for_user(personas.zoe.user)
    with pytest.raises(Http404):
        access.booking_subject(zoe, personas.ruche.pk, None)
    with pytest.raises(Http404):
        access.booking_subject(malik, personas.ruche.pk, personas.zoe.pk)


def test_it_books_for_a_member_from_the_staff_form(login, personas, ws, day):
    response = login(personas.malik).post(
        "/bookings/new/",
        {"resource": ws.canuts.pk, "day": f"{day:%Y-%m-%d}", "start": "14:00", "end": "15:00",
         "member": personas.ines.pk},
    )  # fmt: skip
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.member, booking.booked_by) == (personas.ines, personas.malik)


def test_it_ignores_a_member_field_posted_by_a_member(login, personas, ws, day):
    login(personas.hugo).post(
        "/bookings/new/",
        {"resource": ws.canuts.pk, "day": f"{day:%Y-%m-%d}", "start": "14:00", "end": "15:00",
         "member": personas.ines.pk},
    )  # fmt: skip
    assert Booking.objects.get().member == personas.hugo


def test_it_keeps_the_front_desk_to_the_spaces_staff(login, personas, ws):
    assert login(personas.hugo).get("/staff/frontdesk/").status_code == 403
    client = login(personas.malik)
    assert client.get("/staff/frontdesk/").status_code == 200
    # Malik manages La Filature, not Le Quai.
    assert client.get(f"/staff/frontdesk/{personas.quai.pk}/poster/").status_code == 403
    response = client.post(
        f"/staff/frontdesk/{personas.quai.pk}/checkin/", {"member": personas.hugo.pk}
    )
    assert response.status_code == 403
    assert (
        login(personas.claire).get(f"/staff/frontdesk/{personas.quai.pk}/poster/").status_code
        == 200
    )


def test_it_lets_only_operator_admins_create_and_edit_plans(login, personas, ws):
    data = {"name": "Nomade", "period": "month", "guest_days": 0, "allow_overage": "on",
            "is_active": "on"}  # fmt: skip
    assert login(personas.malik).post("/staff/plans/", data).status_code == 403
    assert login(personas.malik).get(f"/staff/plans/{ws.resident.pk}/").status_code == 403
    assert login(personas.claire).post("/staff/plans/", data).status_code == 302
    assert login(personas.ines).get("/staff/plans/").status_code == 403


def test_it_keeps_usage_statements_to_staff_and_the_member_herself(login, personas, ws):
    assert login(personas.ines).get("/staff/usage/").status_code == 403
    assert login(personas.ines).get(f"/staff/usage/members/{personas.hugo.pk}/").status_code == 403
    assert login(personas.ines).get("/plan/statement/2026-01/").status_code == 200
    assert login(personas.malik).get(f"/staff/usage/members/{personas.ines.pk}/").status_code == 200
    # Zoé runs Le Grenier: Inès is not hers to see.
    assert login(personas.zoe).get(f"/staff/usage/members/{personas.ines.pk}/").status_code == 404


def test_it_keeps_a_resources_settings_to_its_spaces_staff(login, personas, ws):
    assert login(personas.ines).get(f"/staff/resources/{ws.jacquard.pk}/").status_code == 403
    assert login(personas.malik).get(f"/staff/resources/{ws.jacquard.pk}/").status_code == 200
    assert login(personas.malik).get(f"/staff/resources/{ws.panorama.pk}/").status_code == 403


def test_it_keeps_a_calendar_link_to_its_owner(login, personas, ws):
    feed = services.calendar_feed_get_or_create(owner=personas.ines)
    assert (
        login(personas.hugo).post(f"/bookings/calendar-link/{feed.pk}/revoke/").status_code == 404
    )
    assert (
        login(personas.malik).post(f"/bookings/calendar-link/{feed.pk}/revoke/").status_code == 404
    )
    assert (
        login(personas.ines).post(f"/bookings/calendar-link/{feed.pk}/revoke/").status_code == 302
    )
