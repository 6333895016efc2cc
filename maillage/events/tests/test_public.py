"""Visitors: the public page of a public event, its RSVP form (double opt-in), spam."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from maillage.core.errors import DomainError
from maillage.events import services
from maillage.events.models import EventVisibility, PublicRsvpAttempt, Rsvp, RsvpStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_day(make_event):
    return make_event(
        title="Portes ouvertes", visibility=EventVisibility.PUBLIC, capacity=1, max_guests=1
    )


def ask(event, email="camille@example.net", ip="203.0.113.5", **kw):
    kw.setdefault("name", "Camille Petit")
    return services.public_rsvp_request(event=event, email=email, ip=ip, **kw)


def test_it_shows_a_public_event_and_its_form_to_an_anonymous_visitor(client, open_day):
    response = client.get(reverse("event_detail", args=[open_day.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Portes ouvertes" in page
    assert 'name="email"' in page
    assert 'class="ev-hp"' in page  # the honeypot, hidden from people


def test_it_hides_a_members_event_from_visitors(client, make_event):
    event = make_event()
    assert client.get(reverse("event_detail", args=[event.pk])).status_code == 404
    response = client.post(
        reverse("event_public_rsvp", args=[event.pk]), {"name": "X", "email": "x@example.net"}
    )
    assert response.status_code == 404


def test_it_takes_a_seat_only_once_the_email_is_confirmed(client, open_day):
    response = client.post(
        reverse("event_public_rsvp", args=[open_day.pk]),
        {"name": "Camille Petit", "email": "Camille@Example.net"},
    )
    assert "Check your inbox" in response.content.decode()
    rsvp = Rsvp.objects.get()
    assert (rsvp.status, rsvp.email) == (RsvpStatus.PENDING, "camille@example.net")
    open_day.refresh_from_db()
    assert open_day.going_count == 0
    url = reverse("event_public_confirm", args=[services.public_token(rsvp)])
    assert client.get(url).status_code == 200  # a mail scanner opening the link changes nothing
    assert Rsvp.objects.get().status == RsvpStatus.PENDING
    client.post(url)
    assert Rsvp.objects.get().status == RsvpStatus.GOING
    client.post(url)  # a second click changes nothing
    open_day.refresh_from_db()
    assert open_day.going_count == 1


def test_it_puts_a_confirmed_visitor_on_the_waiting_list_and_promotes_on_cancel(personas, open_day):
    member = services.event_rsvp(event=open_day, member=personas.ines, status="going")
    rsvp = ask(open_day)
    assert services.public_rsvp_confirm(token=services.public_token(rsvp)).status == (
        RsvpStatus.WAITLISTED
    )
    services.rsvp_cancel(rsvp=member)
    assert Rsvp.objects.get(pk=rsvp.pk).status == RsvpStatus.GOING
    services.public_rsvp_cancel(token=services.public_token(rsvp))
    assert Rsvp.objects.get(pk=rsvp.pk).status == RsvpStatus.NOT_GOING


def test_it_pretends_success_to_a_bot_that_fills_the_honeypot_and_keeps_nothing(
    client, open_day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("event_public_rsvp", args=[open_day.pk]),
            {"name": "Bot", "email": "bot@example.net", "website": "http://spam.example"},
        )
    assert "Check your inbox" in response.content.decode()
    assert not Rsvp.objects.exists()
    assert mail.outbox == []


def test_it_limits_answers_per_connection_and_per_address(open_day):
    for n in range(5):
        ask(open_day, email=f"person{n}@example.net")
    with pytest.raises(DomainError, match="Too many answers from your connection"):
        ask(open_day, email="sixth@example.net")
    for n in range(3):  # asking again for a pending answer re-sends the link
        ask(open_day, ip=f"198.51.100.{n}")
    with pytest.raises(DomainError, match="for this email address today") as exc:
        ask(open_day, ip="198.51.100.9")
    assert exc.value.field == "email"
    assert Rsvp.objects.count() == 6
    assert not PublicRsvpAttempt.objects.filter(email_hash__icontains="camille").exists()


def test_it_explains_a_bad_name_email_guests_or_a_second_answer(open_day):
    with pytest.raises(DomainError, match="valid email") as exc:
        ask(open_day, email="not-an-email")
    assert exc.value.field == "email"
    with pytest.raises(DomainError, match="Give your name"):
        ask(open_day, name=" ", email="a@example.net")
    with pytest.raises(DomainError, match="1 guest at most"):
        ask(open_day, email="b@example.net", guests=2)
    rsvp = ask(open_day, email="c@example.net", ip="192.0.2.1")
    services.public_rsvp_confirm(token=services.public_token(rsvp))
    with pytest.raises(DomainError, match="already answered"):
        ask(open_day, email="c@example.net", ip="192.0.2.2")
    assert Rsvp.objects.count() == 1


def test_it_refuses_a_forged_link(client, open_day):
    rsvp = ask(open_day)
    token = services.public_token(rsvp)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    response = client.post(reverse("event_public_confirm", args=[forged]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert Rsvp.objects.get().status == RsvpStatus.PENDING


def test_it_lists_a_spaces_public_events_for_everyone(client, make_event, open_day):
    make_event(title="Réservé aux membres", start="14:00", end="15:00")
    page = client.get(reverse("event_space", args=["la-filature"])).content.decode()
    assert "Portes ouvertes" in page
    assert "Réservé aux membres" not in page


def test_the_space_page_shows_its_public_events_only(client, personas, open_day, make_event):
    make_event(title="Déjeuner entre membres", start="18:00", end="19:00")  # members only
    page = client.get(reverse("space_public", args=[personas.filature.slug])).content.decode()
    assert "Portes ouvertes" in page
    assert reverse("event_detail", args=[open_day.pk]) in page
    assert "Déjeuner entre membres" not in page
    assert reverse("event_space", args=[personas.filature.slug]) in page
    # No figures published by the operator: no link to an empty page.
    assert reverse("insights_transparency", args=[personas.ruche.slug]) not in page
