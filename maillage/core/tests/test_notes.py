"""Team notes on a member record: who may read, write and delete them, with the personas;
bad input keeps what was typed; notes never reach the member or anyone else."""

from __future__ import annotations

import pytest

from maillage.core.models import MemberNote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(personas):
    """The assertions read the English messages (the catalogue's French is tested apart)."""
    from maillage.members.models import User

    User.objects.update(language="en")


def test_the_messages_are_in_french_for_a_french_speaking_team(login, personas):
    from maillage.members.models import User

    User.objects.update(language="fr")
    page = login(personas.malik).post(record_url(personas.ines), {"note": " "}).content.decode()
    assert "Écrivez la note avant de l’enregistrer." in page and "Notes de l’équipe" in page


def record_url(member) -> str:
    return f"/staff/members/{member.pk}/"


def test_the_team_writes_a_note_and_reads_it_on_the_record(login, personas):
    client = login(personas.claire)
    response = client.post(
        record_url(personas.ines), {"note": "  Cherche un bureau fermé en juin.  "}
    )
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    note = MemberNote.objects.get()
    assert (note.member, note.author, note.body) == (
        personas.ines, personas.claire, "Cherche un bureau fermé en juin."
    )  # fmt: skip
    # The manager of Inès's space reads it, with its author.
    page = login(personas.malik).get(record_url(personas.ines)).content.decode()
    assert "Cherche un bureau fermé en juin." in page and "Claire Dubois" in page


def test_an_empty_or_too_long_note_is_refused_and_what_was_typed_is_kept(login, personas):
    client = login(personas.malik)
    empty = client.post(record_url(personas.ines), {"note": "   "})
    assert empty.status_code == 400
    assert "Write the note before saving it." in empty.content.decode()
    long = "é" * 2001
    too_long = client.post(record_url(personas.ines), {"note": long})
    assert too_long.status_code == 400
    page = too_long.content.decode()
    assert "at most 2000 characters (this one has 2001)" in page
    assert long in page  # nothing lost
    assert not MemberNote.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("hugo", 403), ("ines", 403), ("zoe", 404)],  # members: staff pages; another operator
)
def test_nobody_outside_the_team_reads_or_writes_notes(login, personas, who, status):
    MemberNote.objects.create(member=personas.ines, author=personas.claire, body="Note secrète")
    client = login(getattr(personas, who))
    assert client.get(record_url(personas.ines)).status_code == status
    assert client.post(record_url(personas.ines), {"note": "intrus"}).status_code == status
    assert MemberNote.objects.count() == 1


def test_a_manager_does_not_reach_the_notes_of_another_space(login, personas):
    MemberNote.objects.create(member=personas.hugo, author=personas.claire, body="Note du Quai")
    client = login(personas.malik)  # manager of La Filature; Hugo is at Le Quai
    assert client.get(record_url(personas.hugo)).status_code == 404
    assert client.post(record_url(personas.hugo), {"note": "x"}).status_code == 404
    assert MemberNote.objects.count() == 1


def test_notes_never_reach_the_member_or_other_members(login, personas):
    from maillage.members.services.profiles import profile_get_or_create

    profile_get_or_create(personas.ines)
    MemberNote.objects.create(member=personas.ines, author=personas.claire, body="Note secrète")
    ines = login(personas.ines)
    for url in ["/", "/me/preferences/", f"/members/{personas.ines.pk}/", "/directory/?q=Ines"]:
        response = ines.get(url)
        assert "Note secrète" not in response.content.decode(), url
    hugo = login(personas.hugo)
    for url in [f"/members/{personas.ines.pk}/", "/directory/?q=secrète"]:
        assert "Note secrète" not in hugo.get(url).content.decode(), url


def test_its_author_or_an_admin_deletes_a_note_and_nobody_else(login, personas):
    by_claire = MemberNote.objects.create(member=personas.ines, author=personas.claire, body="A")
    by_malik = MemberNote.objects.create(member=personas.ines, author=personas.malik, body="B")
    url = "/staff/members/{}/notes/{}/delete/"

    malik = login(personas.malik)
    response = malik.post(url.format(personas.ines.pk, by_claire.pk), follow=True)
    assert "Only its author or an operator admin can delete this note." in response.content.decode()
    assert MemberNote.objects.filter(pk=by_claire.pk).exists()
    malik.post(url.format(personas.ines.pk, by_malik.pk))
    assert not MemberNote.objects.filter(pk=by_malik.pk).exists()

    assert login(personas.zoe).post(url.format(personas.ines.pk, by_claire.pk)).status_code == 404
    assert (
        login(personas.claire).post(url.format(personas.ines.pk, by_claire.pk)).status_code == 302
    )
    assert not MemberNote.objects.exists()
    # A note of another member, through this member's address: not found.
    other = MemberNote.objects.create(member=personas.hugo, author=personas.claire, body="C")
    assert login(personas.claire).post(url.format(personas.ines.pk, other.pk)).status_code == 404
