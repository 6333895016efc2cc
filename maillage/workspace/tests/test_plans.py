"""Plans, memberships (start, switch, pause, end), what is left, and monthly statements in
HTML and CSV, per member and per company."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.members.models import Company
from maillage.workspace import selectors, services
from maillage.workspace.models import Booking, Membership
from maillage.workspace.tests.conftest import at, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def week():
    """Monday to Friday of a week to come that lies in one month."""
    day = next_weekday(timezone.localdate(), 0)
    while (day + dt.timedelta(days=4)).month != day.month:
        day += dt.timedelta(days=7)
    return [day + dt.timedelta(days=i) for i in range(5)]


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_switches_plans_by_ending_the_open_one_the_day_before(personas, ws):
    start = timezone.localdate() + dt.timedelta(days=10)
    new = services.membership_start(member=personas.ines, plan=ws.strict, starts_on=start)
    ws.ines_plan.refresh_from_db()
    assert ws.ines_plan.ends_on == start - dt.timedelta(days=1)
    assert new.ends_on is None


def test_it_refuses_an_overlapping_plan_and_another_operators_plan(personas, ws):
    start = timezone.localdate()
    services.membership_start(
        member=personas.hugo,
        plan=ws.ten_days,
        starts_on=start,
        ends_on=start + dt.timedelta(days=90),
    )
    with pytest.raises(DomainError, match="already has the Pass 10 jours plan"):
        services.membership_start(member=personas.hugo, plan=ws.resident, starts_on=start)
    other = services.plan_create(operator=personas.grenier, name="Grenier libre")
    with pytest.raises(DomainError, match="another community"):
        services.membership_start(member=personas.hugo, plan=other, starts_on=start)


def test_it_refuses_a_second_plan_with_the_same_name(personas, ws):
    with pytest.raises(DomainError, match="already a plan called Résident"):
        services.plan_create(operator=personas.ruche, name="Résident")


def test_it_bills_use_during_a_pause(personas, ws, week):
    services.membership_pause(membership=ws.ines_plan, paused_from=week[0], paused_until=week[2])
    space = personas.filature
    paused = services.checkin_open(
        member=personas.ines, space=space, now=at(space, week[1], "09:00")
    )
    booking = services.booking_create(
        resource=ws.canuts, member=personas.ines,
        starts_at=at(space, week[1], "10:00"), ends_at=at(space, week[1], "11:00"),
    )  # fmt: skip
    assert paused.billable and booking.billable_amount == 15
    services.membership_resume(membership=ws.ines_plan, on=week[2])
    back = services.checkin_open(member=personas.ines, space=space, now=at(space, week[3], "09:00"))
    assert not back.billable


def test_it_ends_a_membership_and_then_bills(personas, ws, week):
    services.membership_end(membership=ws.ines_plan, ends_on=week[0])
    space = personas.filature
    checkin = services.checkin_open(
        member=personas.ines, space=space, now=at(space, week[1], "09:00")
    )
    assert checkin.billable and checkin.membership is None


def test_it_shows_what_is_left_this_month(login, personas, ws, week):
    space = personas.filature
    services.booking_create(
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(space, week[0], "10:00"), ends_at=at(space, week[0], "11:30"),
    )  # fmt: skip
    allowance = selectors.member_allowance(personas.ines, now=at(space, week[0], "12:00"))
    assert allowance.credits_used == 3 and allowance.credits_left == 1  # Résident: 4 credits
    page = login(personas.ines).get("/plan/").content.decode()
    assert "This month (used / included)" in page and "Meeting-room credits" in page


def _month_of_use(personas, ws, week):
    space = personas.filature
    for day in week[:3]:
        services.checkin_open(member=personas.ines, space=space, now=at(space, day, "09:00"))
    services.booking_create(  # 6 credits: 4 included, 2 beyond
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(space, week[0], "09:00"), ends_at=at(space, week[0], "12:00"),
    )  # fmt: skip
    for name in ("Léa", "Paul", "Zoé"):  # 2 guest days included, 1 billed
        services.guest_register(space=space, name=name, day=week[1], by=personas.ines,
                                now=at(space, week[0], "08:00"))  # fmt: skip


def test_it_makes_a_members_monthly_statement(personas, ws, week):
    _month_of_use(personas, ws, week)
    statement = selectors.member_statement(personas.ines, week[0])
    assert (statement.days_here, statement.days_billable) == (3, 0)
    assert (statement.credits, statement.credits_billable) == (6, 2)
    assert (statement.guests, statement.guests_billable) == (3, 1)
    # 3 hours at 25 = 75 € for 6 credits; 2 beyond → 25 €; a billed guest day at 25 €.
    assert statement.amount_billable == Decimal("50.00")


def test_it_downloads_a_members_statement_as_csv(login, personas, ws, week):
    _month_of_use(personas, ws, week)
    response = login(personas.ines).get(f"/plan/statement/{week[0]:%Y-%m}/?format=csv")
    rows = read_csv(response)
    assert rows[0] == ["date", "member", "what", "detail", "quantity", "included", "billable (€)"]
    kinds = [row[2] for row in rows[1:]]
    assert (
        kinds.count("day here") == 3 and kinds.count("booking") == 1 and kinds.count("guest") == 3
    )
    booking = next(row for row in rows[1:] if row[2] == "booking")
    assert booking[3].startswith("Salle Jacquard · 09:00–12:00")
    assert (booking[5], booking[6]) == ("4.00", "25.00")
    assert sum(Decimal(row[6] or 0) for row in rows[1:]) == Decimal("50.00")


def test_it_shows_the_statement_page(login, personas, ws, week):
    _month_of_use(personas, ws, week)
    page = login(personas.ines).get(f"/plan/statement/{week[0]:%Y-%m}/").content.decode()
    assert "Usage statement" in page and "50.00" in page.replace(",", ".")


def test_it_lists_the_operators_usage_and_downloads_it(login, personas, ws, week):
    _month_of_use(personas, ws, week)
    client = login(personas.claire)
    page = client.get(f"/staff/usage/?month={week[0]:%Y-%m}").content.decode()
    assert "Ines Moreau" in page
    rows = read_csv(client.get(f"/staff/usage/?month={week[0]:%Y-%m}&format=csv"))
    ines = next(row for row in rows[1:] if row[0] == "Ines Moreau")
    assert ines[3:9] == ["3", "0", "6.00", "2.00", "3", "25.00"]


def test_a_french_reader_gets_the_csv_her_spreadsheet_reads(login, personas, ws, week):
    """French spreadsheets split on ";" and read "25,00" (the "," is their decimal mark)."""
    _month_of_use(personas, ws, week)
    personas.claire.user.language = "fr"
    personas.claire.user.save(update_fields=["language"])
    response = login(personas.claire).get(f"/staff/usage/?month={week[0]:%Y-%m}&format=csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffmembre;e-mail;") or text.startswith("\ufeffmembre;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    ines = next(row for row in rows[1:] if row[0] == "Ines Moreau")
    assert ines[3:9] == ["3", "0", "6,00", "2,00", "3", "25,00"]
    statement = login(personas.ines).get(f"/plan/statement/{week[0]:%Y-%m}/?format=csv")
    assert b";" not in statement.content.split(b"\r\n")[0]  # Ines reads English


def test_a_space_manager_sees_the_usage_of_her_spaces_members_only(login, personas, ws, week):
    _month_of_use(personas, ws, week)
    quai = personas.quai  # Hugo's home: not Malik's
    services.checkin_open(member=personas.hugo, space=quai, now=at(quai, week[0], "09:00"))
    company = Company.objects.create(operator=personas.ruche, name="Moreau Design")
    services.booking_create(
        resource=ws.canuts, member=personas.ines, company=company,
        starts_at=at(personas.filature, week[2], "14:00"),
        ends_at=at(personas.filature, week[2], "15:00"),
    )  # fmt: skip
    month = f"{week[0]:%Y-%m}"
    admin = login(personas.claire)
    assert {"Ines Moreau", "Hugo Lefevre"} <= {
        row[0] for row in read_csv(admin.get(f"/staff/usage/?month={month}&format=csv"))
    }
    malik = login(personas.malik)
    page = malik.get(f"/staff/usage/?month={month}").content.decode()
    assert "Ines Moreau" in page and "Hugo Lefevre" not in page
    names = [row[0] for row in read_csv(malik.get(f"/staff/usage/?month={month}&format=csv"))]
    assert names[1:] == ["Ines Moreau"]
    # A company's bookings name members of every space: its statement is the admins'.
    assert "Moreau Design" not in page
    company_url = f"/staff/usage/companies/{company.pk}/?month={month}"
    assert malik.get(company_url).status_code == 404
    assert login(personas.claire).get(company_url).status_code == 200


def test_it_makes_a_companys_statement_of_bookings_on_its_behalf(login, personas, ws, week):
    company = Company.objects.create(operator=personas.ruche, name="Moreau Design")
    Membership.objects.filter(pk=ws.ines_plan.pk).update(company=company)
    space = personas.filature
    booking = services.booking_create(
        resource=ws.canuts, member=personas.ines, company=company,
        starts_at=at(space, week[2], "14:00"), ends_at=at(space, week[2], "15:00"),
    )  # fmt: skip
    assert booking.company == company
    client = login(personas.claire)
    rows = read_csv(
        client.get(f"/staff/usage/companies/{company.pk}/?month={week[0]:%Y-%m}&format=csv")
    )
    assert [row[1] for row in rows[1:]] == ["Ines Moreau"]
    assert "Moreau Design" in client.get(f"/staff/usage/?month={week[0]:%Y-%m}").content.decode()
    # Hugo is not of that company: he cannot book on its behalf (the choice is not his).
    login(personas.hugo).post(
        "/bookings/new/",
        {"resource": ws.canuts.pk, "day": f"{week[3]:%Y-%m-%d}", "start": "10:00", "end": "11:00",
         "company": company.pk},
    )  # fmt: skip
    assert Booking.objects.get(member=personas.hugo).company is None


def test_it_gives_a_plan_and_pauses_it_from_the_staff_pages(login, personas, ws):
    client = login(personas.claire)
    today = timezone.localdate()
    response = client.post(
        "/staff/plans/members/",
        {"member": personas.hugo.pk, "plan": ws.resident.pk, "starts_on": f"{today:%Y-%m-%d}"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(member=personas.hugo)
    client.post(
        f"/staff/plans/memberships/{membership.pk}/",
        {"action": "pause", "on": f"{today:%Y-%m-%d}"},
    )
    membership.refresh_from_db()
    assert membership.paused_from == today
    client.post(
        f"/staff/plans/memberships/{membership.pk}/",
        {"action": "resume", "on": f"{today + dt.timedelta(days=3):%Y-%m-%d}"},
    )
    membership.refresh_from_db()
    assert membership.paused_until == today + dt.timedelta(days=2)
    assert client.get("/staff/plans/").status_code == 200
    assert client.get(f"/staff/plans/memberships/{membership.pk}/").status_code == 200


def test_what_is_left_agrees_with_the_orm_on_a_month_of_use(personas, ws, week):
    """`allowance_for` reads its counts in one query written by hand: the same figures as
    the ORM's aggregates, Decimal credits included (SQLite answers sums as floats), a
    booking cancelled too late still counted, one cancelled in time not."""
    from django.db.models import Count, Q, Sum

    from maillage.workspace.allowances import allowance_for
    from maillage.workspace.models import CheckIn, Guest

    _month_of_use(personas, ws, week)
    space = personas.filature
    half = services.booking_create(  # three quarters of an hour: 1.5 credits
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(space, week[2], "14:00"), ends_at=at(space, week[2], "14:45"),
    )  # fmt: skip
    kept = services.booking_create(
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(space, week[3], "14:00"), ends_at=at(space, week[3], "15:00"),
    )  # fmt: skip
    Booking.objects.filter(pk=kept.pk).update(status="cancelled", late_cancellation=True)
    dropped = services.booking_create(
        resource=ws.jacquard, member=personas.ines,
        starts_at=at(space, week[4], "14:00"), ends_at=at(space, week[4], "15:00"),
    )  # fmt: skip
    Booking.objects.filter(pk=dropped.pk).update(status="cancelled")
    allowance = allowance_for(personas.ines, week[0])

    counted = Booking.objects.filter(member=personas.ines).filter(
        Q(status="confirmed") | Q(late_cancellation=True)
    )
    sums = counted.aggregate(total=Sum("credits"), beyond=Sum("billable_credits"))
    split = {
        "inc": Count("pk", filter=Q(billable=False)),
        "bil": Count("pk", filter=Q(billable=True)),
    }
    days = CheckIn.objects.filter(member=personas.ines).aggregate(**split)
    guests = Guest.objects.filter(host=personas.ines, kind="guest").aggregate(**split)
    assert half.credits % 1 != 0  # the case this test is for
    assert isinstance(allowance.credits_used, Decimal)
    assert allowance.credits_used == sums["total"] - sums["beyond"]
    assert allowance.credits_billable == sums["beyond"]
    assert (allowance.access_days_used, allowance.access_days_billable) == (
        days["inc"],
        days["bil"],
    )
    assert (allowance.guest_days_used, allowance.guest_days_billable) == (
        guests["inc"],
        guests["bil"],
    )
    assert allowance.membership == ws.ines_plan and allowance.plan == ws.ines_plan.plan
