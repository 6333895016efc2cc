"""The access gate of events: who sees which event, who answers, edits, approves, takes
attendance. Built on `maillage.core.access.Viewer`.

- Reading a published (or cancelled) event depends on its visibility: "members" — members
  of the event's operator; "network" — anyone with a member record anywhere; "public" —
  anyone, logged in or not. A proposal (or a declined one) is seen by whoever proposed it,
  its hosts and the staff who may approve it; others get 404.
- Answering (RSVP) is for anyone who may read a published event and has a member record;
  visitors use the public form of public events.
- Changing an event (details, cancelling it, taking attendance) is for its hosts and the
  staff who run it; approving or declining a proposal is for the staff only: the managers of
  the event's space and the operator's admins (for an event across the operator's spaces,
  any staff of the operator).
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.core.access import Viewer
from maillage.core.models import Member, Role, Space
from maillage.events.models import Event, EventStatus, EventVisibility, Rsvp

EventAction = Literal["read", "rsvp", "change", "approve"]
VISIBLE_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """Published or cancelled events the viewer may see, as a filter (lists, feeds)."""
    p = prefix
    q = Q(**{f"{p}visibility": EventVisibility.PUBLIC})
    if viewer.records:
        q |= Q(**{f"{p}visibility": EventVisibility.NETWORK})
        q |= Q(
            **{
                f"{p}visibility": EventVisibility.MEMBERS,
                f"{p}operator_id__in": [r.operator_id for r in viewer.records],
            }
        )
    return q & Q(**{f"{p}status__in": VISIBLE_STATUSES})


def may_see(viewer: Viewer, event: Event) -> bool:
    if event.status in VISIBLE_STATUSES:
        if event.visibility == EventVisibility.PUBLIC:
            return True
        if event.visibility == EventVisibility.NETWORK:
            return bool(viewer.records)
        return viewer.record_for(event.operator_id) is not None or viewer.is_superuser
    return is_host(viewer, event) or may_approve(viewer, event) or _proposed(viewer, event)


def _proposed(viewer: Viewer, event: Event) -> bool:
    return viewer.record_for_member(event.proposed_by_id) is not None


def host_ids(event: Event) -> set[int]:
    if not hasattr(event, "_host_ids"):
        event._host_ids = {m.pk for m in event.hosts.all()}
    return event._host_ids


def is_host(viewer: Viewer, event: Event) -> bool:
    return any(r.pk in host_ids(event) for r in viewer.records)


def may_approve(viewer: Viewer, event: Event) -> bool:
    """Staff who run the event's space (or, for an event across spaces, the operator)."""
    if viewer.is_superuser:
        return True
    if event.space_id is not None:
        return viewer.manages_space(event.space)
    return viewer.is_staff_of(event.operator_id)


def may_approve_member(member: Member, space: Space | None, operator_id: int) -> bool:
    """The same rule as `may_approve`, for a member record (what the services receive)."""
    if member.operator_id != operator_id or not member.is_staff or not member.is_active:
        return False
    if member.role == Role.ADMIN or space is None:
        return True
    return space.pk == member.home_space_id or member.managed_spaces.filter(pk=space.pk).exists()


def may_change(viewer: Viewer, event: Event) -> bool:
    return is_host(viewer, event) or may_approve(viewer, event)


def event_for_viewer(viewer: Viewer, event_id: int, action: EventAction = "read") -> Event:
    """An event the viewer may see (404 otherwise), and may do `action` to (403 otherwise)."""
    event = (
        Event.objects.select_related("space__operator", "operator", "room", "proposed_by__user")
        .prefetch_related("hosts__user", "interests")
        .filter(pk=event_id)
        .first()
    )
    if event is None or not may_see(viewer, event):
        raise Http404
    if action == "rsvp" and not (event.is_published and rsvp_record(viewer, event)):
        raise PermissionDenied
    if action == "change" and not may_change(viewer, event):
        raise PermissionDenied
    if action == "approve" and not may_approve(viewer, event):
        raise PermissionDenied
    return event


def rsvp_record(viewer: Viewer, event: Event) -> Member | None:
    """The member record a viewer answers an event with: theirs with the event's operator,
    else the community they are looking at (a network event), else none (a visitor)."""
    return viewer.record_for(event.operator_id) or viewer.current


def spaces_for_events(viewer: Viewer, operator_id: int) -> QuerySet[Space]:
    """Spaces where the viewer may propose an event: any of their operator's."""
    if viewer.record_for(operator_id) is None:
        raise Http404
    return Space.objects.filter(operator_id=operator_id).order_by("name")


def events_for_staff(viewer: Viewer, operator_id: int) -> QuerySet[Event]:
    """Events the staff of an operator run: admins, all of them; managers, those of their
    spaces and those across the operator's spaces."""
    record = viewer.record_for(operator_id)
    if record is None or not record.is_staff:
        raise PermissionDenied
    events = Event.objects.filter(operator_id=operator_id)
    if record.role == Role.ADMIN or viewer.is_superuser:
        return events
    return events.filter(Q(space_id__in=viewer.managed_space_ids(record)) | Q(space__isnull=True))


def rsvp_for_attendance(viewer: Viewer, rsvp_id: int) -> Rsvp:
    """An RSVP whose attendance the viewer may mark: a host's or the staff's."""
    rsvp = (
        Rsvp.objects.select_related("event__space", "member__user", "member__home_space")
        .filter(pk=rsvp_id)
        .first()
    )
    if rsvp is None or not may_see(viewer, rsvp.event):
        raise Http404
    if not may_change(viewer, rsvp.event):
        raise PermissionDenied
    return rsvp
