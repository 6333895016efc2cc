"""The event pages through HTTP, as the personas."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from maillage.events import services
from maillage.events.models import Event, EventStatus, EventVisibility, Rsvp, RsvpStatus

pytestmark = pytest.mark.django_db


def proposal(day, **extra):
    data = {
        "title": "Atelier Figma pour débutants",
        "kind": "workshop",
        "visibility": "members",
        "day": day.isoformat(),
        "start": "12:30",
        "end": "13:30",
        "capacity": "8",
        "max_guests": "0",
        "description": "On apprend les **bases**.",
    }
    data.update(extra)
    return data


def test_it_lists_upcoming_events_by_day_with_the_members_answers(
    login, personas, make_event, django_assert_max_num_queries
):
    for n in range(5):
        event = make_event(title=f"Déjeuner {n}", start=f"{9 + n}:00", end=f"{10 + n}:00")
    services.event_rsvp(event=event, member=personas.ines, status="going")
    client = login(personas.ines)
    client.get(reverse("event_list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("event_list"))
    page = response.content.decode()
    assert page.count('class="ev-item ') == 5
    assert page.count('class="ev-day"') == 1
    assert "Going" in page


def test_it_sends_a_visitor_to_log_in_from_the_members_list(client):
    response = client.get(reverse("event_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_member_proposes_an_event_and_the_manager_approves_it(login, personas, day, rooms):
    response = login(personas.ines).post(
        reverse("event_propose"),
        proposal(day, space=personas.filature.pk, room=rooms.jacquard.pk),
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("event_detail", args=[event.pk])
    assert event.status == EventStatus.PROPOSED
    assert event.starts_at.astimezone(event.tz).strftime("%H:%M") == "12:30"
    staff_page = login(personas.malik).get(reverse("staff_events")).content.decode()
    assert "Atelier Figma pour débutants" in staff_page
    assert "proposed by Ines Moreau" in staff_page
    login(personas.malik).post(
        reverse("staff_event_decide", args=[event.pk]), {"decision": "approve"}
    )
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.booking is not None
    page = login(personas.hugo).get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "<strong>bases</strong>" in page


def test_it_shows_the_services_refusal_on_the_form(login, personas, day, rooms):
    response = login(personas.ines).post(
        reverse("event_propose"),
        proposal(day, space=personas.filature.pk, room=rooms.canuts.pk, capacity="9"),
    )
    assert response.status_code == 200
    assert "Salle des Canuts holds 4 people" in response.content.decode()
    assert not Event.objects.exists()


def test_an_evening_may_go_past_midnight_but_not_an_end_before_the_start(login, personas, day):
    client = login(personas.malik)
    refused = client.post(
        reverse("event_propose"), proposal(day, space=personas.filature.pk, start="18:00",
                                           end="10:00", capacity="")
    )  # fmt: skip
    assert refused.status_code == 200
    assert "ends before it starts" in refused.context["form"].errors["end"][0]
    assert not Event.objects.exists()
    client.post(
        reverse("event_propose"),
        proposal(day, space=personas.filature.pk, start="20:00", end="02:00", capacity="",
                 title="Nuit des jeux"),
    )  # fmt: skip
    event = Event.objects.get()
    assert (event.ends_at - event.starts_at) == dt.timedelta(hours=6)
    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "20:00–02:00 (next day)" in page


def test_it_lets_staff_repeat_an_event_from_the_form_but_explains_an_endless_rule(
    login, personas, day
):
    data = proposal(day, space=personas.filature.pk, repeat="custom", rule="FREQ=WEEKLY")
    page = login(personas.malik).post(reverse("event_propose"), data).content.decode()
    assert "A repeating event must end" in page
    assert not Event.objects.exists()
    data = proposal(day, space=personas.filature.pk, repeat="weekly", repeat_count="3",
                    exceptions=(day + dt.timedelta(weeks=1)).isoformat())  # fmt: skip
    login(personas.malik).post(reverse("event_propose"), data)
    assert Event.objects.count() == 2
    assert (
        'name="repeat"' not in login(personas.ines).get(reverse("event_propose")).content.decode()
    )


def test_it_takes_a_cover_image_and_stores_it_as_webp(login, personas, day, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), "#c75a2a").save(buffer, "PNG")
    cover = SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")
    login(personas.malik).post(
        reverse("event_propose"), {**proposal(day, space=personas.filature.pk), "cover": cover}
    )
    event = Event.objects.get()
    assert event.cover.name.endswith(".webp")
    with Image.open(event.cover.path) as image:
        assert image.size == (1600, 800)


def test_it_answers_an_event_from_its_page(login, personas, make_event, members):
    event = make_event(capacity=1)
    services.event_rsvp(event=event, member=members[0], status="going")
    client = login(personas.ines)
    response = client.post(reverse("event_rsvp", args=[event.pk]), {"status": "going"}, follow=True)
    assert "you are on the waiting list" in response.content.decode()
    assert Rsvp.objects.get(member=personas.ines).status == RsvpStatus.WAITLISTED
    response = client.post(reverse("event_rsvp", args=[event.pk]), {"status": "going"}, follow=True)
    assert "You are already on the waiting list." in response.content.decode()


def test_it_refuses_answers_from_outsiders_and_visitors(client, login, personas, make_event):
    event = make_event()
    url = reverse("event_rsvp", args=[event.pk])
    assert login(personas.zoe).post(url, {"status": "going"}).status_code == 404
    client.logout()
    assert client.post(url, {"status": "going"}).status_code == 302
    assert not Rsvp.objects.exists()


def test_it_lets_a_host_edit_and_cancel_their_event(login, personas, make_event):
    event = make_event(by=personas.ines)
    services.event_approve(event=event, by=personas.malik)
    client = login(personas.ines)
    local = event.starts_at.astimezone(event.tz)
    data = proposal(local.date(), space=personas.filature.pk, title="Atelier Figma (avancé)")
    assert client.post(reverse("event_edit", args=[event.pk]), data).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.sequence) == ("Atelier Figma (avancé)", 1)
    client.post(reverse("event_cancel", args=[event.pk]), {"reason": "Empêchée"})
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert login(personas.hugo).get(reverse("event_edit", args=[event.pk])).status_code == 403
    page = login(personas.hugo).get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "This event is cancelled: there is nothing to answer." in page
    assert "Are you coming?" not in page and 'name="status"' not in page


def test_it_says_where_one_stands_and_only_hands_a_place_on_when_it_does(
    login, personas, make_event, members
):
    event = make_event(title="Petit-déjeuner", capacity=1)
    first, second = members[0], members[1]
    services.event_rsvp(event=event, member=personas.hugo, status="going")
    services.event_rsvp(event=event, member=first, status="going")  # waiting, first
    services.event_rsvp(event=event, member=second, status="going")  # waiting, second
    url = reverse("event_detail", args=[event.pk])
    assert "after 1 person" in login(second).get(url).content.decode()
    assert "If a place frees up, it is yours" in login(first).get(url).content.decode()
    # Saying "not going" without a place hands nothing on, and says nothing of the kind.
    services.event_rsvp(event=event, member=personas.ines, status="maybe")
    client = login(personas.ines)
    answer = client.post(reverse("event_rsvp", args=[event.pk]), {"status": "not_going"},
                         follow=True)  # fmt: skip
    assert "Noted: you are not going." in answer.content.decode()
    assert "Your place goes to the next person" not in answer.content.decode()
    client = login(personas.hugo)
    answer = client.post(reverse("event_rsvp", args=[event.pk]), {"status": "not_going"},
                         follow=True)  # fmt: skip
    assert "Your place goes to the next person" in answer.content.decode()
    assert "If a place frees up, it is yours" in login(second).get(url).content.decode()


def test_it_shows_my_events_and_asks_for_feedback_after_the_event(
    login, personas, make_event, members
):
    event = make_event(title="Déjeuner passé")
    services.event_rsvp(event=event, member=personas.ines, status="going")
    Event.objects.filter(pk=event.pk).update(
        starts_at=event.starts_at - dt.timedelta(days=10),
        ends_at=event.ends_at - dt.timedelta(days=10),
    )
    page = login(personas.ines).get(reverse("event_mine")).content.decode()
    assert "Tell us how it went" in page
    assert reverse("event_feedback", args=[event.pk]) in page
    response = login(personas.ines).post(
        reverse("event_feedback", args=[event.pk]), {"rating": "4", "met": [str(personas.malik.pk)]}
    )
    assert response.status_code == 302
    assert (
        "Tell us how it went"
        not in login(personas.ines).get(reverse("event_mine")).content.decode()
    )


def test_it_saves_a_members_choice_of_emails(login, personas):
    client = login(personas.ines)
    client.post(reverse("event_notifications"), {"confirmations": "on", "changes": "on"})
    preferences = services.preferences_for(personas.ines)
    assert (preferences.confirmations, preferences.reminders, preferences.promotions) == (
        True, False, False
    )  # fmt: skip


def test_it_shows_the_staff_qr_code_and_the_staff_list(login, personas, make_event):
    event = make_event(visibility=EventVisibility.NETWORK)
    page = login(personas.malik).get(reverse("event_qr", args=[event.pk])).content.decode()
    assert "<svg" in page
    assert login(personas.ines).get(reverse("event_qr", args=[event.pk])).status_code == 403
    assert login(personas.ines).get(reverse("staff_events")).status_code == 403
    assert login(personas.claire).get(reverse("staff_events")).status_code == 200


def test_the_navigation_marks_events_as_the_current_page(login, personas, make_event):
    event = make_event()
    page = login(personas.ines).get(reverse("event_detail", args=[event.pk])).content.decode()
    assert f'href="{reverse("event_list")}" aria-current="page"' in page
