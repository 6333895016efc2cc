"""Staff import members from a spreadsheet: upload, preview, confirm (all rows or none),
then send the invitations in bulk through the task worker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.models import Member
from maillage.core.services import member_add
from maillage.core.tests.factories import UserFactory
from maillage.members.models import Company, Invitation, User
from maillage.members.services import imports

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
UPLOAD = "/staff/members/import/"


@pytest.fixture(autouse=True)
def _storage_and_language(settings, tmp_path, personas):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    User.objects.update(language="en")


def csv_file(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes())


def upload(client, name: str, space, content: bytes | None = None):
    return client.post(UPLOAD, {"file": csv_file(name, content), "space": space.pk})


def batch_files(personas) -> list[Path]:
    from django.conf import settings

    location = Path(settings.STORAGES["imports"]["OPTIONS"]["location"])
    return sorted(location.glob(f"imports/{personas.ruche.pk}/batches/*.json"))


# --- the journey -----------------------------------------------------------------------------


def test_it_imports_a_french_excel_file_then_sends_the_invitations_by_the_worker(
    login, personas, django_capture_on_commit_callbacks, run_worker
):
    client = login(personas.claire)
    response = upload(client, "members_excel_fr.csv", personas.filature)
    assert response.status_code == 302
    preview_url = response["Location"]

    page = client.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Windows-1252" in html and "semicolon" in html
    assert "Léa Fournier" in html and "Atelier Cœur" in html
    assert "Téléphone" in html  # the ignored column is named
    assert "Import 3 members" in html
    assert not Invitation.objects.exists()  # the preview writes nothing

    done = client.post(preview_url + "confirm/")
    assert done.status_code == 302
    invitations = Invitation.objects.order_by("email")
    assert [(i.email, i.full_name, i.space.name) for i in invitations] == [
        ("chloe@example.org", "Chloé Müller", "La Filature"),
        ("etienne@example.org", "Étienne Gaël", "La Filature"),
        ("lea.fournier@example.org", "Léa Fournier", "La Filature"),
    ]
    assert all(i.invited_by == personas.claire for i in invitations)
    assert list(Company.objects.values_list("name", flat=True)) == ["Atelier Cœur", "Studio Nord"]
    assert not User.objects.filter(email__endswith="@example.org", member_records=None).exists()
    run_worker()
    assert mail.outbox == []  # imported, not sent

    page = client.get(done["Location"])
    assert "Send 3 invitations" in page.content.decode()
    assert "Résident (2)" in page.content.decode()  # plans are kept with the import
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(done["Location"] + "invite/", {"language": "en"})
    assert sent.status_code == 302
    assert mail.outbox == []  # sent by the worker, not in the request
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chloe@example.org",
        "etienne@example.org",
        "lea.fournier@example.org",
    ]
    assert all("You are invited to join La Filature" in m.subject for m in mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(done["Location"] + "invite/", {"language": "en"})
    run_worker()
    assert len(mail.outbox) == 3  # sending twice sends nothing more
    assert (
        "Every person of this import has been invited"
        in client.get(done["Location"]).content.decode()
    )


def test_it_fills_the_profile_from_the_import_when_the_person_joins(
    client, login, personas, django_capture_on_commit_callbacks, run_worker
):
    staff = login(personas.claire)
    preview_url = upload(staff, "members_excel_fr.csv", personas.filature)["Location"]
    promised = staff.get(preview_url).context["preview"].rows[0].skills
    done_url = staff.post(preview_url + "confirm/")["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(done_url + "invite/")
    run_worker()
    staff.logout()
    message = next(m for m in mail.outbox if m.to == ["lea.fournier@example.org"])
    link = re.search(r"https?://[^/\s]+(/invitations/[^\s]+/)", message.body).group(1)

    client.get(link)
    client.post(
        "/accounts/signup/",
        {
            "email": "lea.fournier@example.org",
            "full_name": "Léa Fournier",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    member = Member.objects.get(user__email="lea.fournier@example.org")
    assert member.home_space == personas.filature
    profile = imports.member_import_profile_apply(member=member)  # what accepting calls
    assert profile.company.name == "Atelier Cœur"
    # The preview said what each phrase would become; the profile got exactly that.
    assert [s.text for s in promised] == ["Design graphique", "Illustration"]
    expected = {s.uri or f"tag:{slugify(s.text)}" for s in promised}
    assert {s.concept.uri for s in profile.skills.all()} == expected
    imports.member_import_profile_apply(member=member)  # twice changes nothing
    assert profile.skills.count() == 2
    # The plan the file named ("Résident") runs from the day she joined, once.
    plans = [(m.plan.name, m.starts_on, m.company) for m in member.memberships.all()]
    assert plans == [("Résident", timezone.localdate(), profile.company)]
    assert imports.member_import_profile_apply(member=personas.ines) is None


# --- nothing half-written --------------------------------------------------------------------


def test_it_shows_errors_and_offers_no_import_while_any_row_is_wrong(login, personas):
    client = login(personas.claire)
    preview_url = upload(client, "members_with_errors.csv", personas.filature)["Location"]
    html = client.get(preview_url).content.decode()
    assert "6 rows have errors" in html
    assert "Upload the corrected file" in html
    assert not re.search(r">Import \d+ members?<", html)  # no import button
    assert "already a member of Ruche &amp; Co" in html
    response = client.post(preview_url + "confirm/")  # confirming anyway
    assert response.status_code == 200
    assert "nothing was imported" in response.content.decode()
    assert not Invitation.objects.exists()


def test_it_imports_nothing_when_a_member_joined_between_preview_and_confirmation(login, personas):
    client = login(personas.claire)
    preview_url = upload(client, "members_excel_fr.csv", personas.filature)["Location"]
    assert "Import 3 members" in client.get(preview_url).content.decode()
    chloe = UserFactory(email="chloe@example.org")
    member_add(user=chloe, operator=personas.ruche, home_space=personas.quai)

    response = client.post(preview_url + "confirm/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 row has an error: nothing was imported." in html
    assert "chloe@example.org is already a member of Ruche &amp; Co" in html
    assert not Invitation.objects.exists()
    assert not Company.objects.exists()
    assert batch_files(personas) == []


def fail_on_insert(table: str, number: int):
    """Make the database refuse the `number`-th insert into `table`, as a concurrent write
    would (a unique constraint violated under our feet)."""
    seen = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal seen
        if sql.lstrip().upper().startswith("INSERT") and f'"{table}"' in sql:
            seen += 1
            if seen == number:
                raise IntegrityError("UNIQUE constraint failed (simulated concurrent write)")
        return execute(sql, params, many, context)

    return wrapper


def test_it_rolls_everything_back_when_the_database_fails_on_the_third_row(login, personas):
    client = login(personas.claire)
    preview_url = upload(client, "members_excel_fr.csv", personas.filature)["Location"]
    with connection.execute_wrapper(fail_on_insert("members_invitation", 3)):
        response = client.post(preview_url + "confirm/", follow=True)
    assert response.status_code == 200  # a clear message, not a server error
    assert "nothing was imported" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not Company.objects.exists()  # created before the invitations, rolled back too
    assert batch_files(personas) == []
    # The same file goes through once the database is fine again.
    assert client.post(preview_url + "confirm/").status_code == 302
    assert Invitation.objects.count() == 3
    assert len(batch_files(personas)) == 1


def test_it_writes_nothing_when_the_import_record_cannot_be_stored(login, personas, monkeypatch):
    client = login(personas.claire)
    preview_url = upload(client, "members_utf8_bom.csv", personas.filature)["Location"]
    from django.core.files.storage import storages

    storage = storages["imports"]

    def full_disk(name, content, max_length=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "save", full_disk)
    response = client.post(preview_url + "confirm/", follow=True)
    assert response.status_code == 200
    assert "nothing was imported" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not Company.objects.exists()


def test_it_refuses_a_file_it_cannot_read_on_the_upload_page(login, personas):
    client = login(personas.claire)
    response = upload(client, "garbage.bin", personas.filature)
    assert response.status_code == 200
    assert "not a text (CSV) file" in response.content.decode()
    response = upload(client, "members_missing_email.csv", personas.filature)
    assert "Missing column: email." in response.content.decode()


def test_it_refuses_a_file_over_two_megabytes(login, personas):
    client = login(personas.claire)
    response = upload(
        client, "big.csv", personas.filature, b"Nom;Email\n" + b"x" * imports.MAX_BYTES
    )
    assert response.status_code == 200
    assert "larger than 2 MB" in response.content.decode()


# --- who may import what ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [UPLOAD, UPLOAD + "template.csv"])
def test_it_sends_an_anonymous_visitor_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", [UPLOAD, UPLOAD + "template.csv"])
def test_it_forbids_members(login, personas, url):
    assert login(personas.ines).get(url).status_code == 403


def test_it_lets_a_manager_import_only_into_la_filature(login, personas):
    client = login(personas.malik)
    page = client.get(UPLOAD)
    assert [name for _pk, name in page.context["form"].fields["space"].choices] == ["La Filature"]
    response = upload(client, "members_excel_fr.csv", personas.quai)
    assert response.status_code == 200
    assert "space" in response.context["form"].errors
    text = "Nom;Email;Espace\nLéa;lea@example.org;Le Quai\n".encode()
    preview_url = upload(client, "quai.csv", personas.filature, text)["Location"]
    assert "among the spaces you run (La Filature)" in client.get(preview_url).content.decode()
    client.post(preview_url + "confirm/")
    assert not Invitation.objects.exists()


def test_it_keeps_zoes_import_away_from_ruche_and_co(login, personas):
    claire = login(personas.claire)
    claire_preview = upload(claire, "members_utf8_bom.csv", personas.filature)["Location"]
    claire_done = claire.post(claire_preview + "confirm/")["Location"]
    claire_preview = upload(claire, "members_utf8_bom.csv", personas.filature)["Location"]

    zoe = login(personas.zoe)
    assert zoe.get(claire_preview).status_code == 404
    assert zoe.post(claire_preview + "confirm/").status_code == 404
    assert zoe.get(claire_done).status_code == 404
    assert zoe.post(claire_done + "invite/").status_code == 404

    text = "Nom;Email;Espace;Entreprise\nLéa;lea@example.org;La Filature;Atelier Cœur\n".encode()
    preview_url = upload(zoe, "grenier.csv", personas.grenier_space, text)["Location"]
    assert "No space called “La Filature”" in zoe.get(preview_url).content.decode()
    text = "Nom;Email;Entreprise\nLéa;lea@example.org;Atelier Cœur\n".encode()
    preview_url = upload(zoe, "grenier.csv", personas.grenier_space, text)["Location"]
    zoe.post(preview_url + "confirm/")
    grenier_invitation = Invitation.objects.get(operator=personas.grenier)
    assert grenier_invitation.space == personas.grenier_space
    assert Company.objects.filter(name="Atelier Cœur", operator=personas.grenier).exists()
    assert Company.objects.filter(operator=personas.ruche).count() == 1  # Claire's only
    assert Invitation.objects.filter(operator=personas.ruche).count() == 2  # Claire's, untouched


def test_it_shows_an_import_only_to_its_author_and_the_operator_admins(login, personas):
    malik = login(personas.malik)
    preview_url = upload(malik, "members_utf8_bom.csv", personas.filature)["Location"]
    done_url = malik.post(preview_url + "confirm/")["Location"]
    assert malik.get(done_url).status_code == 200
    assert login(personas.claire).get(done_url).status_code == 200
    outsider = UserFactory(email="paul@example.org")
    member_add(user=outsider, operator=personas.ruche, home_space=personas.quai, role="manager")
    assert login(outsider).get(done_url).status_code == 404


def test_it_refuses_a_tampered_or_unknown_preview(login, personas):
    client = login(personas.claire)
    preview_url = upload(client, "members_utf8_bom.csv", personas.filature)["Location"]
    assert client.get(preview_url[:-3] + "xx/").status_code == 404
    assert (
        client.get("/staff/members/import/done/20250101000000-0123456789abcdef/").status_code == 404
    )
    client.post(preview_url + "confirm/")
    again = client.get(preview_url)  # the file is gone once imported
    assert again.status_code == 302 and again["Location"] == UPLOAD


def test_it_offers_a_blank_file_with_french_column_names(login, personas):
    User.objects.filter(pk=personas.claire.user_id).update(language="fr")
    response = login(personas.claire).get(UPLOAD + "template.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").startswith(
        "Nom;Email;Entreprise;Formule;Espace;Compétences"
    )


def test_pending_imports_are_kept_out_of_the_published_media():
    from maillage import settings as project

    options = project.STORAGES["imports"]["OPTIONS"]
    assert options["base_url"] is None  # no URL: the files cannot be linked to
    location = Path(options["location"]).resolve()
    assert not location.is_relative_to(Path(project.MEDIA_ROOT).resolve())
