"""A space invites a person by email; the person signs up from the link, once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from maillage.core.models import Activity, Member, Role
from maillage.members import services
from maillage.members.models import Invitation, User

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}  # these tests read the English messages

SIGNUP = {
    "full_name": "Léa Fournier",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}


def invite(personas, email="lea@example.org", **kwargs):
    return services.invitation_create(
        space=personas.filature, email=email, invited_by=personas.malik, **kwargs
    )


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^\s]+/)", message.body).group(1)


def test_it_emails_the_invitation_link_from_the_staff_page(
    login, personas, django_capture_on_commit_callbacks, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(personas.malik).post(
            "/staff/invitations/",
            {
                "email": "Lea@Example.org",
                "full_name": "Léa",
                "space": personas.filature.pk,
                "role": "member",
            },
        )
    assert response.status_code == 302
    assert mail.outbox == []  # sent by the worker, not in the request
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.org"]
    assert "La Filature" in message.subject
    assert "/invitations/" in message.body
    assert Invitation.objects.get().email == "lea@example.org"
    token = link_path(message).split("/")[2]
    assert services.invitation_check(token).email == "lea@example.org"


def test_it_signs_up_from_the_invitation_and_joins_the_space(client, personas):
    _, token = invite(personas, send=False)
    response = client.get(f"/invitations/{token}/", headers=EN)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signup/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'value="lea@example.org"' in page.content.decode()
    done = client.post("/accounts/signup/", {**SIGNUP, "email": "lea@example.org"})
    assert done.status_code == 302
    user = User.objects.get(email="lea@example.org")
    assert user.full_name == "Léa Fournier"
    assert EmailAddress.objects.get(user=user).verified  # the link proved the address
    member = Member.objects.get(user=user)
    assert (member.operator, member.home_space, member.role) == (
        personas.ruche,
        personas.filature,
        Role.MEMBER,
    )
    assert Activity.objects.filter(member=member, kind="joined").count() == 1
    assert client.get("/").context["member"] == member


def test_it_says_plainly_that_a_link_was_already_used(client, personas):
    _, token = invite(personas, send=False)
    client.get(f"/invitations/{token}/")
    client.post("/accounts/signup/", {**SIGNUP, "email": "lea@example.org"})
    client.logout()
    again = client.get(f"/invitations/{token}/", headers=EN)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert Member.objects.filter(user__email="lea@example.org").count() == 1


def test_it_says_plainly_that_a_link_expired(client, personas):
    invitation, token = invite(personas, send=False)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.get(f"/invitations/{token}/", headers=EN)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_it_says_plainly_that_a_tampered_link_is_not_valid(client, personas):
    _, token = invite(personas, send=False)
    response = client.get(f"/invitations/{token[:-2]}xy/", headers=EN)
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_it_says_plainly_that_a_withdrawn_link_cannot_be_used(client, personas):
    invitation, token = invite(personas, send=False)
    services.invitation_revoke(invitation=invitation)
    response = client.get(f"/invitations/{token}/", headers=EN)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_it_refuses_sign_up_without_an_invitation(client, db):
    client.post("/accounts/signup/", {**SIGNUP, "email": "intruder@example.org"})
    assert not User.objects.filter(email="intruder@example.org").exists()


def test_it_refuses_sign_up_with_another_address_than_the_invited_one(client, personas):
    _, token = invite(personas, send=False)
    client.get(f"/invitations/{token}/")
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "someone-else@example.org"})
    assert response.status_code == 200
    assert "lea@example.org" in response.content.decode()
    assert not User.objects.filter(email="someone-else@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_it_lets_an_existing_account_accept_by_logging_in(login, personas):
    invitation = services.invitation_create(
        space=personas.grenier_space, email=personas.ines.user.email, send=False
    )
    client = login(personas.ines)
    token = invitation[1]
    assert client.get(f"/invitations/{token}/").status_code == 200
    client.post(f"/invitations/{token}/")
    assert Member.objects.filter(user=personas.ines.user, operator=personas.grenier).exists()


def test_it_refuses_to_invite_an_existing_member_or_a_bad_address(personas):
    with pytest.raises(services.DomainError):
        invite(personas, email=personas.ines.user.email)
    with pytest.raises(services.DomainError):
        invite(personas, email="not-an-address")
    assert not Invitation.objects.exists()


def test_it_lets_managers_invite_only_members_and_guests(login, personas):
    response = login(personas.malik).post(
        "/staff/invitations/",
        {"email": "boss@example.org", "space": personas.filature.pk, "role": "admin"},
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_it_refuses_to_invite_to_a_space_the_manager_does_not_run(login, personas):
    response = login(personas.malik).post(
        "/staff/invitations/",
        {"email": "x@example.org", "space": personas.quai.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "space" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_it_hides_another_operators_invitations(login, personas):
    invitation, _ = invite(personas, send=False)
    client = login(personas.zoe)
    assert "lea@example.org" not in client.get("/staff/invitations/").content.decode()
    assert client.post(f"/staff/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "You are invited to join La Filature"),
        ("fr", "Vous êtes invité·e à rejoindre La Filature"),
    ],
)
def test_it_writes_the_invitation_email_in_the_chosen_language(
    personas, django_capture_on_commit_callbacks, run_worker, language, subject
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(personas, language=language)
    run_worker()
    assert mail.outbox[0].subject.startswith(subject)


def test_the_list_shows_each_person_once_as_they_stand_now(login, personas):
    first, _ = invite(personas, email="lea@example.org", send=False)
    again, _ = invite(personas, email="lea@example.org", send=False)  # replaces the first
    invite(personas, email="sami@example.org", send=False)
    first.refresh_from_db()
    assert first.revoked_at is not None and again.revoked_at is None
    response = login(personas.malik).get("/staff/invitations/")
    listed = response.context["invitations"]
    assert [i.email for i in listed] == ["sami@example.org", "lea@example.org"]
    assert listed[1].pk == again.pk  # the pending one, not the one it replaced
    assert response.content.decode().count("lea@example.org") == 1
