"""A member writes to another from her profile: emailed by the worker, no address shown."""

from __future__ import annotations

import pytest
from django.core import mail

from maillage.members.models import ContactMessage, Visibility
from maillage.members.services import profiles as services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings, personas):
    """Assertions read the English source strings, whatever the French catalogue says."""
    from django.utils import translation

    from maillage.members.models import User

    settings.LANGUAGE_CODE = "en"
    User.objects.update(language="en")
    with translation.override("en"):
        yield


MESSAGE = "Bonjour Inès, pourriez-vous auditer notre site ? Hugo"


@pytest.fixture
def ines_profile(personas):
    profile = services.profile_get_or_create(personas.ines)
    services.offer_publish(profile=profile, title="Accessibility audit")
    return profile


def test_it_emails_the_message_through_the_worker_with_reply_to_the_sender(
    login, personas, ines_profile, django_capture_on_commit_callbacks, run_worker
):
    client = login(personas.hugo)
    page = client.get(f"/members/{personas.ines.pk}/").content.decode()
    assert 'id="contact"' in page
    assert "ines@example.org" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/members/{personas.ines.pk}/contact/", {"message": MESSAGE})
    assert response.status_code == 302
    assert mail.outbox == []  # sent by the worker, not in the request
    run_worker()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ines@example.org"]
    assert email.reply_to == ["hugo@example.org"]
    assert "Hugo Lefevre" in email.subject
    assert MESSAGE in email.body
    assert "Le Quai" in email.body
    after = client.get(response["Location"]).content.decode()
    assert "Message sent to Ines" in after
    assert "ines@example.org" not in after
    assert ContactMessage.objects.get().sent_at is not None


def test_it_sends_each_message_once_even_if_the_task_runs_twice(personas, ines_profile):
    contact = services.profile_contact(
        sender_member=personas.hugo, profile=ines_profile, message=MESSAGE
    )
    assert services.contact_message_send(contact=contact) is True
    contact.refresh_from_db()
    assert services.contact_message_send(contact=contact) is False
    assert len(mail.outbox) == 1


def test_it_answers_htmx_with_the_contact_card_only(login, personas, ines_profile):
    response = login(personas.hugo).post(
        f"/members/{personas.ines.pk}/contact/",
        {"message": MESSAGE},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "<html" not in page and 'id="contact"' in page
    assert "Message sent to Ines" in page


def test_it_limits_each_sender_to_ten_messages_a_day(login, personas, ines_profile):
    client = login(personas.hugo)
    for n in range(services.CONTACT_PER_DAY):
        assert (
            client.post(
                f"/members/{personas.ines.pk}/contact/", {"message": f"{MESSAGE} {n}"}
            ).status_code
            == 302
        )
    refused = client.post(f"/members/{personas.ines.pk}/contact/", {"message": MESSAGE})
    assert refused.status_code == 400
    assert "Try again tomorrow" in refused.content.decode()
    assert ContactMessage.objects.count() == services.CONTACT_PER_DAY


def test_it_refuses_an_empty_or_too_short_message(login, personas, ines_profile):
    response = login(personas.hugo).post(f"/members/{personas.ines.pk}/contact/", {"message": "hi"})
    assert response.status_code == 400
    assert "10 characters at least" in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_it_does_not_offer_to_write_to_oneself(login, personas, ines_profile):
    client = login(personas.ines)
    assert 'id="contact"' not in client.get(f"/members/{personas.ines.pk}/").content.decode()
    assert (
        client.post(f"/members/{personas.ines.pk}/contact/", {"message": MESSAGE}).status_code
        == 404
    )


def test_it_does_not_let_someone_write_to_a_profile_they_cannot_see(login, personas, ines_profile):
    # Everything at "operator" level: Zoé, of another operator, sees nothing of Inès.
    response = login(personas.zoe).post(
        f"/members/{personas.ines.pk}/contact/", {"message": MESSAGE}
    )
    assert response.status_code == 404
    assert not ContactMessage.objects.exists()


def test_it_asks_visitors_to_log_in_to_write(client, personas, ines_profile):
    services.profile_set_visibility(profile=ines_profile, offers=Visibility.PUBLIC)
    page = client.get(f"/members/{personas.ines.pk}/").content.decode()
    assert "/accounts/login/?next=" in page and "<textarea" not in page
    response = client.post(f"/members/{personas.ines.pk}/contact/", {"message": MESSAGE})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ContactMessage.objects.exists()


def test_it_lets_a_member_of_the_network_write_to_a_public_profile(
    login, personas, ines_profile, django_capture_on_commit_callbacks, run_worker
):
    services.profile_set_visibility(profile=ines_profile, offers=Visibility.NETWORK)
    with django_capture_on_commit_callbacks(execute=True):
        login(personas.zoe).post(f"/members/{personas.ines.pk}/contact/", {"message": MESSAGE})
    run_worker()
    assert mail.outbox[0].reply_to == ["zoe@example.org"]
    # Zoé's own profile is not visible to Inès: the email carries no link to it.
    assert "/members/" not in mail.outbox[0].body
