"""The activity ledger: append-only, written through one service function only."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from maillage.core.models import Activity, ActivityKind
from maillage.core.services import ActivityRow, activity_record, activity_record_many

pytestmark = pytest.mark.django_db


def test_it_records_member_space_kind_time_target_and_payload(personas):
    line = activity_record(
        member=personas.ines,
        kind=ActivityKind.CHECKED_IN,
        space=personas.quai,
        target=personas.quai,
        payload={"via": "qr"},
    )
    line.refresh_from_db()
    assert line.operator_id == personas.ruche.pk
    assert line.space == personas.quai
    assert (line.target_type, line.target_id) == ("core.space", personas.quai.pk)
    assert line.payload == {"via": "qr"}
    assert timezone.now() - line.occurred_at < dt.timedelta(seconds=5)


def test_it_defaults_the_space_to_the_members_home_space(personas):
    assert activity_record(member=personas.hugo, kind="booked").space == personas.quai


def test_it_refuses_to_change_or_delete_a_line(personas):
    line = activity_record(member=personas.ines, kind="checked_in")
    line.kind = "helped"
    with pytest.raises(TypeError):
        line.save()
    with pytest.raises(TypeError):
        line.delete()
    with pytest.raises(TypeError):
        Activity.objects.filter(pk=line.pk).update(kind="helped")
    with pytest.raises(TypeError):
        Activity.objects.filter(pk=line.pk).delete()
    assert Activity.objects.get(pk=line.pk).kind == "checked_in"


def test_it_refuses_unknown_kinds_foreign_spaces_and_big_payloads(personas):
    with pytest.raises(ValueError, match="kind"):
        activity_record(member=personas.ines, kind="teleported")
    with pytest.raises(ValueError, match="space"):
        activity_record(member=personas.ines, kind="checked_in", space=personas.grenier_space)
    with pytest.raises(ValueError, match="small"):
        activity_record(member=personas.ines, kind="posted", payload={"text": "x" * 5000})
    assert not Activity.objects.filter(member=personas.ines).exclude(kind="joined").exists()


def test_it_appends_many_lines_in_bulk_with_the_same_rules(personas):
    start = timezone.now() - dt.timedelta(days=30)
    rows = [
        ActivityRow(
            operator_id=personas.ruche.pk,
            member_id=personas.hugo.pk,
            space_id=personas.quai.pk,
            kind="checked_in",
            occurred_at=start + dt.timedelta(days=i),
        )
        for i in range(12)
    ]
    assert activity_record_many(rows, batch_size=5) == 12
    assert Activity.objects.filter(member=personas.hugo, kind="checked_in").count() == 12
    with pytest.raises(ValueError):
        activity_record_many([ActivityRow(**{**rows[0].__dict__, "kind": "nope"})])


def test_it_is_written_by_the_services_only():
    """No module outside core/services.py creates ledger rows."""
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(
        r"(?<!class )\bActivity\(|Activity\.objects\.(create|bulk_create|get_or_create)"
    )
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "services.py"
        and pattern.search(path.read_text())
    ]
    assert offenders == []


def test_it_has_indexes_for_time_windows_per_space_and_per_member():
    indexed = {tuple(index.fields) for index in Activity._meta.indexes}
    assert ("space", "occurred_at") in indexed
    assert ("member", "occurred_at") in indexed
