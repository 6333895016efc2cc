"""The content of each event email, in English and in French (the real French catalogue),
sent by the real worker: subjects and bodies go through gettext under the recipient's
language, and dates are French whatever the translation.
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from maillage.events import services
from maillage.events.models import EventVisibility, Rsvp

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(run_worker, django_capture_on_commit_callbacks):
    """Run `fn` with on-commit callbacks, then the worker; return the emails it sent (their
    subjects and bodies with ordinary spaces, see `plain`)."""

    def _run(fn, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        run_worker()
        for message in mail.outbox:
            message.subject, message.body = plain(message.subject), plain(message.body)
        return result, list(mail.outbox)

    return _run


def plain(text: str) -> str:
    """French typography puts a non-breaking space before ":", "!" and "?": compare words."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def speak(member, language):
    member.user.language = language
    member.user.save(update_fields=["language"])


def attachment(message) -> icalendar.Event:
    (name, content, mimetype) = message.attachments[0]
    assert name == "event.ics"
    assert mimetype.startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return event


@pytest.fixture
def lunch(make_event, rooms):
    return make_event(title="Déjeuner des coworkers", capacity=1, room=rooms.jacquard)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_it_confirms_an_rsvp_with_the_event_attached(personas, lunch, emails, language):
    speak(personas.ines, language)
    _, sent = emails(services.event_rsvp, event=lunch, member=personas.ines, status="going")
    (message,) = sent
    assert message.to == ["ines@example.org"]
    day = lunch.starts_at.astimezone(lunch.tz)
    if language == "en":
        assert message.subject == "You are going to Déjeuner des coworkers"
        assert message.body.startswith("Hello Ines,")
        assert f"When: {day:%A} {day.day} {day:%B %Y}, 12:30–13:30" in message.body
    else:
        assert message.subject == "Vous participez à Déjeuner des coworkers"
        assert message.body.startswith("Bonjour Ines,")
        with translation.override("fr"):
            from django.utils.formats import date_format

            assert f"Quand : {date_format(day, 'l j F Y')}, 12:30–13:30" in message.body
        assert "jeudi" in message.body
    assert (
        "Where: Salle Jacquard, La Filature" in message.body
        or "Salle Jacquard, La Filature" in message.body
    )
    assert f"/events/{lunch.pk}/" in message.body
    assert "/events/notifications/" in message.body
    assert str(attachment(message)["SUMMARY"]) == "Déjeuner des coworkers"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_it_tells_a_member_they_are_on_the_waiting_list_then_promoted(
    personas, lunch, emails, language, members
):
    speak(members[0], language)
    first, _ = emails(services.event_rsvp, event=lunch, member=personas.ines, status="going")
    _, sent = emails(services.event_rsvp, event=lunch, member=members[0], status="going")
    (waiting,) = sent
    expected = {
        "en": ("You are on the waiting list for Déjeuner des coworkers",
               "A place freed up: you are going to Déjeuner des coworkers"),
        "fr": ("Vous êtes sur la liste d’attente de Déjeuner des coworkers",
               "Une place s’est libérée : vous participez à Déjeuner des coworkers"),
    }[language]  # fmt: skip
    assert waiting.subject == expected[0]
    assert {"en": "you are on the waiting list", "fr": "vous êtes donc sur la liste d’attente"}[
        language
    ] in waiting.body
    assert not waiting.attachments
    _, sent = emails(services.rsvp_cancel, rsvp=first)
    (promoted,) = sent
    assert promoted.to == ["lea@example.org"]
    assert promoted.subject == expected[1]
    assert {
        "en": "a place freed up and it is yours",
        "fr": "une place s’est libérée et elle est pour vous",
    }[language] in promoted.body
    assert attachment(promoted)["UID"] == f"event-{lunch.pk}@127.0.0.1"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_it_reminds_people_going_the_day_before(personas, make_event, emails, language, day):
    speak(personas.ines, language)
    event = make_event(title="Atelier Figma")
    answered = event.starts_at - dt.timedelta(days=3)
    services.event_rsvp(event=event, member=personas.ines, status="going", now=answered)
    Rsvp.objects.update(updated_at=answered)
    the_day_before = event.starts_at - dt.timedelta(hours=20)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: the_day_before)
        _, sent = emails(call_command, "events_tick", verbosity=0)
    (reminder,) = sent
    local = event.starts_at.astimezone(event.tz)
    if language == "en":
        assert (
            reminder.subject
            == f"Reminder: Atelier Figma, {local:%A} {local.day} {local:%B} at 12:30"
        )
        assert "you are going to this event tomorrow" in reminder.body
    else:
        assert reminder.subject.startswith("Rappel : Atelier Figma, jeudi")
        assert reminder.subject.endswith("à 12:30")
        assert "vous participez à cet événement demain" in reminder.body
    assert attachment(reminder)["SUMMARY"] == "Atelier Figma"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: the_day_before + dt.timedelta(hours=1))
        _, again = emails(call_command, "events_tick", verbosity=0)
    assert again == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_it_tells_attendees_of_a_change_and_of_a_cancellation(
    personas, make_event, emails, language
):
    speak(personas.ines, language)
    event = make_event(title="Atelier Figma")
    emails(services.event_rsvp, event=event, member=personas.ines, status="going")
    event, sent = emails(
        services.event_update, event=event, by=personas.malik,
        starts_at=event.starts_at + dt.timedelta(hours=1), ends_at=event.ends_at + dt.timedelta(hours=1),
    )  # fmt: skip
    (changed,) = sent
    assert (
        changed.subject
        == {"en": "Changed: Atelier Figma", "fr": "Modifié : Atelier Figma"}[language]
    )
    assert "13:30–14:30" in changed.body
    assert {"en": "has changed", "fr": "a changé"}[language] in changed.body
    assert int(attachment(changed)["SEQUENCE"]) == 1
    _, sent = emails(services.event_cancel, event=event, by=personas.malik, reason="Grève des TCL")
    (cancelled,) = sent
    assert (
        cancelled.subject
        == {"en": "Cancelled: Atelier Figma", "fr": "Annulé : Atelier Figma"}[language]
    )
    assert "Grève des TCL" in cancelled.body
    assert {"en": "this event is cancelled", "fr": "cet événement est annulé"}[language] in (
        cancelled.body
    )
    assert str(attachment(cancelled)["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_change_tells_the_waiting_list_without_promising_them_a_place(
    personas, lunch, emails, language
):
    """The event of a change email goes into calendars as the person's place stands: a place
    on the waiting list is TENTATIVE, with the words before the title (not CONFIRMED)."""
    speak(personas.hugo, language)
    emails(services.event_rsvp, event=lunch, member=personas.ines, status="going")
    emails(services.event_rsvp, event=lunch, member=personas.hugo, status="going")  # waits
    _, sent = emails(
        services.event_update, event=lunch, by=personas.malik,
        starts_at=lunch.starts_at + dt.timedelta(hours=1),
        ends_at=lunch.ends_at + dt.timedelta(hours=1),
    )  # fmt: skip
    by_address = {message.to[0]: attachment(message) for message in sent}
    going, waiting = by_address[personas.ines.user.email], by_address[personas.hugo.user.email]
    assert str(going["STATUS"]) == "CONFIRMED"
    assert str(going["SUMMARY"]) == "Déjeuner des coworkers"
    assert str(waiting["STATUS"]) == "TENTATIVE"
    word = {"en": "Waiting list", "fr": "Liste d’attente"}[language]
    assert plain(str(waiting["SUMMARY"])) == f"({word}) Déjeuner des coworkers"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_it_asks_a_visitor_to_confirm_by_email_then_confirms(
    client, personas, make_event, emails, language
):
    event = make_event(title="Portes ouvertes", visibility=EventVisibility.PUBLIC)
    rsvp, sent = emails(
        services.public_rsvp_request, event=event, name="Camille Petit",
        email="camille@example.net", ip="203.0.113.5", language=language,
    )  # fmt: skip
    (link,) = sent
    assert link.to == ["camille@example.net"]
    assert link.subject == {
        "en": "Confirm your place at Portes ouvertes", "fr": "Confirmez votre place à Portes ouvertes"
    }[language]  # fmt: skip
    token = services.public_token(rsvp)
    assert f"/events/rsvp/{token}/confirm/" in link.body
    assert {"en": "Confirm it with this link", "fr": "Confirmez-la avec ce lien"}[language] in (
        link.body
    )
    assert not link.attachments
    _, sent = emails(services.public_rsvp_confirm, token=token)
    (confirmation,) = sent
    assert confirmation.subject == {
        "en": "You are going to Portes ouvertes", "fr": "Vous participez à Portes ouvertes"
    }[language]  # fmt: skip
    assert f"/events/rsvp/{token}/cancel/" in confirmation.body
    assert "/events/notifications/" not in confirmation.body


def test_it_respects_each_members_choice_of_emails(personas, lunch, emails, members):
    speak(members[0], "en")
    services.notification_preferences_update(member=personas.ines, confirmations=False)
    services.notification_preferences_update(member=members[0], promotions=False)
    first, sent = emails(services.event_rsvp, event=lunch, member=personas.ines, status="going")
    assert sent == []
    _, sent = emails(services.event_rsvp, event=lunch, member=members[0], status="going")
    assert [m.subject for m in sent] == ["You are on the waiting list for Déjeuner des coworkers"]
    _, sent = emails(services.rsvp_cancel, rsvp=first)
    assert sent == []


def test_it_sends_nothing_stale_when_the_answer_changed_before_the_worker_ran(
    personas, lunch, run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rsvp = services.event_rsvp(event=lunch, member=personas.ines, status="going")
        services.rsvp_cancel(rsvp=rsvp)
    run_worker()
    assert mail.outbox == []


def test_it_never_sends_the_same_email_twice(personas, lunch, run_worker):
    from maillage.events.services.notifications import rsvp_notice_send

    rsvp = services.event_rsvp(event=lunch, member=personas.ines, status="going")
    assert rsvp_notice_send(rsvp_id=rsvp.pk) == "confirmation"
    assert rsvp_notice_send(rsvp_id=rsvp.pk) == ""
    assert len(mail.outbox) == 1
