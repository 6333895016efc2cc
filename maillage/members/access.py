"""The access gate for profiles: which sections of whose profile a viewer may see.

A viewer's relation to a profile's owner is ranked; a section is visible when the relation
reaches the visibility the owner chose for it:

    self (4) > same space (3) > same operator (2) > member of the network (1) > public (0)

Space managers and operator admins stand in "same space" for the spaces they run. A member
who chose not to be listed is seen only by themselves and by the staff of their spaces.
Search and counts use `visible_entries_q`, the same rule expressed as a query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q
from django.http import Http404

from maillage.core.access import Viewer
from maillage.core.models import Member, Role, Space
from maillage.members.models import VISIBILITY_RANK, Profile, Visibility

SELF, SAME_SPACE, SAME_OPERATOR, NETWORK, PUBLIC = 4, 3, 2, 1, 0


def relation(viewer: Viewer, member: Member) -> int:
    if viewer.user is not None and member.user_id == viewer.user.pk:
        return SELF
    record = viewer.record_for(member.operator_id)
    if record is not None:
        if record.home_space_id == member.home_space_id or viewer.manages_space(member.home_space):
            return SAME_SPACE
        return SAME_OPERATOR
    if viewer.records:
        return NETWORK
    return PUBLIC


@dataclass(frozen=True)
class ProfileView:
    """A profile as one viewer may see it."""

    profile: Profile
    sections: frozenset[str]
    relation: int

    def sees(self, section: str) -> bool:
        return section in self.sections

    @property
    def is_self(self) -> bool:
        return self.relation == SELF


def visible_sections(viewer: Viewer, profile: Profile) -> frozenset[str]:
    rank = relation(viewer, profile.member)
    if not profile.listed and rank < SAME_SPACE:
        return frozenset()
    if (
        not profile.listed
        and rank == SAME_SPACE
        and not viewer.manages_space(profile.member.home_space)
    ):
        return frozenset()
    if rank == SELF:
        return frozenset(Profile.SECTIONS)
    return frozenset(
        s for s in Profile.SECTIONS if rank >= VISIBILITY_RANK[profile.visibility_of(s)]
    )


def profile_for_viewer(viewer: Viewer, member_id: int) -> ProfileView:
    """A member's profile as the viewer may see it, or 404 if they may see none of it."""
    profile = (
        Profile.objects.select_related(
            "member__user", "member__home_space", "member__operator", "company"
        )
        .filter(member_id=member_id, member__left_on__isnull=True)
        .first()
    )
    if profile is None:
        raise Http404
    sections = visible_sections(viewer, profile)
    if not sections:
        raise Http404
    return ProfileView(
        profile=profile, sections=sections, relation=relation(viewer, profile.member)
    )


def profile_for_owner(viewer: Viewer, member_id: int | None = None) -> Profile:
    """The profile the viewer may edit: their own (current community by default)."""
    if viewer.user is None:
        raise Http404
    member = viewer.current if member_id is None else viewer.record_for_member(member_id)
    if member is None or member.user_id != viewer.user.pk:
        raise Http404
    profile, _ = Profile.objects.get_or_create(member=member)
    return profile


def viewer_space_ids(viewer: Viewer) -> set[int]:
    """Spaces where the viewer counts as "same space": home spaces and spaces they run."""
    ids: set[int] = set()
    admin_operators = [r.operator_id for r in viewer.records if r.role == Role.ADMIN]
    for record in viewer.records:
        ids.add(record.home_space_id)
        if record.role == Role.MANAGER:
            ids |= viewer.managed_space_ids(record)
    if admin_operators:
        ids |= set(
            Space.objects.filter(operator_id__in=admin_operators).values_list("pk", flat=True)
        )
    return ids


def visible_entries_q(viewer: Viewer, prefix: str = "") -> Q:
    """Search entries (see `SearchEntry`) the viewer may match against, as a filter."""
    p = prefix
    operator_ids = [r.operator_id for r in viewer.records]
    space_ids = viewer_space_ids(viewer)
    q = Q(**{f"{p}visibility": Visibility.PUBLIC})
    if viewer.records:
        q |= Q(**{f"{p}visibility": Visibility.NETWORK})
        q |= Q(**{f"{p}visibility": Visibility.OPERATOR, f"{p}operator_id__in": operator_ids})
        q |= Q(**{f"{p}space_id__in": space_ids})
    listed = Q(**{f"{p}profile__listed": True})
    staff_spaces = _staff_space_ids(viewer)
    if staff_spaces:
        listed |= Q(**{f"{p}space_id__in": staff_spaces})
    own = Q()
    if viewer.user is not None:
        own = Q(**{f"{p}profile__member__user_id": viewer.user.pk})
    # An entry written before the member moved to another space fails closed until reindexed.
    current = Q(**{f"{p}space_id": F(f"{p}profile__member__home_space_id")})
    return ((q & listed) | own) & current & Q(**{f"{p}profile__member__left_on__isnull": True})


def _staff_space_ids(viewer: Viewer) -> set[int]:
    ids: set[int] = set()
    admin_operators = [r.operator_id for r in viewer.records if r.role == Role.ADMIN]
    for record in viewer.records:
        if record.role == Role.MANAGER:
            ids |= viewer.managed_space_ids(record)
    if admin_operators:
        ids |= set(
            Space.objects.filter(operator_id__in=admin_operators).values_list("pk", flat=True)
        )
    return ids
