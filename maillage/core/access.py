"""Access gates: the one place that decides who may read or change each kind of object.

Every page, API endpoint, command and task reaches operators, spaces and member records
through these functions. A viewer who may not *see* an object gets `Http404` (its existence
is not revealed); one who may see it but not do the action gets `PermissionDenied`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.core import sql
from maillage.core.models import Activity, Member, Operator, Role, Space

Action = Literal["read", "change"]


@dataclass
class Viewer:
    """Who is asking: an account (or nobody) and their active member records."""

    user: object | None
    records: list[Member] = field(default_factory=list)
    current: Member | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_superuser(self) -> bool:
        return bool(self.user is not None and getattr(self.user, "is_superuser", False))

    def record_for(self, operator_id: int) -> Member | None:
        for record in self.records:
            if record.operator_id == operator_id:
                return record
        return None

    def record_for_member(self, member_id: int) -> Member | None:
        return next((r for r in self.records if r.pk == member_id), None)

    def is_admin_of(self, operator_id: int) -> bool:
        record = self.record_for(operator_id)
        return record is not None and record.role == Role.ADMIN

    def is_staff_of(self, operator_id: int) -> bool:
        record = self.record_for(operator_id)
        return record is not None and record.is_staff

    def manages_space(self, space: Space) -> bool:
        record = self.record_for(space.operator_id)
        if record is None:
            return False
        if record.role == Role.ADMIN:
            return True
        return record.role == Role.MANAGER and space.pk in self.managed_space_ids(record)

    def managed_space_ids(self, record: Member) -> set[int]:
        if not hasattr(record, "_managed_ids"):
            ids = set(record.managed_spaces.values_list("pk", flat=True))
            ids.add(record.home_space_id)
            record._managed_ids = ids
        return record._managed_ids

    @property
    def staff_records(self) -> list[Member]:
        return [r for r in self.records if r.is_staff]


ANONYMOUS = Viewer(user=None)


def viewer_for_user(user, *, operator_id: int | None = None) -> Viewer:
    """Build the viewer of an account; `operator_id` picks the current community if given."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Viewer(user=None)
    records = _active_records(user.pk)
    current = None
    if operator_id is not None:
        current = next((r for r in records if r.operator_id == operator_id), None)
    if current is None and records:
        # Staff first: a manager who is also a member elsewhere lands on the space they run.
        current = sorted(records, key=lambda r: (not r.is_staff, r.operator.name))[0]
    return Viewer(user=user, records=records, current=current)


def active_records_query(user_id: int):
    """A person's active member records, with their operator and home space (the reference
    for `_active_records`, which runs the same query without the ORM's compilation)."""
    return (
        Member.objects.active()
        .filter(user_id=user_id)
        .select_related("operator", "home_space")
        .order_by("operator__name", "pk")
    )


_RECORD_MODELS = ((Member, "m"), (Operator, "o", "m", "operator"), (Space, "s", "m", "home_space"))


@functools.cache
def _records_sql(vendor: str) -> str:
    col = sql.column
    # Only names from the models' metadata go into the text; the account is a parameter.
    return (
        f"SELECT {sql.columns(_RECORD_MODELS)} {sql.source(_RECORD_MODELS)} "
        f"WHERE {col(Member, 'user', 'm')} = %s AND {col(Member, 'left_on', 'm')} IS NULL "
        f"ORDER BY {col(Operator, 'name', 'o')}, {col(Member, 'id', 'm')}"
    )


def _active_records(user_id: int) -> list[Member]:
    """`active_records_query(user_id)`, run on every request to build the viewer: its SQL is
    written once per process and its rows made into the three models by hand (with the
    database's converters), because the ORM took longer to compile it (0.5 ms on SQLite,
    0.7 on PostgreSQL) than the database took to answer. See core/sql.py."""
    rows = sql.fetch(_records_sql(connection.vendor), [user_id])
    return [member for member, *_ in sql.instances(_RECORD_MODELS, rows)]


def _require_authenticated(viewer: Viewer) -> None:
    if not viewer.is_authenticated:
        raise PermissionDenied


# --- operators -------------------------------------------------------------------------------


def operator_for_viewer(viewer: Viewer, operator_id: int, action: Action = "read") -> Operator:
    _require_authenticated(viewer)
    record = viewer.record_for(operator_id)
    if record is None and not viewer.is_superuser:
        raise Http404
    if action == "change" and not (viewer.is_superuser or record.role == Role.ADMIN):
        raise PermissionDenied
    return record.operator if record else Operator.objects.get(pk=operator_id)


def staff_record(viewer: Viewer, operator_id: int | None = None) -> Member:
    """The viewer's staff record for an operator (the current one by default), or 403."""
    _require_authenticated(viewer)
    record = viewer.current if operator_id is None else viewer.record_for(operator_id)
    if record is None or not record.is_staff:
        raise PermissionDenied
    return record


# --- spaces ----------------------------------------------------------------------------------


def space_for_viewer(viewer: Viewer, space_id: int, action: Action = "read") -> Space:
    """Anyone may read a space's public page; only its managers and admins change it."""
    try:
        space = Space.objects.select_related("operator").get(pk=space_id)
    except Space.DoesNotExist:
        raise Http404 from None
    if action == "change":
        _require_authenticated(viewer)
        if not (viewer.is_superuser or viewer.manages_space(space)):
            raise PermissionDenied
    return space


def spaces_managed_by(viewer: Viewer, operator_id: int) -> QuerySet[Space]:
    record = staff_record(viewer, operator_id)
    spaces = Space.objects.filter(operator_id=operator_id)
    if record.role == Role.ADMIN:
        return spaces
    return spaces.filter(pk__in=viewer.managed_space_ids(record))


def spaces_managed_list(viewer: Viewer, operator_id: int) -> list[Space]:
    """`spaces_managed_by` as a list in name order, read with SQL written once: the staff
    pages viewed most (the insights dashboard) read it on every request."""
    record = staff_record(viewer, operator_id)
    spaces = operator_space_list(record)
    if record.role == Role.ADMIN:
        return spaces
    managed = viewer.managed_space_ids(record)
    return [space for space in spaces if space.pk in managed]


def operator_space_list(record: Member) -> list[Space]:
    """The spaces of a member record's operator in name order, read with SQL written once
    (core/sql.py); each carries the record's operator (the same row) instead of joining it.
    The caller has already passed the gate that gave it `record`."""
    spaces = sql.select(Space, [("operator", "=", record.operator_id)])
    for space in spaces:
        Space.operator.field.set_cached_value(space, record.operator)
    return sorted(spaces, key=lambda space: (space.name, space.pk))


# --- member records --------------------------------------------------------------------------


def members_for_viewer(viewer: Viewer, operator_id: int) -> QuerySet[Member]:
    """Member records a viewer may list: an operator admin sees the operator's members, a
    space manager those whose home is a space they run; nobody else sees any.

    (Members finding each other goes through the directory, with each profile's privacy.)
    """
    record = staff_record(viewer, operator_id)
    members = Member.objects.filter(operator_id=operator_id)
    if record.role == Role.ADMIN or viewer.is_superuser:
        return members
    return members.filter(home_space_id__in=viewer.managed_space_ids(record))


def _staff_may_see_member(viewer: Viewer, member: Member) -> bool:
    """An admin of the member's operator, or a manager of the member's home space."""
    return viewer.is_admin_of(member.operator_id) or viewer.manages_space(member.home_space)


def member_for_viewer(viewer: Viewer, member_id: int, action: Action = "read") -> Member:
    """Read: oneself, an admin of the member's operator, or a manager of the member's home
    space. Change: oneself (own details), an operator admin, or a manager of the member's home
    space. Anyone else gets a 404: a manager of another space does not learn the record exists.
    """
    _require_authenticated(viewer)
    try:
        member = Member.objects.select_related("operator", "home_space", "user").get(pk=member_id)
    except Member.DoesNotExist:
        raise Http404 from None
    is_self = member.user_id == getattr(viewer.user, "pk", None)
    if not (is_self or viewer.is_superuser or _staff_may_see_member(viewer, member)):
        raise Http404
    if action == "change" and not (
        is_self or viewer.is_superuser or viewer.manages_space(member.home_space)
    ):
        raise PermissionDenied
    return member


def member_role_change_allowed(viewer: Viewer, member: Member, role: str) -> bool:
    """Only admins grant or take away staff roles; managers move members and guests between
    those two roles, and never touch a staff record (an admin's, another manager's, their
    own). Nobody changes their own role, and an operator keeps at least one admin. The record
    of someone who deleted their account is history: it changes no more."""
    if member.user.erased_at is not None:
        return False
    if member.user_id == getattr(viewer.user, "pk", None) and role != member.role:
        return False
    if member.role == Role.ADMIN and role != Role.ADMIN and last_admin(member):
        return False
    if viewer.is_superuser or viewer.is_admin_of(member.operator_id):
        return True
    staff_roles = (Role.ADMIN, Role.MANAGER)
    return (
        viewer.manages_space(member.home_space)
        and member.role not in staff_roles
        and role in (Role.MEMBER, Role.GUEST)
    )


def member_departure_allowed(viewer: Viewer, member: Member) -> bool:
    """Recording that a member left (or came back): those who may change the record, as for
    their role (a staff member's departure is an operator admin's call), never one's own."""
    return (
        member.user_id != getattr(viewer.user, "pk", None)
        and (viewer.is_superuser or viewer.manages_space(member.home_space))
        and member_role_change_allowed(viewer, member, member.role)
    )


def last_admin(member: Member) -> bool:
    """Whether `member` is their operator's only active admin (an operator keeps one)."""
    return (
        not Member.objects.active()
        .filter(operator_id=member.operator_id, role=Role.ADMIN)
        .exclude(pk=member.pk)
        .exists()
    )


# --- activity ledger -------------------------------------------------------------------------


def activities_for_viewer(viewer: Viewer, operator_id: int) -> QuerySet[Activity]:
    """An operator admin reads the operator's ledger; a space manager the lines that happened
    in a space they run or concern a member whose home it is; a member only their own lines."""
    _require_authenticated(viewer)
    record = viewer.record_for(operator_id)
    if record is None:
        raise Http404
    ledger = Activity.objects.filter(operator_id=operator_id)
    if record.role == Role.ADMIN:
        return ledger
    if record.is_staff:
        spaces = viewer.managed_space_ids(record)
        return ledger.filter(Q(space_id__in=spaces) | Q(member__home_space_id__in=spaces))
    return ledger.filter(member=record)
