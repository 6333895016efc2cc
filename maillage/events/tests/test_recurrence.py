"""Recurring events: the rules (pure) and the series they make (services)."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.events import recurrence, services
from maillage.events.models import Event, EventSeries, EventStatus
from maillage.events.services.series import HORIZON_DAYS, series_extend
from maillage.events.tests.conftest import at
from maillage.workspace import services as workspace
from maillage.workspace.models import Booking, BookingStatus

THURSDAY = dt.date(2026, 10, 1)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def reason(text: str, first_day: dt.date = THURSDAY, **kw) -> str:
    with pytest.raises(recurrence.RecurrenceError) as exc:
        recurrence.parse(text, first_day=first_day, **kw)
    return exc.value.reason


# --- the rules ---------------------------------------------------------------------------


def test_it_expands_every_thursday_with_exceptions():
    rule = recurrence.parse(
        "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=4", first_day=THURSDAY, exceptions=[dt.date(2026, 10, 8)]
    )
    assert rule.text == "FREQ=WEEKLY;BYDAY=TH;COUNT=4"
    assert rule.days == (dt.date(2026, 10, 1), dt.date(2026, 10, 15), dt.date(2026, 10, 22))


def test_it_skips_months_without_the_day_rather_than_shifting_it():
    rule = recurrence.parse("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3", first_day=dt.date(2026, 1, 1))
    assert rule.days == (dt.date(2026, 1, 31), dt.date(2026, 3, 31), dt.date(2026, 5, 31))


def test_it_understands_the_last_working_day_of_the_month():
    rule = recurrence.parse(
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;UNTIL=20261231", first_day=THURSDAY
    )
    assert rule.days == (dt.date(2026, 10, 30), dt.date(2026, 11, 30), dt.date(2026, 12, 31))


def test_it_keeps_the_date_of_an_until_given_with_a_time():
    rule = recurrence.parse("FREQ=WEEKLY;UNTIL=20261015T235959Z", first_day=THURSDAY)
    assert rule.last_day == dt.date(2026, 10, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=TH", "endless"),
        ("FREQ=DAILY;INTERVAL=2", "endless"),
        ("", "invalid"),
        ("every thursday", "invalid"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "invalid"),
        ("FREQ=WEEKLY;COUNT=0", "invalid"),
        ("FREQ=WEEKLY;COUNT=three", "invalid"),
        ("FREQ=WEEKLY;COUNT=3;COUNT=4", "invalid"),
        ("FREQ=FORTNIGHTLY;COUNT=3", "frequency"),
        ("FREQ=HOURLY;COUNT=3", "frequency"),
        ("FREQ=DAILY;BYHOUR=9,14;COUNT=3", "intraday"),
        ("FREQ=YEARLY;BYWEEKNO=20;COUNT=2", "unsupported"),
        ("FREQ=WEEKLY;COUNT=500", "too_many"),
        ("FREQ=DAILY;UNTIL=20271231", "too_many"),
        ("FREQ=MONTHLY;COUNT=14", "too_far"),
        ("FREQ=YEARLY;COUNT=3", "too_far"),
        ("FREQ=WEEKLY;UNTIL=20260901", "empty"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=1", "empty"),
        ("FREQ=MONTHLY;BYDAY=6MO;COUNT=2", "invalid"),
        ("FREQ=WEEKLY;BYDAY=2MO;COUNT=2", "invalid"),
        ("FREQ=MONTHLY;BYMONTHDAY=1;BYSETPOS=2;COUNT=1", "unsupported"),
        ("DTSTART:20261001T120000\nRRULE:FREQ=WEEKLY;COUNT=2", "invalid"),
    ],
)
def test_it_refuses_rules_that_are_invalid_never_end_or_go_too_far(text, expected):
    assert reason(text) == expected


def test_it_refuses_to_skip_a_date_the_rule_does_not_give():
    assert reason("FREQ=WEEKLY;COUNT=3", exceptions=[dt.date(2026, 10, 2)]) == "exception"


def test_it_refuses_a_rule_whose_every_date_is_skipped():
    assert reason("FREQ=WEEKLY;COUNT=1", exceptions=[THURSDAY]) == "empty"


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6;COUNT=2",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=1",
        "FREQ=WEEKLY;BYMONTH=4,6,9,11;BYMONTHDAY=31;COUNT=1",
    ],
)
def test_it_answers_quickly_for_rules_that_match_rarely_or_never(text):
    started = time.perf_counter()
    with pytest.raises(recurrence.RecurrenceError):
        recurrence.parse(text, first_day=THURSDAY)
    assert time.perf_counter() - started < 0.5


def test_it_builds_the_simple_choices_of_the_form():
    second_thursday = dt.date(2026, 10, 8)
    assert (
        recurrence.simple_rule(repeat="monthly", first_day=second_thursday, count=3)
        == "FREQ=MONTHLY;BYDAY=2TH;COUNT=3"
    )
    assert (
        recurrence.simple_rule(repeat="monthly", first_day=dt.date(2026, 10, 29), count=3)
        == "FREQ=MONTHLY;BYDAY=-1TH;COUNT=3"
    )
    assert (
        recurrence.simple_rule(repeat="fortnightly", first_day=THURSDAY, until=dt.date(2026, 12, 1))
        == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261201"
    )


# --- the series --------------------------------------------------------------------------


pytestmark_db = pytest.mark.django_db


def weekly_lunch(personas, day, rule="FREQ=WEEKLY;BYDAY=TH;COUNT=20", exceptions=(), **kw):
    space = personas.filature
    kw.setdefault("capacity", None if "room" in kw else 12)
    return services.event_propose(
        proposer=personas.malik, operator=personas.ruche, space=space,
        title="Déjeuner du jeudi", kind="lunch",
        starts_at=at(space, day, "12:30"), ends_at=at(space, day, "13:30"),
        recurrence=rule, exceptions=exceptions, **kw,
    )  # fmt: skip


@pytest.mark.django_db
def test_it_materialises_a_series_up_to_its_horizon_without_the_skipped_days(personas, day):
    skipped = day + dt.timedelta(weeks=2)
    first = weekly_lunch(personas, day, exceptions=[skipped])
    series = first.series
    days = list(Event.objects.filter(series=series).values_list("occurrence_on", flat=True))
    horizon = timezone.localdate() + dt.timedelta(days=HORIZON_DAYS)
    expected = [day + dt.timedelta(weeks=w) for w in range(20)]
    expected = [d for d in expected if d != skipped and d <= horizon]
    assert days == expected
    assert series.last_day == day + dt.timedelta(weeks=19)
    assert all(e.status == EventStatus.PUBLISHED for e in Event.objects.filter(series=series))
    local = [e.starts_at.astimezone(PARIS).strftime("%H:%M") for e in Event.objects.all()]
    assert set(local) == {"12:30"}


@pytest.mark.django_db
def test_it_refuses_an_endless_series_and_writes_nothing(personas, day):
    with pytest.raises(DomainError, match="must end") as exc:
        weekly_lunch(personas, day, rule="FREQ=WEEKLY;BYDAY=TH")
    assert exc.value.field == "recurrence"
    assert not EventSeries.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_series_whose_room_is_taken_on_one_date_and_says_which(personas, day, rooms):
    taken = day + dt.timedelta(weeks=1)
    space = personas.filature
    workspace.booking_create(
        resource=rooms.jacquard, member=personas.hugo,
        starts_at=at(space, taken, "12:00"), ends_at=at(space, taken, "13:00"),
    )  # fmt: skip
    with pytest.raises(DomainError, match="Nothing was created, because 1 of the dates") as exc:
        weekly_lunch(personas, day, rule="FREQ=WEEKLY;COUNT=3", room=rooms.jacquard)
    assert "Salle Jacquard is already booked" in exc.value.message
    assert not Event.objects.exists()
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_it_books_the_room_of_every_occurrence(personas, day, rooms):
    weekly_lunch(personas, day, rule="FREQ=WEEKLY;COUNT=3", room=rooms.jacquard)
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 3
    assert all(e.booking_id for e in Event.objects.all())


@pytest.mark.django_db
def test_it_keeps_the_wall_clock_time_across_the_clock_change(personas):
    # 2026-10-22 and 2026-10-29 are Thursdays around the end of summer time (25 October).
    space = personas.filature
    now = dt.datetime(2026, 10, 1, 8, 0, tzinfo=PARIS)
    first = services.event_propose(
        proposer=personas.malik, operator=personas.ruche, space=space, title="Déjeuner",
        kind="lunch", starts_at=at(space, dt.date(2026, 10, 22), "12:30"),
        ends_at=at(space, dt.date(2026, 10, 22), "13:30"),
        recurrence="FREQ=WEEKLY;COUNT=2", now=now,
    )  # fmt: skip
    events = list(Event.objects.filter(series=first.series).order_by("starts_at"))
    assert [e.starts_at.astimezone(PARIS).strftime("%d %H:%M") for e in events] == [
        "22 12:30", "29 12:30"
    ]  # fmt: skip
    assert [e.starts_at.astimezone(dt.UTC).hour for e in events] == [10, 11]


@pytest.mark.django_db
def test_it_extends_a_series_later_and_only_once(personas, day):
    first = weekly_lunch(personas, day, rule="FREQ=WEEKLY;COUNT=20")
    series = first.series
    before = Event.objects.filter(series=series).count()
    later = timezone.now() + dt.timedelta(weeks=6)
    added = series_extend(series=series, now=later)
    assert len(added) == 6
    assert series_extend(series=series, now=later) == []
    assert Event.objects.filter(series=series).count() == before + 6


@pytest.mark.django_db
def test_new_dates_are_not_hosted_by_someone_who_deleted_their_account(personas, day):
    from maillage.members.services.privacy import account_erase

    first = weekly_lunch(personas, day, rule="FREQ=WEEKLY;COUNT=20", hosts=[personas.ines])
    account_erase(user=personas.ines.user)
    added = series_extend(series=first.series, now=timezone.now() + dt.timedelta(weeks=6))
    assert added
    for event in added:
        assert personas.ines not in event.hosts.all()


@pytest.mark.django_db
def test_it_never_brings_back_a_cancelled_occurrence(personas, day):
    first = weekly_lunch(personas, day, rule="FREQ=WEEKLY;COUNT=20")
    series = first.series
    last = Event.objects.filter(series=series).order_by("-starts_at").first()
    services.event_cancel(event=last, by=personas.malik)
    series.refresh_from_db()
    assert series.exceptions == [last.occurrence_on.isoformat()]
    series_extend(series=series, now=timezone.now() + dt.timedelta(weeks=6))
    assert Event.objects.filter(series=series, occurrence_on=last.occurrence_on).count() == 1


@pytest.mark.django_db
def test_it_cancels_the_following_dates_and_ends_the_series(personas, day):
    first = weekly_lunch(personas, day, rule="FREQ=WEEKLY;COUNT=5")
    second = Event.objects.get(series=first.series, occurrence_on=day + dt.timedelta(weeks=1))
    cancelled = services.event_cancel(event=second, by=personas.malik, following=True)
    assert len(cancelled) == 4
    statuses = list(
        Event.objects.filter(series=first.series)
        .order_by("starts_at")
        .values_list("status", flat=True)
    )
    assert statuses == ["published"] + ["cancelled"] * 4
    assert series_extend(series=first.series, now=timezone.now() + dt.timedelta(weeks=10)) == []


@pytest.mark.django_db
def test_it_lets_only_staff_set_up_a_series(personas, day):
    with pytest.raises(DomainError, match="Only the staff of the space can set up a repeating"):
        services.event_propose(
            proposer=personas.ines, operator=personas.ruche, space=personas.filature,
            title="Club lecture", kind="other",
            starts_at=at(personas.filature, day, "12:30"), ends_at=at(personas.filature, day, "13:30"),
            recurrence="FREQ=WEEKLY;COUNT=3",
        )  # fmt: skip
