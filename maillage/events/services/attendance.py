"""At and after the event: attendance (one tap per person on the staff's list, or self
check-in with the QR code shown at the event), closing attendance (which writes the ledger),
feedback and "who did you meet?".

Taps can be undone until attendance is closed: only then are the ledger lines written
(`attended`, `no_show` for those who said they were going and did not come, `hosted` for the
hosts), since the ledger is append-only. Staff close it from the attendance page, or the
periodic command closes it a day after the event (`CLOSE_AFTER`) when attendance was taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from maillage.core.collation import name_key
from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member
from maillage.core.services import activity_record
from maillage.events.models import (
    Attendance,
    Encounter,
    Event,
    EventStatus,
    EventVisibility,
    Feedback,
    Rsvp,
    RsvpStatus,
)
from maillage.events.services.common import ledger_space, lock, record, recount

CHECKIN_OPENS = dt.timedelta(minutes=30)  # before the start
MARKING_OPENS = dt.timedelta(hours=1)
CLOSE_AFTER = dt.timedelta(hours=24)
FEEDBACK_DAYS = 30
MAX_MET = 30
_TOKEN_SALT = "maillage.events.checkin"  # noqa: S105 (an HMAC salt, public)


class AlreadyCheckedIn(DomainError):
    """A second scan: not an error to fix, the page says "you're in"."""


def checkin_token(event: Event) -> str:
    """The token of the event's QR code (an HMAC of the event and a nonce: not guessable)."""
    return salted_hmac(
        _TOKEN_SALT, f"{event.pk}:{event.checkin_nonce}", algorithm="sha256"
    ).hexdigest()[:24]


def _check_marking(event: Event, now: dt.datetime) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise DomainError(_("This event did not take place."))
    if event.attendance_closed_at is not None:
        raise DomainError(_("Attendance for this event is closed."))
    if now < event.starts_at - MARKING_OPENS:
        raise DomainError(_("Attendance opens an hour before the event."))


@transaction.atomic
def attendance_mark(
    *, rsvp: Rsvp, present: bool, by: Member, now: dt.datetime | None = None
) -> Rsvp:
    """A host or staff member taps a person on the list: here, or (tapped again) not."""
    now = now or timezone.now()
    event = lock(rsvp.event)
    _check_marking(event, now)
    rsvp = Rsvp.objects.select_related("member__user").get(pk=rsvp.pk)
    if rsvp.status == RsvpStatus.PENDING:
        raise DomainError(_("This visitor has not confirmed their email address."))
    rsvp.attendance = Attendance.ATTENDED if present else Attendance.UNKNOWN
    rsvp.checked_in_at = now if present else None
    rsvp.checked_in_via = "staff" if present else ""
    rsvp.updated_at = now
    rsvp.save(update_fields=["attendance", "checked_in_at", "checked_in_via", "updated_at"])
    rsvp.event = event
    return rsvp


@transaction.atomic
def event_self_checkin(
    *, event: Event, member: Member, token: str, now: dt.datetime | None = None
) -> Rsvp:
    """A member scans the QR code shown at the event. Someone who had not answered (or was
    on the waiting list) and came anyway is counted too: they are here."""
    now = now or timezone.now()
    event = lock(event)
    if not constant_time_compare(token or "", checkin_token(event)):
        raise DomainError(_("This QR code is not this event's: scan the code shown at the event."))
    _check_marking(event, now)
    if now < event.starts_at - CHECKIN_OPENS:
        raise DomainError(_("Check-in opens 30 minutes before the event."))
    if now > event.ends_at:
        raise DomainError(_("This event is over: check-in is closed."))
    if event.visibility == EventVisibility.MEMBERS and member.operator_id != event.operator_id:
        raise DomainError(_("This event is for the members of its community."))
    rsvp = Rsvp.objects.filter(event=event, member=member).first()
    if rsvp is not None and rsvp.attendance == Attendance.ATTENDED:
        raise AlreadyCheckedIn(_("You are already checked in. Enjoy the event!"))
    if rsvp is None:
        rsvp = Rsvp(event=event, member=member, created_at=now, confirmed_at=now)
    if rsvp.status != RsvpStatus.GOING:
        rsvp.walk_in = True
        rsvp.status = RsvpStatus.GOING
        rsvp.waitlisted_at = None
    rsvp.attendance = Attendance.ATTENDED
    rsvp.checked_in_at = now
    rsvp.checked_in_via = "qr"
    rsvp.updated_at = now
    rsvp.save()
    recount(event)
    rsvp.event = event
    return rsvp


@transaction.atomic
def attendance_close(*, event: Event, now: dt.datetime | None = None) -> dict[str, int]:
    """Make attendance final and write the ledger: attended, no-show (going but not marked,
    only when attendance was taken at all), hosted. Returns the counts."""
    now = now or timezone.now()
    event = lock(event)
    if event.attendance_closed_at is not None:
        raise DomainError(_("Attendance for this event is closed."))
    if event.status != EventStatus.PUBLISHED:
        raise DomainError(_("This event did not take place."))
    if now < event.starts_at:
        raise DomainError(_("This event has not started yet."))
    going = list(
        Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).select_related(
            "member__home_space", "member__operator"
        )
    )
    taken = any(r.attendance == Attendance.ATTENDED for r in going)
    counts = {"attended": 0, "no_show": 0, "hosted": 0}
    for rsvp in going:
        if rsvp.attendance == Attendance.ATTENDED:
            counts["attended"] += 1
            if rsvp.member_id:
                record(member=rsvp.member, kind=ActivityKind.ATTENDED, event=event,
                       now=event.ends_at, via=rsvp.checked_in_via or "staff")  # fmt: skip
        elif taken:
            counts["no_show"] += 1
            rsvp.attendance = Attendance.NO_SHOW
            rsvp.save(update_fields=["attendance"])
            if rsvp.member_id:
                record(member=rsvp.member, kind=ActivityKind.NO_SHOW, event=event,
                       now=event.ends_at)  # fmt: skip
    for host in event.hosts.select_related("home_space", "operator"):
        counts["hosted"] += 1
        record(member=host, kind=ActivityKind.HOSTED, event=event, now=event.ends_at,
               attended=counts["attended"])  # fmt: skip
    event.attendance_closed_at = now
    Event.objects.filter(pk=event.pk).update(attendance_closed_at=now)
    recount(event)
    return counts


def attendees(event: Event) -> list[Member]:
    """Who was there, as far as we know: marked present, else (attendance not taken) going."""
    rsvps = Rsvp.objects.filter(event=event, member__isnull=False, status=RsvpStatus.GOING)
    if rsvps.filter(attendance=Attendance.ATTENDED).exists():
        rsvps = rsvps.filter(attendance=Attendance.ATTENDED)
    hosts = list(event.hosts.select_related("user"))
    people = {r.member_id: r.member for r in rsvps.select_related("member__user")}
    for host in hosts:
        people.setdefault(host.pk, host)
    return sorted(people.values(), key=lambda m: name_key(m.user.get_full_name()))


def feedback_allowed(event: Event, member: Member, now: dt.datetime) -> str | None:
    """Why `member` may not give feedback on `event` now, or None if they may."""
    if event.status != EventStatus.PUBLISHED:
        return _("This event did not take place.")
    if now < event.ends_at - dt.timedelta(minutes=30):
        return _("Feedback opens at the end of the event.")
    if now > event.ends_at + dt.timedelta(days=FEEDBACK_DAYS):
        return _("Feedback closes %(n)d days after the event.") % {"n": FEEDBACK_DAYS}
    if member.pk not in {m.pk for m in attendees(event)}:
        return _("Only the people who came can give feedback on this event.")
    return None


@transaction.atomic
def feedback_give(
    *,
    event: Event,
    member: Member,
    rating: int,
    comment: str = "",
    met: Sequence[Member] = (),
    now: dt.datetime | None = None,
) -> Feedback:
    """After the event: a rating from 1 to 5, a comment, and the people met there (among
    those who came), recorded in the ledger for the ties graph."""
    now = now or timezone.now()
    event = lock(event)
    reason = feedback_allowed(event, member, now)
    if reason:
        raise DomainError(reason)
    if Feedback.objects.filter(event=event, member=member).exists():
        raise DomainError(_("You have already given your feedback on this event. Thank you!"))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Give a rating from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise DomainError(_("Keep the comment under 2,000 characters."), field="comment")
    present = {m.pk for m in attendees(event)}
    others = {m.pk: m for m in met}
    if len(others) > MAX_MET:
        raise DomainError(_("Choose %(n)d people at most.") % {"n": MAX_MET}, field="met")
    for other in others.values():
        if other.pk == member.pk or other.pk not in present:
            raise DomainError(
                _("%(name)s was not at this event.") % {"name": other.user.get_full_name()},
                field="met",
            )
    feedback = Feedback.objects.create(
        event=event, member=member, rating=rating, comment=comment, created_at=now
    )
    record(member=member, kind=ActivityKind.FEEDBACK_GIVEN, event=event, now=now, rating=rating)
    Encounter.objects.bulk_create(
        [Encounter(event=event, member=member, other=o, created_at=now) for o in others.values()]
    )
    for other in others.values():
        activity_record(
            member=member,
            kind=ActivityKind.MET,
            space=ledger_space(event, member),
            target=other,
            occurred_at=now,
            payload={"event": event.pk},
        )
    return feedback
