"""Resources of a space (rooms, desks, booths, equipment) and the days a space is closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import Space
from maillage.workspace.models import (
    AMENITIES,
    Booking,
    ClosedDay,
    Resource,
    ResourceKind,
)

RESOURCE_FIELDS = {
    "kind", "name", "description", "capacity", "seats", "photo", "amenities",
    "credits_per_hour", "credits_per_half_day", "credits_per_day",
    "price_per_hour", "price_per_half_day", "price_per_day",
    "free_cancel_hours", "is_bookable", "assigned_to", "is_active", "position",
}  # fmt: skip
RATE_FIELDS = (
    "credits_per_hour", "credits_per_half_day", "credits_per_day",
    "price_per_hour", "price_per_half_day", "price_per_day",
)  # fmt: skip


def _check_resource(resource: Resource) -> None:
    resource.name = " ".join((resource.name or "").split())
    if not resource.name:
        raise DomainError(_("A resource needs a name."), field="name")
    if resource.kind not in ResourceKind.values:
        raise DomainError(_("Choose what kind of resource it is."), field="kind")
    if resource.seats < 1:
        raise DomainError(_("A resource has at least one seat."), field="seats")
    if resource.kind != ResourceKind.DESK and resource.seats != 1:
        raise DomainError(
            _("Only hot desks have several seats; a room is booked as a whole."), field="seats"
        )
    if resource.capacity < 1:
        raise DomainError(_("A resource holds at least one person."), field="capacity")
    unknown = [a for a in resource.amenities or [] if a not in AMENITIES]
    if unknown:
        raise DomainError(_("Unknown amenity: %(name)s.") % {"name": unknown[0]}, field="amenities")
    for field in RATE_FIELDS:
        value = getattr(resource, field)
        if value is not None and Decimal(value) < 0:
            raise DomainError(_("Rates cannot be negative."), field=field)
    if resource.assigned_to_id is not None:
        if resource.kind != ResourceKind.FIXED_DESK:
            raise DomainError(_("Only a fixed desk is assigned to someone."), field="assigned_to")
        if resource.assigned_to.operator_id != resource.space.operator_id:
            raise DomainError(
                _("Assign the desk to a member of this community."), field="assigned_to"
            )


def _save(resource: Resource) -> Resource:
    _check_resource(resource)
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError:
        raise DomainError(
            _("%(space)s already has a resource called %(name)s.")
            % {"space": resource.space.name, "name": resource.name},
            field="name",
        ) from None
    return resource


@transaction.atomic
def resource_create(*, space: Space, kind: str, name: str, **fields: Any) -> Resource:
    unknown = set(fields) - RESOURCE_FIELDS
    if unknown:
        raise ValueError(f"Unknown resource fields: {', '.join(sorted(unknown))}")
    if kind == ResourceKind.FIXED_DESK:
        fields.setdefault("is_bookable", False)
    return _save(Resource(space=space, kind=kind, name=name, **fields))


@transaction.atomic
def resource_update(*, resource: Resource, **fields: Any) -> Resource:
    unknown = set(fields) - RESOURCE_FIELDS
    if unknown:
        raise ValueError(f"Unknown resource fields: {', '.join(sorted(unknown))}")
    seats_before = resource.seats
    for name, value in fields.items():
        setattr(resource, name, value)
    # Fewer seats: no confirmed future booking may hold a seat that no longer exists.
    if resource.seats < seats_before and (
        Booking.objects.confirmed()
        .filter(resource=resource, seat__gt=resource.seats, ends_at__gt=timezone.now())
        .exists()
    ):
        raise DomainError(
            _("Some bookings to come use the seats you are removing; cancel them first."),
            field="seats",
        )
    return _save(resource)


@transaction.atomic
def closed_day_add(*, space: Space, date: dt.date, reason: str = "") -> tuple[ClosedDay, int]:
    """Close `space` on `date`; returns the closed day and how many confirmed bookings that
    day the staff should now cancel (bookings are never cancelled behind their owner's back)."""
    try:
        with transaction.atomic():
            closed = ClosedDay.objects.create(space=space, date=date, reason=reason.strip()[:120])
    except IntegrityError:
        raise DomainError(_("This day is already closed."), field="date") from None
    tz = space.tz
    start = dt.datetime.combine(date, dt.time(0), tzinfo=tz)
    affected = (
        Booking.objects.confirmed()
        .filter(resource__space=space)
        .overlapping(start, start + dt.timedelta(days=1))
        .count()
    )
    return closed, affected


@transaction.atomic
def closed_day_remove(*, closed_day: ClosedDay) -> None:
    closed_day.delete()
