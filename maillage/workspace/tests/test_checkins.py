"""Check-ins (button, QR code, front desk), access days, guests, and who is here today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.workspace import selectors, services
from maillage.workspace.models import CheckIn, Guest
from maillage.workspace.tests.conftest import at, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    """A Monday to come whose week lies in one month (allowances count per month)."""
    day = next_weekday(timezone.localdate(), 0)
    while (day + dt.timedelta(days=4)).month != day.month:
        day += dt.timedelta(days=7)
    return day


def test_it_checks_a_member_in_and_records_it_in_the_ledger(personas, ws, monday):
    now = at(personas.filature, monday, "09:12")
    checkin = services.checkin_open(member=personas.ines, space=personas.filature, now=now)
    assert (checkin.day, checkin.via, checkin.billable) == (monday, "button", False)
    line = Activity.objects.get(member=personas.ines, kind=ActivityKind.CHECKED_IN)
    assert (line.target_id, line.payload, line.occurred_at) == (checkin.pk, {"via": "button"}, now)


def test_it_tells_a_member_already_checked_in_when_she_came(personas, ws, monday):
    services.checkin_open(
        member=personas.ines, space=personas.filature, now=at(personas.filature, monday, "09:12")
    )
    with pytest.raises(services.AlreadyCheckedIn, match="already checked in at 09:12"):
        services.checkin_open(
            member=personas.ines,
            space=personas.filature,
            now=at(personas.filature, monday, "11:00"),
        )
    assert CheckIn.objects.count() == 1
    assert Activity.objects.filter(kind=ActivityKind.CHECKED_IN).count() == 1


def test_it_checks_out_and_back_in_without_counting_a_second_day(personas, ws, monday):
    space = personas.filature
    services.checkin_open(member=personas.ines, space=space, now=at(space, monday, "09:00"))
    out = services.checkin_close(member=personas.ines, now=at(space, monday, "12:30"))
    assert out.checked_out_at == at(space, monday, "12:30")
    again = services.checkin_open(member=personas.ines, space=space, now=at(space, monday, "13:45"))
    assert again.pk == out.pk and again.is_open
    assert CheckIn.objects.count() == 1


def test_it_refuses_to_check_out_someone_who_is_not_in(personas, ws, monday):
    with pytest.raises(DomainError, match="not checked in today"):
        services.checkin_close(member=personas.ines, now=at(personas.filature, monday, "10:00"))


def test_it_refuses_a_check_in_on_a_closed_day(personas, ws, monday):
    services.closed_day_add(space=personas.filature, date=monday, reason="travaux")
    with pytest.raises(DomainError, match="closed today"):
        services.checkin_open(
            member=personas.ines,
            space=personas.filature,
            now=at(personas.filature, monday, "10:00"),
        )
    assert not CheckIn.objects.exists()


def test_it_refuses_a_member_of_another_operator(personas, ws, monday):
    with pytest.raises(DomainError, match="Only members of this community"):
        services.checkin_open(
            member=personas.zoe, space=personas.filature, now=at(personas.filature, monday, "10:00")
        )


def test_it_counts_day_passes_and_bills_days_beyond_the_plan(personas, ws, monday):
    services.membership_start(member=personas.hugo, plan=ws.ten_days, starts_on=monday)
    space = personas.quai
    days = [
        monday + dt.timedelta(days=i)
        for i in range(21)
        if (monday + dt.timedelta(days=i)).weekday() < 5
    ]
    checkins = [
        services.checkin_open(member=personas.hugo, space=space, now=at(space, d, "09:30"))
        for d in days[:11]
    ]
    assert [c.billable for c in checkins] == [False] * 10 + [True]
    allowance = selectors.member_allowance(personas.hugo, now=at(space, days[10], "10:00"))
    assert (allowance.access_days_used, allowance.access_days_billable) == (10, 1)
    assert allowance.access_days_left == 0


def test_it_refuses_a_day_beyond_a_strict_plan_but_the_front_desk_may_add_it(personas, ws, monday):
    services.membership_start(member=personas.hugo, plan=ws.strict, starts_on=monday.replace(day=1))
    space = personas.quai
    days = [monday + dt.timedelta(days=i) for i in range(3)]
    for day in days[:2]:
        services.checkin_open(member=personas.hugo, space=space, now=at(space, day, "09:00"))
    with pytest.raises(DomainError, match="used the 2 access days of your Temps partiel plan"):
        services.checkin_open(member=personas.hugo, space=space, now=at(space, days[2], "09:00"))
    by_desk = services.checkin_open(
        member=personas.hugo, space=space, via="desk", by=personas.claire,
        now=at(space, days[2], "09:00"),
    )  # fmt: skip
    assert by_desk.billable and by_desk.registered_by == personas.claire


def test_it_bills_every_day_of_a_member_without_a_plan(personas, ws, monday):
    checkin = services.checkin_open(
        member=personas.hugo, space=personas.quai, now=at(personas.quai, monday, "09:00")
    )
    assert checkin.billable


# --- the entrance QR code ------------------------------------------------------------------


def _qr_url(space, token):
    return f"/checkin/{space.pk}/{token}/"


def test_it_checks_in_with_todays_qr_code(login, personas, ws, open_all_week):
    space = open_all_week
    token = services.checkin_token(space=space, day=selectors.today_in(space))
    client = login(personas.ines)
    page = client.get(_qr_url(space, token))
    assert page.status_code == 200 and "data-autosubmit" in page.content.decode()
    assert not CheckIn.objects.exists()  # opening the page writes nothing
    response = client.post(_qr_url(space, token))
    assert response.status_code == 200
    assert "Welcome to La Filature" in response.content.decode()
    checkin = CheckIn.objects.get(member=personas.ines)
    assert checkin.via == "qr"


def test_it_says_when_a_reused_qr_code_checked_the_member_in(login, personas, ws, open_all_week):
    space = open_all_week
    token = services.checkin_token(space=space, day=selectors.today_in(space))
    client = login(personas.ines)
    client.post(_qr_url(space, token))
    first = CheckIn.objects.get(member=personas.ines)
    response = client.post(_qr_url(space, token))
    time = first.checked_in_at.astimezone(space.tz).strftime("%H:%M")
    assert response.status_code == 200
    assert f"You already checked in at {time}." in response.content.decode()
    assert CheckIn.objects.count() == 1


def test_it_refuses_a_forged_qr_code(login, personas, ws, open_all_week):
    client = login(personas.ines)
    response = client.post(_qr_url(open_all_week, "0123456789abcdef01234567"))
    assert response.status_code == 400
    assert "This QR code is not one of La Filature" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_refuses_yesterdays_qr_code_and_says_it_expired(login, personas, ws, open_all_week):
    space = open_all_week
    yesterday = selectors.today_in(space) - dt.timedelta(days=1)
    token = services.checkin_token(space=space, day=yesterday)
    response = login(personas.ines).post(_qr_url(space, token))
    assert response.status_code == 400
    assert "This QR code has expired" in response.content.decode()


def test_it_refuses_another_spaces_code(personas, ws, open_all_week):
    token = services.checkin_token(space=personas.quai, day=selectors.today_in(open_all_week))
    with pytest.raises(DomainError, match="not one of La Filature"):
        services.checkin_token_check(space=open_all_week, token=token)


def test_it_hides_a_spaces_qr_page_from_other_operators(login, personas, ws, open_all_week):
    token = services.checkin_token(space=open_all_week, day=selectors.today_in(open_all_week))
    assert login(personas.zoe).post(_qr_url(open_all_week, token)).status_code == 404


def test_it_checks_in_from_the_home_page_button_with_htmx(login, personas, ws, open_all_week):
    client = login(personas.ines)
    response = client.post("/checkin/", {"space": open_all_week.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="checkin-card"' in response.content.decode()
    assert CheckIn.objects.filter(member=personas.ines, via="button").exists()
    response = client.post("/checkout/", headers={"HX-Request": "true"})
    assert "Checked out at" in response.content.decode()


def test_it_shows_the_checkin_card_on_the_home_page(login, personas, ws, open_all_week):
    page = login(personas.ines).get("/").content.decode()
    assert 'id="checkin-card"' in page and "/checkin/" in page


# --- guests and the front desk ---------------------------------------------------------------


def test_it_registers_a_guest_using_a_guest_day_then_bills_beyond(personas, ws, monday):
    space = personas.filature
    now = at(space, monday, "08:00")
    guests = [
        services.guest_register(space=space, name=f"Invitée {i}", day=monday, by=personas.ines,
                                now=now)
        for i in range(3)
    ]  # fmt: skip
    assert [g.billable for g in guests] == [False, False, True]  # Résident: 2 guest days
    assert all(g.host == personas.ines for g in guests)
    assert (
        Activity.objects.filter(member=personas.ines, kind=ActivityKind.GUEST_REGISTERED).count()
        == 3
    )
    visitor = services.guest_register(
        space=space, name="Un client", day=monday, by=personas.ines, kind="visitor", now=now
    )
    assert not visitor.billable


def test_a_host_cancels_a_guest_and_the_day_goes_to_the_first_billed(personas, ws, monday):
    space = personas.filature
    now = at(space, monday, "08:00")
    first, _paul, third = (
        services.guest_register(space=space, name=name, day=monday, by=personas.ines, now=now)
        for name in ("Léa", "Paul", "Zoé")
    )
    assert third.billable  # Résident: 2 guest days
    services.guest_cancel(guest=first, by=personas.ines, now=now)
    assert not Guest.objects.filter(pk=first.pk).exists()
    third.refresh_from_db()
    assert not third.billable and third.membership is not None  # the freed day is Zoé's
    services.guest_cancel(guest=third, by=personas.ines, now=now)  # no one billed is left
    assert list(Guest.objects.values_list("name", flat=True)) == ["Paul"]


def test_only_the_host_cancels_a_guest_before_they_arrive(personas, ws, monday):
    space = personas.filature
    now = at(space, monday, "08:00")
    guest = services.guest_register(space=space, name="Léa", day=monday, by=personas.ines, now=now)
    with pytest.raises(DomainError, match="Only their host or the front desk"):
        services.guest_cancel(guest=guest, by=personas.hugo, now=now)
    with pytest.raises(DomainError, match="already past"):
        services.guest_cancel(guest=guest, by=personas.ines, now=now + dt.timedelta(days=1))
    services.guest_arrive(guest=guest, now=at(space, monday, "09:00"))
    with pytest.raises(DomainError, match="already arrived"):
        services.guest_cancel(guest=guest, by=personas.ines, now=at(space, monday, "10:00"))
    assert Guest.objects.filter(pk=guest.pk).exists()


def test_it_refuses_a_guest_beyond_a_strict_plan(personas, ws, monday):
    services.membership_start(member=personas.hugo, plan=ws.strict, starts_on=monday.replace(day=1))
    space = personas.quai
    now = at(space, monday, "08:00")
    services.guest_register(space=space, name="Léa", day=monday, by=personas.hugo, now=now)
    with pytest.raises(DomainError, match="guest days for this period and they are all used"):
        services.guest_register(space=space, name="Paul", day=monday, by=personas.hugo, now=now)
    assert Guest.objects.count() == 1


def test_it_refuses_a_guest_on_a_past_or_closed_day(personas, ws, monday):
    space = personas.filature
    now = at(space, monday, "08:00")
    with pytest.raises(DomainError, match="already past"):
        services.guest_register(
            space=space, name="Léa", day=monday - dt.timedelta(days=1), by=personas.ines, now=now
        )
    saturday = monday + dt.timedelta(days=5)
    with pytest.raises(DomainError, match="closed on"):
        services.guest_register(space=space, name="Léa", day=saturday, by=personas.ines, now=now)
    with pytest.raises(DomainError, match="guest's name"):
        services.guest_register(space=space, name="  ", day=monday, by=personas.ines, now=now)


def test_it_lets_the_front_desk_register_a_walk_in_who_has_arrived(personas, ws, monday):
    space = personas.filature
    now = at(space, monday, "10:00")
    guest = services.guest_register(space=space, name="Visiteur", day=monday, by=personas.malik,
                                    kind="visitor", now=now)  # fmt: skip
    assert guest.host is None and guest.arrived_at == now
    # A member cannot register a guest on someone else's behalf.
    other = services.guest_register(space=space, name="X", day=monday, by=personas.ines,
                                    host=personas.hugo, now=now)  # fmt: skip
    assert other.host == personas.ines


def test_it_lists_who_is_here_today_for_the_front_desk(login, personas, ws, open_all_week):
    space = open_all_week
    services.checkin_open(member=personas.ines, space=space)
    here = selectors.here_today(space)
    assert [c.member for c in here.present] == [personas.ines]
    assert list(selectors.present_member_ids(space).values_list("member_id", flat=True)) == [
        personas.ines.pk
    ]
    page = login(personas.malik).get(f"/staff/frontdesk/?space={space.pk}").content.decode()
    assert "Ines Moreau" in page
    staff_home = login(personas.malik).get("/staff/").content.decode()
    assert 'id="ws-here-title"' in staff_home


def test_it_checks_a_member_in_and_out_at_the_front_desk(login, personas, ws, open_all_week):
    client = login(personas.malik)
    response = client.post(
        f"/staff/frontdesk/{open_all_week.pk}/checkin/", {"member": personas.ines.pk}
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get(member=personas.ines)
    assert (checkin.via, checkin.registered_by) == ("desk", personas.malik)
    client.post(f"/staff/frontdesk/checkins/{checkin.pk}/checkout/")
    checkin.refresh_from_db()
    assert checkin.checked_out_at is not None


# --- present now, after closing, and checking in outside the hours ----------------------------


def test_it_stops_counting_a_forgotten_check_in_as_present_once_the_space_closed(
    personas, ws, monday
):
    space = personas.filature  # open 08:30–19:00
    services.checkin_open(member=personas.ines, space=space, now=at(space, monday, "08:52"))
    before, after = at(space, monday, "18:55"), at(space, monday, "21:20")
    assert [c.member for c in selectors.here_today(space, before).present] == [personas.ines]
    assert selectors.spaces_here_counts([space], before) == {space.pk: 1}
    here = selectors.here_today(space, after)
    assert (here.present, [c.member for c in here.unclosed], here.count) == ([], [personas.ines], 0)
    assert selectors.spaces_here_counts([space, personas.quai], after) == {}
    assert selectors.staff_home([space], after)["ws_here_total"] == 0
    # The day's visit still counts: "here today" in the directory, and an access day.
    ids = selectors.present_member_ids(space, after).values_list("member_id", flat=True)
    assert list(ids) == [personas.ines.pk]
    assert selectors.member_allowance(personas.ines, now=after).access_days_used == 1
    assert CheckIn.objects.get().checked_out_at is None  # nothing made up a departure time


def test_it_counts_someone_the_front_desk_checks_in_after_closing_until_midnight(
    personas, ws, monday
):
    space = personas.filature
    services.checkin_open(
        member=personas.ines, space=space, via="desk", by=personas.malik,
        now=at(space, monday, "19:30"),
    )  # fmt: skip
    # A member's own check-in after closing (made before members were refused) does not count.
    CheckIn.objects.create(
        member=personas.hugo, space=space, day=monday, checked_in_at=at(space, monday, "20:00")
    )
    assert selectors.spaces_here_counts([space], at(space, monday, "22:00")) == {space.pk: 1}
    here = selectors.here_today(space, at(space, monday, "22:00"))
    assert ([c.member for c in here.present], [c.member for c in here.unclosed]) == (
        [personas.ines],
        [personas.hugo],
    )
    checkin = CheckIn.objects.get(member=personas.ines)
    assert selectors.checkin_is_present(checkin, at(space, monday, "23:59"))
    tuesday = monday + dt.timedelta(days=1)
    assert not selectors.checkin_is_present(checkin, at(space, tuesday, "09:00"))


def test_it_refuses_a_member_check_in_outside_the_hours_but_the_front_desk_may(
    personas, ws, monday
):
    space = personas.filature
    with pytest.raises(DomainError, match="closed at this hour: it is open today 08:30–19:00"):
        services.checkin_open(member=personas.ines, space=space, now=at(space, monday, "07:45"))
    assert not CheckIn.objects.exists()
    by_desk = services.checkin_open(
        member=personas.ines, space=space, via="desk", by=personas.malik,
        now=at(space, monday, "07:45"),
    )  # fmt: skip
    assert by_desk.registered_by == personas.malik


def test_it_refuses_to_reopen_a_members_day_after_closing(personas, ws, monday):
    space = personas.filature
    services.checkin_open(member=personas.ines, space=space, now=at(space, monday, "09:00"))
    services.checkin_close(member=personas.ines, now=at(space, monday, "18:00"))
    with pytest.raises(DomainError, match="closed at this hour"):
        services.checkin_open(member=personas.ines, space=space, now=at(space, monday, "20:00"))
    assert not CheckIn.objects.get().is_open


def _card(member, now):
    from django.template.loader import render_to_string

    return render_to_string(
        "workspace/partials/checkin_card.html",
        {**selectors.member_checkin_card(member, now), "member": member},
    )


def test_it_offers_no_check_in_on_the_home_card_while_the_space_is_closed(personas, ws, monday):
    space = personas.filature
    closed = _card(personas.ines, at(space, monday, "21:20"))
    assert "La Filature is closed at this hour: it is open today 08:30–19:00." in closed
    assert "Closed now" in closed and 'action="/checkin/"' not in closed
    assert 'action="/checkin/"' in _card(personas.ines, at(space, monday, "10:00"))
    saturday = monday + dt.timedelta(days=5)
    assert "La Filature is closed today." in _card(personas.ines, at(space, saturday, "10:00"))


def test_it_tells_a_member_who_did_not_check_out_that_the_space_has_closed(personas, ws, monday):
    space = personas.filature
    services.checkin_open(member=personas.ines, space=space, now=at(space, monday, "08:52"))
    assert "You are here" in _card(personas.ines, at(space, monday, "18:00"))
    card = _card(personas.ines, at(space, monday, "21:20"))
    assert "You checked in at 08:52; La Filature closed at 19:00." in card
    assert "You are here" not in card and 'action="/checkout/"' not in card


def test_it_labels_the_front_desk_check_out_as_an_action_on_that_person(
    login, personas, ws, open_all_week
):
    from django.utils import translation

    services.checkin_open(member=personas.ines, space=open_all_week)
    page = login(personas.malik).get(f"/staff/frontdesk/?space={open_all_week.pk}")
    html = page.content.decode()
    assert 'aria-label="Check Ines Moreau out">Check them out</button>' in html
    with translation.override("fr"):
        assert translation.gettext("Check them out") == "Pointer son départ"
        assert translation.gettext("Check out") == "Pointer mon départ"  # the member's own
