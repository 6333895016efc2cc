"""What imports keep about people is deleted once it is no longer needed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillage.members.models import Invitation
from maillage.members.services import imports

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def private(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    return tmp_path / "private"


def _import(personas):
    return imports.member_import_apply(
        operator=personas.ruche,
        staff_record=personas.claire,
        data=(DATA / "members_utf8_comma.csv").read_bytes(),
        spaces=[personas.filature],
        default_space=personas.filature,
    )


def _files(private: Path, kind: str) -> list[str]:
    return sorted(p.name for p in private.glob(f"imports/*/{kind}/*"))


def test_it_deletes_unconfirmed_uploads_after_a_day_and_keeps_newer_ones(personas, private):
    old = imports.member_import_upload_save(operator=personas.ruche, data=b"name,email\n")
    new = imports.member_import_upload_save(operator=personas.ruche, data=b"name,email\n")
    two_days_ago = (timezone.now() - dt.timedelta(days=2)).timestamp()
    os.utime(private / f"imports/{personas.ruche.pk}/uploads/{old}.csv", (two_days_ago,) * 2)

    report = imports.member_imports_purge()

    assert report.uploads == 1
    assert _files(private, "uploads") == [f"{new}.csv"]


def test_it_keeps_an_import_while_someone_may_still_join_from_it(personas, private):
    result = _import(personas)
    assert result.invitation_count > 1
    assert imports.member_imports_purge().batches == 0
    assert len(_files(private, "batches")) == 1

    # All but one joined: still kept, the last one may join and get their profile filled.
    invitations = list(Invitation.objects.order_by("pk"))
    Invitation.objects.filter(pk__in=[i.pk for i in invitations[1:]]).update(
        accepted_at=timezone.now()
    )
    assert imports.member_imports_purge().batches == 0

    # The last one was withdrawn: nothing left to do with the record.
    Invitation.objects.filter(pk=invitations[0].pk).update(revoked_at=timezone.now())
    assert imports.member_imports_purge().batches == 1
    assert _files(private, "batches") == []


def test_it_deletes_an_import_older_than_the_retention_period(personas, private, settings):
    _import(personas)
    later = timezone.now() + dt.timedelta(days=settings.IMPORT_RETENTION_DAYS + 1)
    assert imports.member_imports_purge(now=later).batches == 1
    assert _files(private, "batches") == []


def test_it_leaves_unreadable_records_and_foreign_folders_alone(personas, private, capsys):
    batches = private / f"imports/{personas.ruche.pk}/batches"
    batches.mkdir(parents=True)
    (batches / "broken.json").write_text("{not json")
    (private / "imports/notes").mkdir()
    (private / "imports/notes/readme.txt").write_text("kept")

    call_command("imports_purge")

    assert "0 unconfirmed upload(s) and 0 import record(s) deleted" in capsys.readouterr().out
    assert (batches / "broken.json").exists()
    assert (private / "imports/notes/readme.txt").exists()
