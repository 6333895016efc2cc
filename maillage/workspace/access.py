"""Access gates of the workspace: one per object type, built on `maillage.core.access.Viewer`.

- Resources, spaces to book, plans: any member of the operator reads them; people of other
  operators get 404.
- Bookings: a member sees and cancels their own (made by or for them); staff of the operator
  see and cancel all of the operator's. Members book for themselves, and on behalf of their
  company when it is theirs (their profile's company or the company that pays their plan);
  staff book for anyone of their operator.
- Resources and closed days change with the space (its managers and the operator's admins);
  plans are the operator admins'; memberships change with the member's home space.
- The front desk of a space is its managers' and the operator's admins'.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.core import access
from maillage.core.access import Action, Viewer
from maillage.core.models import Member, Space
from maillage.members.models import Company
from maillage.workspace.models import (
    Booking,
    CalendarFeed,
    ClosedDay,
    Guest,
    Membership,
    Plan,
    Resource,
)


def _require_authenticated(viewer: Viewer) -> None:
    if not viewer.is_authenticated:
        raise PermissionDenied


def record_for_operator(viewer: Viewer, operator_id: int) -> Member:
    """The viewer's member record with an operator; 404 for anyone else."""
    _require_authenticated(viewer)
    record = viewer.record_for(operator_id)
    if record is None:
        raise Http404
    return record


def current_record(viewer: Viewer) -> Member:
    """The viewer's record in the community they are looking at; 404 without one."""
    _require_authenticated(viewer)
    if viewer.current is None:
        raise Http404
    return viewer.current


# --- spaces and resources --------------------------------------------------------------------


def bookable_spaces(viewer: Viewer, operator_id: int) -> QuerySet[Space]:
    record_for_operator(viewer, operator_id)
    return Space.objects.filter(operator_id=operator_id).select_related("operator")


def bookable_space_list(viewer: Viewer, operator_id: int) -> list[Space]:
    """`bookable_spaces` as a list in name order, read with SQL written once (core/sql.py):
    the calendar reads it on every change of day. Each space carries the viewer's record's
    operator (the same row) instead of joining it again."""
    return access.operator_space_list(record_for_operator(viewer, operator_id))


def space_for_booking(viewer: Viewer, space_id: int) -> Space:
    """A space whose resources the viewer may book: one of their operator's."""
    _require_authenticated(viewer)
    space = Space.objects.select_related("operator").filter(pk=space_id).first()
    if space is None or viewer.record_for(space.operator_id) is None:
        raise Http404
    return space


def space_for_frontdesk(viewer: Viewer, space_id: int) -> Space:
    """The front desk of a space: its managers and the operator's admins."""
    space = space_for_booking(viewer, space_id)
    if not viewer.manages_space(space):
        raise PermissionDenied
    return space


def resources_for_viewer(viewer: Viewer, operator_id: int) -> QuerySet[Resource]:
    """The operator's resources in service, for members and staff of the operator."""
    record_for_operator(viewer, operator_id)
    return Resource.objects.filter(space__operator_id=operator_id, is_active=True).select_related(
        "space"
    )


def resource_for_viewer(viewer: Viewer, resource_id: int, action: Action = "read") -> Resource:
    _require_authenticated(viewer)
    resource = (
        Resource.objects.select_related("space__operator", "assigned_to__user")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None or viewer.record_for(resource.space.operator_id) is None:
        raise Http404
    if action == "read" and not resource.is_active and not viewer.manages_space(resource.space):
        raise Http404
    if action == "change" and not viewer.manages_space(resource.space):
        raise PermissionDenied
    return resource


def closed_day_for_viewer(viewer: Viewer, closed_day_id: int) -> ClosedDay:
    closed = ClosedDay.objects.select_related("space").filter(pk=closed_day_id).first()
    if closed is None:
        raise Http404
    space_for_frontdesk(viewer, closed.space_id)
    return closed


# --- bookings --------------------------------------------------------------------------------


def booking_for_viewer(viewer: Viewer, booking_id: int, action: Action = "read") -> Booking:
    """Read or cancel ("change") a booking: its member, who made it, or staff of the operator."""
    _require_authenticated(viewer)
    booking = (
        Booking.objects.select_related(
            "resource__space", "member__user", "booked_by__user", "company"
        )
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    record = viewer.record_for(booking.resource.space.operator_id)
    if record is None:
        raise Http404
    own = record.pk in (booking.member_id, booking.booked_by_id)
    if not (own or record.is_staff):
        raise Http404
    return booking


def bookings_for_viewer(viewer: Viewer, operator_id: int) -> QuerySet[Booking]:
    """Bookings a viewer may list: staff, all of the operator's; a member, their own."""
    record = record_for_operator(viewer, operator_id)
    bookings = Booking.objects.filter(resource__space__operator_id=operator_id)
    if record.is_staff:
        return bookings
    return bookings.filter(Q(member=record) | Q(booked_by=record))


def booking_subject(
    viewer: Viewer, operator_id: int, member_id: int | None
) -> tuple[Member, Member]:
    """(who the booking is for, who makes it). A member books for themselves; staff for anyone
    active in their operator."""
    record = record_for_operator(viewer, operator_id)
    if member_id is None or member_id == record.pk:
        return record, record
    if not record.is_staff:
        raise PermissionDenied
    member = (
        Member.objects.active()
        .filter(operator_id=operator_id, pk=member_id)
        .select_related("user", "home_space")
        .first()
    )
    if member is None:
        raise Http404
    return member, record


def companies_for_booking(viewer: Viewer, member: Member, by: Member) -> QuerySet[Company]:
    """Companies a booking may be made on behalf of: any of the operator's for staff; for a
    member, their profile's company and the companies that pay their memberships."""
    companies = Company.objects.filter(operator_id=member.operator_id)
    if by.is_staff and by.operator_id == member.operator_id:
        return companies
    return companies.filter(Q(profiles__member=member) | Q(memberships__member=member)).distinct()


def company_for_booking(viewer: Viewer, member: Member, by: Member, company_id: int) -> Company:
    company = companies_for_booking(viewer, member, by).filter(pk=company_id).first()
    if company is None:
        raise PermissionDenied
    return company


# --- plans and memberships -------------------------------------------------------------------


def plans_for_viewer(viewer: Viewer, operator_id: int) -> QuerySet[Plan]:
    record_for_operator(viewer, operator_id)
    return Plan.objects.filter(operator_id=operator_id)


def plan_for_viewer(viewer: Viewer, plan_id: int, action: Action = "read") -> Plan:
    _require_authenticated(viewer)
    plan = Plan.objects.select_related("operator").filter(pk=plan_id).first()
    if plan is None or (viewer.record_for(plan.operator_id) is None and not viewer.is_superuser):
        raise Http404
    if action == "change" and not (viewer.is_admin_of(plan.operator_id) or viewer.is_superuser):
        raise PermissionDenied
    return plan


def membership_for_viewer(
    viewer: Viewer, membership_id: int, action: Action = "read"
) -> Membership:
    """Read: the member, or staff of the operator. Change: managers of the member's home space
    and the operator's admins."""
    _require_authenticated(viewer)
    membership = (
        Membership.objects.select_related("member__user", "member__home_space", "plan", "company")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404
    record = viewer.record_for(membership.member.operator_id)
    if record is None or not (record.pk == membership.member_id or record.is_staff):
        raise Http404
    if action == "change" and not viewer.manages_space(membership.member.home_space):
        raise PermissionDenied
    return membership


def member_for_membership(viewer: Viewer, operator_id: int, member_id: int) -> Member:
    """A member whose plan the viewer may set: staff managing the member's home space."""
    record_for_operator(viewer, operator_id)
    member = (
        Member.objects.filter(operator_id=operator_id, pk=member_id)
        .select_related("user", "home_space")
        .first()
    )
    if member is None:
        raise Http404
    if not viewer.manages_space(member.home_space):
        raise PermissionDenied
    return member


def may_see_companies_usage(viewer: Viewer, operator_id: int) -> bool:
    """Companies' usage is the operator admins' business: a company's lines name members of
    every space, which a space manager may not all see."""
    return viewer.is_superuser or viewer.is_admin_of(operator_id)


def company_for_statement(viewer: Viewer, operator_id: int, company_id: int) -> Company:
    """A company's usage statement: the admins of its operator (`may_see_companies_usage`)."""
    record = record_for_operator(viewer, operator_id)
    if not record.is_staff:
        raise PermissionDenied
    if not may_see_companies_usage(viewer, operator_id):
        raise Http404
    company = Company.objects.filter(operator_id=operator_id, pk=company_id).first()
    if company is None:
        raise Http404
    return company


# --- guests and feeds ------------------------------------------------------------------------


def guest_for_viewer(viewer: Viewer, guest_id: int, action: Action = "read") -> Guest:
    """Read: the host, or staff of the space. Change (welcome): the space's front desk."""
    _require_authenticated(viewer)
    guest = Guest.objects.select_related("space", "host__user").filter(pk=guest_id).first()
    if guest is None:
        raise Http404
    record = viewer.record_for(guest.space.operator_id)
    if record is None or not (record.pk == guest.host_id or record.is_staff):
        raise Http404
    if action == "change" and not viewer.manages_space(guest.space):
        raise PermissionDenied
    return guest


def feed_for_viewer(viewer: Viewer, feed_id: int) -> CalendarFeed:
    """A calendar URL is its owner's alone."""
    _require_authenticated(viewer)
    feed = CalendarFeed.objects.select_related("resource").filter(pk=feed_id).first()
    if feed is None or viewer.record_for_member(feed.owner_id) is None:
        raise Http404
    return feed
