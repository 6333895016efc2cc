"""A person's own data: a copy to download, and deleting their account (RGPD art. 15, 17, 20)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from maillage.core.models import Activity, MemberNote
from maillage.core.services import activity_record
from maillage.events import services as events_services
from maillage.events.models import Feedback, Rsvp
from maillage.members.models import ContactMessage, Profile
from maillage.members.services import privacy
from maillage.members.services.profiles import profile_get_or_create as profile_for
from maillage.workspace import services as workspace_services
from maillage.workspace.models import Booking, Resource, ResourceKind

EVERY_DAY = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts password attempts in the cache, per account: start each test at zero
    (accounts get the same ids again from one test to the next)."""
    from django.core.cache import cache

    cache.clear()


def test_every_link_to_a_person_is_exported_or_explained():
    """A new model that points at a member, an account or a profile must say whether a
    person's copy of their data holds it (EXPORTED) or why not (NOT_EXPORTED)."""
    seen = set()
    for model, field in privacy.person_models():
        label = model._meta.label
        seen.add(f"{label}.{field.name}")
        assert field.name in privacy.EXPORTED.get(label, ()) or (
            f"{label}.{field.name}" in privacy.NOT_EXPORTED
        ), (
            f"{label}.{field.name}: add it to EXPORTED or NOT_EXPORTED in members/services/privacy.py"
        )
    named = {f"{label}.{name}" for label, names in privacy.EXPORTED.items() for name in names}
    assert named | set(privacy.NOT_EXPORTED) <= seen  # nothing named that is not a real link


@pytest.fixture
def lived_in(personas):
    """Ines with a profile, a booking to come, a place at a full event, a team note, a
    message to Hugo, feedback on a past event, and a line in the ledger; Hugo with his own."""
    space = personas.filature
    space.opening_hours = EVERY_DAY
    space.save(update_fields=["opening_hours"])
    ines, hugo = personas.ines, personas.hugo
    profile = profile_for(ines)
    profile.headline = "Graphiste indépendante"
    profile.bio = "J'aime les affiches."
    profile.save()
    other = profile_for(hugo)
    other.headline = "Développeur, secret de Hugo"
    other.save()
    room = Resource.objects.create(space=space, kind=ResourceKind.ROOM, name="Salle T", capacity=4)
    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=3), dt.time(10), tzinfo=space.tz
    )
    booking = workspace_services.booking_create(
        resource=room, member=ines, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        title="Rendez-vous avec ma banquière",
    )  # fmt: skip
    event = events_services.event_propose(
        proposer=personas.malik, operator=personas.ruche, space=space, title="Déjeuner",
        kind="lunch", starts_at=start + dt.timedelta(hours=2),
        ends_at=start + dt.timedelta(hours=3), capacity=1,
    )  # fmt: skip
    events_services.event_rsvp(event=event, member=ines, status="going")
    events_services.event_rsvp(event=event, member=hugo, status="going")  # waits
    MemberNote.objects.create(member=ines, author=personas.malik, body="Préfère le calme")
    MemberNote.objects.create(member=hugo, author=personas.malik, body="Note sur Hugo seulement")
    ContactMessage.objects.create(sender=ines, recipient=other, body="Bonjour Hugo !")
    activity_record(member=ines, kind="checked_in", space=space)
    Feedback.objects.create(event=event, member=ines, rating=5, comment="Super, merci Malik")
    mail.outbox.clear()
    return {"booking": booking, "event": event}


def test_the_copy_holds_my_data_and_nobody_else_s(login, personas, lived_in):
    response = login(personas.ines).get("/me/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="maillage-my-data-')
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    data = json.loads(text)
    assert data["format"] == privacy.FORMAT
    assert data["account"]["email"] == "ines@example.org"
    records = data["records"]
    assert records["members.Profile"][0]["headline"] == "Graphiste indépendante"
    assert records["workspace.Booking"][0]["title"] == "Rendez-vous avec ma banquière"
    assert records["workspace.Booking"][0]["resource"]["name"] == "Salle T"
    assert [r["body"] for r in records["core.MemberNote"]] == ["Préfère le calme"]
    assert records["core.MemberNote"][0]["author"]["name"] == "Malik Benali"
    assert records["members.ContactMessage"][0]["recipient"]["name"] == "Hugo Lefevre"
    assert {r["kind"] for r in records["core.Activity"]} >= {"checked_in"}
    assert records["events.Feedback"][0]["comment"] == "Super, merci Malik"
    assert len(records["events.Rsvp"]) == 1  # hers, not Hugo's
    # nobody else's private data, no other address, no secret
    assert "secret de Hugo" not in text
    assert "Note sur Hugo" not in text
    for other in ("hugo@example.org", "malik@example.org", "claire@example.org"):
        assert other not in text
    assert "nonce" not in text and "password" not in text


def test_the_copy_of_someone_without_a_community(client, db):
    user = get_user_model().objects.create_user("seule@example.org", "pw-12345678", full_name="Sol")
    client.force_login(user)
    data = client.get("/me/data/export/").json()
    assert data["account"]["full_name"] == "Sol"
    assert data["records"] == {}
    assert client.get("/me/data/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in ("/me/data/", "/me/data/export/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_says_what_is_kept_and_links_the_copy(login, personas):
    html = login(personas.ines).get("/me/data/").content.decode()
    assert "/me/data/export/" in html
    assert "Ruche &amp; Co" in html
    assert 'name="password"' in html and 'name="confirm"' in html


def test_deleting_my_account(client, login, personas, lived_in):
    ines = personas.ines
    user = ines.user
    lines_before = Activity.objects.filter(member=ines).count()
    response = login(ines).post(
        "/me/data/", {"password": personas.password, "confirm": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode() or (
        "Votre compte a été supprimé" in response.content.decode()
    )
    assert not response.wsgi_request.user.is_authenticated
    user.refresh_from_db()
    assert user.erased_at is not None and not user.is_active
    assert user.email == f"former-member-{user.pk}@erased.invalid"
    assert user.full_name == "" and not user.has_usable_password()
    assert str(user) in ("Former member", "Ancien membre")
    assert not client.login(email="ines@example.org", password=personas.password)
    ines.refresh_from_db()
    assert ines.left_on == timezone.localdate()
    # gone: the profile, the team's note, her message
    assert not Profile.objects.filter(member=ines).exists()
    assert not MemberNote.objects.filter(member=ines).exists()
    assert MemberNote.objects.filter(member=personas.hugo).exists()
    assert not ContactMessage.objects.filter(sender=ines).exists()
    # released: the booking to come, her place (Hugo, who waited, has it now)
    booking = Booking.objects.get(pk=lived_in["booking"].pk)
    assert booking.status == "cancelled" and booking.title == ""
    assert Rsvp.objects.get(event=lived_in["event"], member=personas.hugo).status == "going"
    # kept, without her words: the feedback's rating, the ledger
    feedback = Feedback.objects.get(event=lived_in["event"], member=ines)
    assert (feedback.rating, feedback.comment) == (5, "")
    assert Activity.objects.filter(member=ines).count() >= lines_before
    # the staff see a former member, not her name or address
    staff_page = login(personas.claire).get("/staff/members/?status=left").content.decode()
    assert "Ines" not in staff_page and "ines@example.org" not in staff_page


@pytest.mark.parametrize(
    "data, error",
    [
        ({"password": "not-hers", "confirm": "on"}, "password"),
        ({"password": None}, "confirm"),
        ({}, "password"),
    ],
)
def test_deleting_needs_the_password_and_the_box(login, personas, lived_in, data, error):
    data = {k: (personas.password if v is None else v) for k, v in data.items()}
    client = login(personas.ines)
    response = client.post("/me/data/", data)
    assert response.status_code == 400
    assert error in response.context["form"].errors
    user = personas.ines.user
    user.refresh_from_db()
    assert user.erased_at is None and user.is_active and user.email == "ines@example.org"
    assert Profile.objects.filter(member=personas.ines).exists()
    assert Booking.objects.get(pk=lived_in["booking"].pk).status == "confirmed"
    assert client.get("/").status_code == 200  # still logged in


def test_the_last_admin_cannot_leave_the_community_without_one(login, personas):
    """Zoé is Le Grenier's only admin (and Claire Ruche & Co's): each is told why, and their
    account stays."""
    for who in (personas.zoe, personas.claire):
        client = login(who)
        page = client.get("/me/data/").content.decode()
        assert 'name="confirm"' not in page
        assert "last operator admin" in page or "dernier administrateur" in page
        response = client.post("/me/data/", {"password": personas.password, "confirm": "on"})
        assert response.status_code == 400
        who.user.refresh_from_db()
        assert who.user.erased_at is None and who.user.is_active


def test_an_admin_among_two_can_delete_their_account(login, personas):
    from maillage.core.models import Role

    personas.malik.role = Role.ADMIN
    personas.malik.save(update_fields=["role"])
    client = login(personas.claire)
    client.post("/me/data/", {"password": personas.password, "confirm": "on"})
    personas.claire.user.refresh_from_db()
    assert personas.claire.user.erased_at is not None


def test_erasing_twice_changes_nothing(personas, lived_in):
    user = personas.hugo.user
    privacy.account_erase(user=user)
    user.refresh_from_db()
    first = (user.email, user.erased_at)
    privacy.account_erase(user=user)
    user.refresh_from_db()
    assert (user.email, user.erased_at) == first


def test_the_record_of_a_deleted_account_is_history(login, personas, lived_in):
    """Staff see a former member who deleted their account: no address, no role to change,
    no "they are back" (which would reopen a record nobody can log in to)."""
    privacy.account_erase(user=personas.ines.user)
    client = login(personas.claire)
    url = f"/staff/members/{personas.ines.pk}/"
    html = client.get(url).content.decode()
    assert "deleted their account" in html or "supprimé son compte" in html
    assert "mailto:" not in html.split('id="record-title"')[1].split("</section>")[0]
    assert 'name="role"' not in html
    client.post(url, {"role": "manager"})  # refused (the form is not offered either)
    assert 'name="note"' not in html
    client.post(url, {"note": "Une note sur une personne partie"})
    assert not MemberNote.objects.filter(member=personas.ines).exists()
    assert client.post(f"{url}leave/", {"action": "return"}).status_code == 403
    personas.ines.refresh_from_db()
    assert personas.ines.role == "member" and personas.ines.left_on is not None


def test_erasure_hands_back_what_others_count_on(personas, lived_in):
    """An event to come she hosted alone gets the staff member who approved it; her proposal
    awaiting approval is declined; an introduction waiting for answers is cancelled; an ask
    she was chosen to help with is open again; the routing's audit trail forgets her name."""
    from maillage.exchange import services as exchange_services
    from maillage.exchange.models import Ask, Introduction, Opportunity, RoutingDecisionLog

    ines, hugo, malik = personas.ines, personas.hugo, personas.malik
    event = lived_in["event"]
    event.hosts.set([ines])
    start = event.starts_at + dt.timedelta(days=1)
    proposal = events_services.event_propose(
        proposer=ines, operator=personas.ruche, space=personas.filature, title="Atelier vélo",
        kind="workshop", starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=8,
    )  # fmt: skip
    assert proposal.status == "proposed"
    intro = exchange_services.introduction_propose(by=hugo, a=hugo, b=ines)
    ask = exchange_services.ask_post(author=hugo, title="Relire un devis")
    exchange_services.ask_offer_help(ask=ask, member=ines)
    exchange_services.ask_pick(ask=ask, by=hugo, helper=ines)
    opportunity = Opportunity.objects.create(
        operator=personas.ruche,
        space=personas.filature,
        kind="lead",
        title="Un site",
        requester_name="Client",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    log = RoutingDecisionLog.objects.create(
        opportunity=opportunity, operator=personas.ruche, kind="initial",
        explanation_fr=["Ines Moreau (pertinence 0,90) retenue."],
        explanation_en=["Ines Moreau (relevance 0.90) chosen."],
    )  # fmt: skip

    privacy.account_erase(user=ines.user)

    assert list(event.hosts.all()) == [event.decided_by] == [malik]
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    assert Introduction.objects.get(pk=intro.pk).status == "cancelled"
    ask = Ask.objects.get(pk=ask.pk)
    assert (ask.status, ask.helper) == ("open", None)
    log.refresh_from_db()
    assert log.explanation_fr == ["Ancien membre (pertinence 0,90) retenue."]
    assert log.explanation_en == ["Former member (relevance 0.90) chosen."]


def test_erasure_leaves_nothing_to_find_in_the_directory(login, personas, lived_in):
    from django.db import connection

    from maillage.members.models import SearchEntry
    from maillage.members.services import search

    profile = Profile.objects.get(member=personas.ines)
    search.profile_reindex(profile=profile)
    entries = list(SearchEntry.objects.filter(profile=profile).values_list("pk", flat=True))
    assert entries
    privacy.account_erase(user=personas.ines.user)
    assert not SearchEntry.objects.filter(pk__in=entries).exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            marks = ", ".join("%s" for _ in entries)
            cursor.execute(
                f"SELECT count(*) FROM {search.FTS_TABLE} WHERE rowid IN ({marks})",  # noqa: S608
                entries,
            )
            assert cursor.fetchone()[0] == 0
    page = login(personas.claire).get("/directory/?q=graphiste").content.decode()
    assert "Ines" not in page


def test_a_start_date_ahead_does_not_stop_an_erasure(personas, lived_in):
    ines = personas.ines
    ines.joined_on = timezone.localdate() + dt.timedelta(days=5)
    ines.save(update_fields=["joined_on"])
    privacy.account_erase(user=ines.user)
    ines.refresh_from_db()
    assert ines.user.erased_at is not None and ines.left_on == ines.joined_on


def test_the_copy_leaves_out_other_people_s_contact_details(login, personas, lived_in):
    from maillage.matching.models import Tie
    from maillage.workspace.models import Guest

    Guest.objects.create(
        space=personas.filature, host=personas.ines, name="Léa Roux",
        email="lea.roux@example.net", day=timezone.localdate() + dt.timedelta(days=2),
    )  # fmt: skip
    Tie.objects.create(
        operator=personas.ruche, member_a=personas.ines, member_b=personas.hugo, strength=0.7
    )
    nameless = personas.hugo.user
    nameless.full_name = ""
    nameless.save(update_fields=["full_name"])
    text = login(personas.ines).get("/me/data/export/").content.decode()
    data = json.loads(text)
    assert "lea.roux@example.net" not in text and "Léa Roux" in text
    assert "hugo@example.org" not in text  # a message to a profile without a name
    (tie,) = data["records"]["matching.Tie"]
    assert tie["member_b"] == {"id": personas.hugo.pk, "name": None}


def test_nothing_is_emailed_to_a_deleted_account(personas):
    from maillage.core.mail import deliverable
    from maillage.exchange.services.common import send_email

    privacy.account_erase(user=personas.hugo.user)
    personas.hugo.user.refresh_from_db()
    assert not deliverable(personas.hugo.user.email)
    mail.outbox.clear()
    send_email(
        to=personas.hugo.user.email, language="fr", subject="Sujet", template="ask_message",
        context={},
    )  # fmt: skip
    assert mail.outbox == []


def test_guessing_the_password_there_is_slowed_down(login, personas):
    client = login(personas.ines)
    for _ in range(10):
        response = client.post("/me/data/", {"password": "guess", "confirm": "on"})
        errors = str(response.context["form"].errors["password"])
        assert "not your password" in errors or "pas votre mot de passe" in errors
    response = client.post("/me/data/", {"password": personas.password, "confirm": "on"})
    errors = str(response.context["form"].errors["password"])
    assert "Too many attempts" in errors or "Trop d’essais" in errors
    personas.ines.user.refresh_from_db()
    assert personas.ines.user.erased_at is None


def test_what_names_me_by_my_address_is_in_the_copy_and_forgotten(login, personas, lived_in):
    """An answer to a public event given as a visitor and a day as someone's guest name the
    person by their address only: the copy holds them, the erasure takes name and address."""
    from maillage.workspace.models import Guest

    rsvp = Rsvp.objects.create(
        event=lived_in["event"], name="Inès (perso)", email="INES@example.org", status="going"
    )
    guest = Guest.objects.create(
        space=personas.quai, host=personas.hugo, name="Inès M.", email="ines@example.org",
        day=timezone.localdate() + dt.timedelta(days=2),
    )  # fmt: skip
    data = login(personas.ines).get("/me/data/export/").json()
    assert [r["name"] for r in data["by_address"]["events.Rsvp"]] == ["Inès (perso)"]
    assert [g["name"] for g in data["by_address"]["workspace.Guest"]] == ["Inès M."]
    privacy.account_erase(user=personas.ines.user)
    rsvp.refresh_from_db()
    guest.refresh_from_db()
    assert rsvp.name == "" and rsvp.email.endswith("@erased.invalid")
    assert guest.email == "" and "Inès" not in guest.name
