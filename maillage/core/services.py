"""Writes to operators, spaces, member records and the activity ledger.

Every write is one keyword-only function; pages, commands and tasks call these, never the ORM.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import (
    NOTE_MAX_LENGTH,
    Activity,
    ActivityKind,
    Member,
    MemberNote,
    Operator,
    Role,
    Space,
)

PAYLOAD_MAX_BYTES = 2_000


def _unique_slug(model: type[models.Model], base: str) -> str:
    slug = slugify(base)[:50] or "x"
    candidate, n = slug, 2
    while model.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def operator_create(*, name: str, slug: str | None = None, **fields: Any) -> Operator:
    name = name.strip()
    if not name:
        raise DomainError(_("An operator needs a name."), field="name")
    operator = Operator(name=name, slug=slug or _unique_slug(Operator, name), **fields)
    operator.full_clean()
    operator.save()
    return operator


@transaction.atomic
def space_create(*, operator: Operator, name: str, slug: str | None = None, **fields: Any) -> Space:
    name = name.strip()
    if not name:
        raise DomainError(_("A space needs a name."), field="name")
    space = Space(operator=operator, name=name, slug=slug or _unique_slug(Space, name), **fields)
    space.full_clean()
    space.save()
    return space


SPACE_EDITABLE_FIELDS = {
    "name",
    "street",
    "postal_code",
    "city",
    "time_zone",
    "opening_hours",
    "contact_email",
    "contact_phone",
    "description",
}


@transaction.atomic
def space_update(*, space: Space, **fields: Any) -> Space:
    unknown = set(fields) - SPACE_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(space, name, value)
    space.full_clean()
    space.save()
    return space


@transaction.atomic
def member_add(
    *,
    user,
    operator: Operator,
    home_space: Space,
    role: str = Role.MEMBER,
    joined_on: dt.date | None = None,
    record_joined: bool = True,
) -> Member:
    """Give a person a member record with an operator (or return the active one they have)."""
    if home_space.operator_id != operator.pk:
        raise DomainError(_("The home space must belong to the same operator."), field="home_space")
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    member = Member.objects.filter(user=user, operator=operator).first()
    if member is not None:
        if member.left_on is not None:
            member.left_on = None
            member.home_space = home_space
            member.role = role
            member.save(update_fields=["left_on", "home_space", "role"])
        return member
    member = Member.objects.create(
        user=user,
        operator=operator,
        home_space=home_space,
        role=role,
        joined_on=joined_on or timezone.localdate(),
    )
    if role == Role.MANAGER:
        member.managed_spaces.add(home_space)
    if record_joined:
        activity_record(member=member, kind=ActivityKind.JOINED, space=home_space, target=member)
    return member


@transaction.atomic
def member_update(
    *, member: Member, home_space: Space | None = None, role: str | None = None
) -> Member:
    """Staff change a member's home space or role (the gate decides who may)."""
    if home_space is not None:
        if home_space.operator_id != member.operator_id:
            raise DomainError(
                _("The home space must belong to the same operator."), field="home_space"
            )
        member.home_space = home_space
    if role is not None:
        if role not in Role.values:
            raise DomainError(_("Unknown role."), field="role")
        member.role = role
    member.save()
    if member.role == Role.MANAGER:
        member.managed_spaces.add(member.home_space)
    if home_space is not None:
        # Search entries carry the home space that decides "same space" visibility.
        from maillage.members.models import Profile
        from maillage.members.services.search import profile_reindex

        profile = Profile.objects.filter(member=member).first()
        if profile is not None:
            profile_reindex(profile=profile)
    return member


@transaction.atomic
def member_leave(*, member: Member, on: dt.date | None = None) -> Member:
    """The member left the community (on a day up to today): they lose access to it, and
    their history stays (the ledger, the indicators count them until that day)."""
    member.left_on = member_leave_check(member=member, on=on)
    member.save(update_fields=["left_on"])
    return member


def member_leave_check(*, member: Member, on: dt.date | None = None) -> dt.date:
    """The day of a departure, checked: up to today (in the member's space), not before they
    joined."""
    from maillage.workspace.selectors import today_in

    today = today_in(member.home_space)
    on = on or today
    if on > today:
        raise DomainError(_("Record a departure on the day it happens, not ahead."), field="on")
    if on < member.joined_on:
        raise DomainError(_("They cannot leave before they joined."), field="on")
    return on


@transaction.atomic
def member_return(*, member: Member) -> Member:
    """A member who had left comes back: the same record, history and all."""
    member.left_on = None
    member.save(update_fields=["left_on"])
    return member


# --- the activity ledger ---------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    """One ledger line to append in bulk (imports, the demo generator)."""

    operator_id: int
    member_id: int
    kind: str
    occurred_at: dt.datetime
    space_id: int | None = None
    target_type: str = ""
    target_id: int | None = None
    payload: dict | None = None


def _target_of(target: models.Model | None) -> tuple[str, int | None]:
    if target is None:
        return "", None
    return target._meta.label_lower, target.pk


def _check_payload(payload: dict | None) -> dict:
    payload = payload or {}
    if len(json.dumps(payload, default=str)) > PAYLOAD_MAX_BYTES:
        raise ValueError("Activity payloads stay small (2 kB at most).")
    return payload


def activity_record(
    *,
    member: Member,
    kind: ActivityKind | str,
    space: Space | None = None,
    target: models.Model | None = None,
    payload: dict | None = None,
    occurred_at: dt.datetime | None = None,
) -> Activity:
    """Append one line to the activity ledger: the only way anything writes to it."""
    if kind not in ActivityKind.values:
        raise ValueError(f"Unknown activity kind {kind!r}.")
    if space is not None and space.operator_id != member.operator_id:
        raise ValueError("An activity's space belongs to the member's operator.")
    target_type, target_id = _target_of(target)
    return Activity.objects.create(
        operator_id=member.operator_id,
        space_id=space.pk if space is not None else member.home_space_id,
        member=member,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        target_type=target_type,
        target_id=target_id,
        payload=_check_payload(payload),
    )


def activity_record_many(rows: Iterable[ActivityRow], *, batch_size: int = 5_000) -> int:
    """Append many ledger lines at once (same rules as `activity_record`); returns the count."""
    valid_kinds = set(ActivityKind.values)
    batch: list[Activity] = []
    count = 0
    for row in rows:
        if row.kind not in valid_kinds:
            raise ValueError(f"Unknown activity kind {row.kind!r}.")
        batch.append(
            Activity(
                operator_id=row.operator_id,
                space_id=row.space_id,
                member_id=row.member_id,
                kind=row.kind,
                occurred_at=row.occurred_at,
                target_type=row.target_type,
                target_id=row.target_id,
                payload=_check_payload(row.payload),
            )
        )
        if len(batch) >= batch_size:
            Activity.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        Activity.objects.bulk_create(batch)
        count += len(batch)
    return count


@dataclass(frozen=True)
class MemberRow:
    """One member record to create in bulk (imports, the demo generator)."""

    user_id: int
    operator_id: int
    home_space_id: int
    role: str = Role.MEMBER
    joined_on: dt.date | None = None
    left_on: dt.date | None = None


def member_add_many(rows: Iterable[MemberRow], *, batch_size: int = 2_000) -> list[Member]:
    """Create many member records at once, with their "joined" ledger line.

    Same rules as `member_add`; used where one-by-one creation would be too slow.
    """
    rows = list(rows)
    space_operator = dict(
        Space.objects.filter(pk__in={r.home_space_id for r in rows}).values_list(
            "pk", "operator_id"
        )
    )
    members = []
    for row in rows:
        if space_operator.get(row.home_space_id) != row.operator_id:
            raise DomainError(_("The home space must belong to the same operator."))
        if row.role not in Role.values:
            raise DomainError(_("Unknown role."))
        members.append(
            Member(
                user_id=row.user_id,
                operator_id=row.operator_id,
                home_space_id=row.home_space_id,
                role=row.role,
                joined_on=row.joined_on or timezone.localdate(),
                left_on=row.left_on,
            )
        )
    with transaction.atomic():
        created = Member.objects.bulk_create(members, batch_size=batch_size)
        if not all(m.pk for m in created):  # SQLite before RETURNING support, just in case
            lookup = dict(
                Member.objects.filter(user_id__in=[m.user_id for m in created]).values_list(
                    "user_id", "pk"
                )
            )
            for m in created:
                m.pk = m.id = lookup[m.user_id]
        managers = [m for m in created if m.role == Role.MANAGER]
        Member.managed_spaces.through.objects.bulk_create(
            [
                Member.managed_spaces.through(member_id=m.pk, space_id=m.home_space_id)
                for m in managers
            ]
        )
        activity_record_many(
            ActivityRow(
                operator_id=m.operator_id,
                member_id=m.pk,
                space_id=m.home_space_id,
                kind=ActivityKind.JOINED,
                occurred_at=timezone.make_aware(dt.datetime.combine(m.joined_on, dt.time(9, 0))),
                target_type="core.member",
                target_id=m.pk,
            )
            for m in created
        )
    return created


# --- team notes on a member ------------------------------------------------------------------


@transaction.atomic
def member_note_add(*, member: Member, author: Member, body: str) -> MemberNote:
    """A note of the team about `member` (the gate decides who may write it)."""
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Write the note before saving it."), field="note")
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(
            _("A note holds at most %(max)s characters (this one has %(n)s).")
            % {"max": NOTE_MAX_LENGTH, "n": len(text)},
            field="note",
        )
    if author.operator_id != member.operator_id or not author.is_staff:
        raise DomainError(_("Only the team of this member's community writes notes about them."))
    if member.user.erased_at is not None:
        raise DomainError(_("This person deleted their account: no note about them is kept."))
    return MemberNote.objects.create(member=member, author=author, body=text)


@transaction.atomic
def member_note_delete(*, note: MemberNote, by: Member) -> None:
    """Its author, or an admin of the operator, deletes a note."""
    if not note.deletable_by(by):
        raise DomainError(_("Only its author or an operator admin can delete this note."))
    note.delete()
