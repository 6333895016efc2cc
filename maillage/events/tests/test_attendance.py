"""Attendance (taps and the QR code), closing it into the ledger, no-show rates, feedback and
"who did you meet?"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from maillage.core.errors import DomainError
from maillage.core.models import Activity, ActivityKind
from maillage.events import selectors, services
from maillage.events.models import Attendance, Encounter, Feedback, Rsvp, RsvpStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def lunch(personas, make_event, members):
    """A lunch hosted by Malik, with Inès, Léa and Sami going, Noé maybe."""
    event = make_event(title="Déjeuner", capacity=None)
    for member in (personas.ines, members[0], members[1]):
        services.event_rsvp(event=event, member=member, status="going")
    services.event_rsvp(event=event, member=members[2], status="maybe")
    return event


def during(event, minutes=10):
    return event.starts_at + dt.timedelta(minutes=minutes)


def rsvp_of(event, member):
    return Rsvp.objects.get(event=event, member=member)


def ledger(kind):
    return sorted(Activity.objects.filter(kind=kind).values_list("member_id", flat=True))


def test_it_marks_a_person_here_with_one_tap_and_undoes_it(personas, lunch):
    rsvp = services.attendance_mark(
        rsvp=rsvp_of(lunch, personas.ines), present=True, by=personas.malik, now=during(lunch)
    )
    assert (rsvp.attendance, rsvp.checked_in_via) == (Attendance.ATTENDED, "staff")
    rsvp = services.attendance_mark(rsvp=rsvp, present=False, by=personas.malik, now=during(lunch))
    assert rsvp.attendance == Attendance.UNKNOWN
    assert not Activity.objects.filter(kind=ActivityKind.ATTENDED).exists()


def test_it_refuses_marking_long_before_the_event(personas, lunch):
    with pytest.raises(DomainError, match="opens an hour before"):
        services.attendance_mark(rsvp=rsvp_of(lunch, personas.ines), present=True,
                                 by=personas.malik, now=lunch.starts_at - dt.timedelta(hours=3))  # fmt: skip


def test_it_writes_attended_no_show_and_hosted_when_attendance_closes(personas, lunch, members):
    for member in (personas.ines, members[0]):
        services.attendance_mark(
            rsvp=rsvp_of(lunch, member), present=True, by=personas.malik, now=during(lunch)
        )
    counts = services.attendance_close(event=lunch, now=lunch.ends_at + dt.timedelta(hours=1))
    assert counts == {"attended": 2, "no_show": 1, "hosted": 1}
    assert ledger(ActivityKind.ATTENDED) == sorted([personas.ines.pk, members[0].pk])
    assert ledger(ActivityKind.NO_SHOW) == [members[1].pk]
    assert ledger(ActivityKind.HOSTED) == [personas.malik.pk]
    assert rsvp_of(lunch, members[2]).attendance == Attendance.UNKNOWN  # maybe: not a no-show
    with pytest.raises(DomainError, match="closed"):
        services.attendance_mark(rsvp=rsvp_of(lunch, members[1]), present=True,
                                 by=personas.malik, now=lunch.ends_at)  # fmt: skip
    with pytest.raises(DomainError, match="closed"):
        services.attendance_close(event=lunch, now=lunch.ends_at + dt.timedelta(hours=2))


def test_it_counts_no_shows_only_when_attendance_was_taken(personas, lunch):
    counts = services.attendance_close(event=lunch, now=lunch.ends_at + dt.timedelta(days=1))
    assert counts == {"attended": 0, "no_show": 0, "hosted": 1}
    assert ledger(ActivityKind.NO_SHOW) == []


def test_it_gives_the_no_show_rate_per_event_and_per_member(personas, lunch, members, make_event):
    services.attendance_mark(rsvp=rsvp_of(lunch, personas.ines), present=True,
                             by=personas.malik, now=during(lunch))  # fmt: skip
    services.attendance_close(event=lunch, now=lunch.ends_at)
    lunch.refresh_from_db()
    assert selectors.event_no_show_rate(lunch) == pytest.approx(2 / 3)
    rates = selectors.member_no_show_rates([personas.ines.pk, members[0].pk, members[2].pk])
    assert rates == {personas.ines.pk: 0.0, members[0].pk: 1.0}


def test_it_checks_a_member_in_with_the_events_qr_code(personas, lunch, members):
    token = services.checkin_token(lunch)
    rsvp = services.event_self_checkin(
        event=lunch, member=personas.ines, token=token, now=during(lunch)
    )
    assert (rsvp.attendance, rsvp.checked_in_via) == (Attendance.ATTENDED, "qr")
    with pytest.raises(services.AlreadyCheckedIn):
        services.event_self_checkin(event=lunch, member=personas.ines, token=token,
                                    now=during(lunch, 20))  # fmt: skip
    walk_in = services.event_self_checkin(
        event=lunch, member=personas.hugo, token=token, now=during(lunch)
    )
    assert (walk_in.status, walk_in.walk_in) == (RsvpStatus.GOING, True)


def test_it_refuses_a_wrong_code_a_code_too_early_or_too_late(personas, lunch):
    with pytest.raises(DomainError, match="not this event's"):
        services.event_self_checkin(event=lunch, member=personas.ines, token="x" * 24,
                                    now=during(lunch))  # fmt: skip
    token = services.checkin_token(lunch)
    with pytest.raises(DomainError, match="opens 30 minutes before"):
        services.event_self_checkin(event=lunch, member=personas.ines, token=token,
                                    now=lunch.starts_at - dt.timedelta(minutes=45))  # fmt: skip
    with pytest.raises(DomainError, match="is over"):
        services.event_self_checkin(event=lunch, member=personas.ines, token=token,
                                    now=lunch.ends_at + dt.timedelta(minutes=5))  # fmt: skip


def test_it_checks_in_through_the_page_the_qr_code_opens(login, personas, lunch):
    url = reverse("event_checkin", args=[lunch.pk, services.checkin_token(lunch)])
    with pytest.MonkeyPatch.context() as patch:
        from django.utils import timezone

        patch.setattr(timezone, "now", lambda: during(lunch))
        response = login(personas.ines).get(url)
    assert response.status_code == 200
    assert "You are checked in" in response.content.decode()
    assert rsvp_of(lunch, personas.ines).attendance == Attendance.ATTENDED


def test_it_takes_feedback_and_who_was_met_from_people_who_came(personas, lunch, members):
    for member in (personas.ines, members[0]):
        services.attendance_mark(rsvp=rsvp_of(lunch, member), present=True,
                                 by=personas.malik, now=during(lunch))  # fmt: skip
    after = lunch.ends_at + dt.timedelta(hours=2)
    services.feedback_give(event=lunch, member=personas.ines, rating=5, comment="Super !",
                           met=[members[0], personas.malik], now=after)  # fmt: skip
    assert Feedback.objects.get().rating == 5
    assert sorted(Encounter.objects.values_list("other_id", flat=True)) == sorted(
        [members[0].pk, personas.malik.pk]
    )
    met = Activity.objects.filter(kind=ActivityKind.MET).values_list(
        "member_id", "target_id", "payload"
    )
    assert sorted(met) == sorted([
        (personas.ines.pk, members[0].pk, {"event": lunch.pk}),
        (personas.ines.pk, personas.malik.pk, {"event": lunch.pk}),
    ])  # fmt: skip
    assert Activity.objects.get(kind=ActivityKind.FEEDBACK_GIVEN).payload["rating"] == 5


def test_it_refuses_feedback_twice_from_absentees_before_the_end_and_bad_ratings(
    personas, lunch, members
):
    services.attendance_mark(rsvp=rsvp_of(lunch, personas.ines), present=True,
                             by=personas.malik, now=during(lunch))  # fmt: skip
    after = lunch.ends_at + dt.timedelta(hours=1)
    with pytest.raises(DomainError, match="opens at the end"):
        services.feedback_give(event=lunch, member=personas.ines, rating=4, now=during(lunch))
    with pytest.raises(DomainError, match="Only the people who came"):
        services.feedback_give(event=lunch, member=members[1], rating=4, now=after)
    with pytest.raises(DomainError, match="from 1 to 5") as exc:
        services.feedback_give(event=lunch, member=personas.ines, rating=6, now=after)
    assert exc.value.field == "rating"
    with pytest.raises(DomainError, match="Sami Durand was not at this event"):
        services.feedback_give(event=lunch, member=personas.ines, rating=4, met=[members[1]],
                               now=after)  # fmt: skip
    assert not Feedback.objects.exists()
    assert not Activity.objects.filter(kind=ActivityKind.FEEDBACK_GIVEN).exists()
    services.feedback_give(event=lunch, member=personas.ines, rating=4, now=after)
    with pytest.raises(DomainError, match="already given"):
        services.feedback_give(event=lunch, member=personas.ines, rating=3, now=after)


def test_it_lets_hosts_and_staff_take_attendance_but_no_one_else(login, personas, lunch):
    url = reverse("event_attendance", args=[lunch.pk])
    assert login(personas.malik).get(url).status_code == 200
    assert login(personas.claire).get(url).status_code == 200
    assert login(personas.ines).get(url).status_code == 403
    assert login(personas.zoe).get(url).status_code == 404


def test_staff_read_what_people_said_and_members_do_not(login, personas, lunch, members):
    for member in (personas.ines, members[0]):
        services.attendance_mark(rsvp=rsvp_of(lunch, member), present=True,
                                 by=personas.malik, now=during(lunch))  # fmt: skip
    after = lunch.ends_at + dt.timedelta(hours=2)
    services.feedback_give(event=lunch, member=personas.ines, rating=5,
                           comment="Super <b>ambiance</b> !", now=after)  # fmt: skip
    services.feedback_give(event=lunch, member=members[0], rating=2, now=after)
    url = reverse("event_attendance", args=[lunch.pk])
    page = login(personas.malik).get(url).content.decode()
    assert "3.5 / 5 from 2 people" in page
    assert "Super &lt;b&gt;ambiance&lt;/b&gt; !" in page  # a comment is text, escaped
    assert "Ines Moreau · 5 / 5" in page
    summary = login(personas.malik).get(url).context["feedback"]
    assert summary.by_rating == [(5, 1), (4, 0), (3, 0), (2, 1), (1, 0)]
    assert [f.member for f in summary.comments] == [personas.ines]  # only those with words
    assert login(personas.ines).get(url).status_code == 403


def test_it_answers_a_tap_with_the_row_alone_to_htmx(login, personas, lunch):
    rsvp = rsvp_of(lunch, personas.ines)
    url = reverse("event_attendance_mark", args=[lunch.pk, rsvp.pk])
    with pytest.MonkeyPatch.context() as patch:
        from django.utils import timezone

        patch.setattr(timezone, "now", lambda: during(lunch))
        response = login(personas.malik).post(url, {"present": "1"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<li class="ev-row is-present"')
    assert "<html" not in page
