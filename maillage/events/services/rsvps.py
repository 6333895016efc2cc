"""RSVPs: going, maybe, not going; guests; the waiting list and its promotions; RSVPs of
visitors to public events (double opt-in by email, rate-limited, with a honeypot).

Seats are counted under the event's row lock (`common.lock`) from the RSVP table itself, so
no request can take a seat another has just taken, whatever the concurrency. Whoever frees
seats (a cancellation, a larger capacity) promotes people from the waiting list *in the same
transaction*: first come, first served, skipping a party that does not fit for a smaller one
behind it. Each promoted person is emailed (after commit, by the task worker).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.errors import DomainError
from maillage.core.models import ActivityKind, Member
from maillage.events.models import (
    Event,
    EventStatus,
    EventVisibility,
    PublicRsvpAttempt,
    Rsvp,
    RsvpStatus,
)
from maillage.events.services.common import lock, notify_rsvp, record, recount, seats_taken

ANSWERS = (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NOT_GOING)
PUBLIC_PER_IP_PER_HOUR = 5
PUBLIC_PER_EMAIL_PER_DAY = 3
_LINK_SALT = "maillage.events.public-rsvp"
_HASH_SALT = "maillage.events.public-rsvp-attempt"


class Refused(DomainError):
    """Nothing changed and there was nothing to change (a second click): the page shows it as
    information, not as an error."""


def _check_open(event: Event, now: dt.datetime) -> None:
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("This event is cancelled."))
    if event.status != EventStatus.PUBLISHED:
        raise DomainError(_("This event is not open for answers yet."))
    if event.ends_at <= now:
        raise DomainError(_("This event is over."))
    if event.starts_at <= now:
        raise DomainError(_("This event has started: answers are closed."))


def _check_guests(event: Event, guests: int) -> None:
    if guests < 0 or guests > event.max_guests:
        if event.max_guests == 0:
            raise DomainError(_("This event does not take guests."), field="guests")
        raise DomainError(
            ngettext(
                "You may bring %(n)d guest at most.",
                "You may bring %(n)d guests at most.",
                event.max_guests,
            )
            % {"n": event.max_guests},
            field="guests",
        )


def _may_answer(event: Event, member: Member) -> bool:
    if not member.is_active:
        return False
    if event.visibility == EventVisibility.MEMBERS:
        return member.operator_id == event.operator_id
    return True


def _settle(
    event: Event, rsvp: Rsvp, status: str, guests: int, now: dt.datetime
) -> tuple[Rsvp, str]:
    """Apply a wish (going, maybe, not going) to an RSVP under the event's lock: going takes
    seats if there are enough, else the waiting list. Returns the RSVP and its old status."""
    previous = rsvp.status if rsvp.pk else ""
    if not rsvp.pk:
        rsvp.notified_sequence = event.sequence  # changes made before are not news to them
    if status == RsvpStatus.GOING:
        free = None
        if event.capacity is not None:
            free = event.capacity - seats_taken(event, excluding=rsvp)
        if free is None or 1 + guests <= free:
            rsvp.status = RsvpStatus.GOING
            rsvp.waitlisted_at = None
        elif previous == RsvpStatus.GOING:
            raise DomainError(
                ngettext(
                    "Only %(n)d place is left, so you cannot bring that many guests.",
                    "Only %(n)d places are left, so you cannot bring that many guests.",
                    max(free - 1, 0),
                )
                % {"n": max(free - 1, 0)},
                field="guests",
            )
        else:
            rsvp.status = RsvpStatus.WAITLISTED
            if previous != RsvpStatus.WAITLISTED:
                rsvp.waitlisted_at = now
        rsvp.guests = guests
    else:
        rsvp.status = status
        rsvp.guests = 0
        rsvp.waitlisted_at = None
    rsvp.updated_at = now
    rsvp.save()
    return rsvp, previous


def promote(event: Event, *, now: dt.datetime) -> list[Rsvp]:
    """Give freed seats to the waiting list, in order (the caller holds the event's lock)."""
    promoted: list[Rsvp] = []
    if event.capacity is not None:
        free = event.capacity - seats_taken(event)
        waiting = (
            Rsvp.objects.filter(event=event, status=RsvpStatus.WAITLISTED)
            .select_related("member__home_space")
            .order_by("waitlisted_at", "pk")
        )
        for rsvp in waiting:
            if free <= 0:
                break
            if rsvp.seats > free:
                continue
            rsvp.status = RsvpStatus.GOING
            rsvp.promoted_at = now
            rsvp.waitlisted_at = None
            rsvp.updated_at = now
            rsvp.save(update_fields=["status", "promoted_at", "waitlisted_at", "updated_at"])
            free -= rsvp.seats
            promoted.append(rsvp)
            if rsvp.member_id:
                record(member=rsvp.member, kind=ActivityKind.RSVPED, event=event, now=now,
                       status=RsvpStatus.GOING, promoted=True)  # fmt: skip
            notify_rsvp(rsvp)
    recount(event)
    return promoted


@transaction.atomic
def event_rsvp(
    *,
    event: Event,
    member: Member,
    status: str,
    guests: int = 0,
    now: dt.datetime | None = None,
) -> Rsvp:
    """A member answers an event: going (a seat, or the waiting list when it is full),
    maybe, or not going (which frees their seats for the waiting list)."""
    now = now or timezone.now()
    event = lock(event)
    _check_open(event, now)
    if not _may_answer(event, member):
        raise DomainError(_("This event is for the members of its community."))
    if status not in ANSWERS:
        raise DomainError(_("Choose going, maybe or not going."), field="status")
    guests = guests if status == RsvpStatus.GOING else 0
    _check_guests(event, guests)
    rsvp = Rsvp.objects.filter(event=event, member=member).first()
    if rsvp is None:
        if status == RsvpStatus.NOT_GOING:
            raise Refused(_("You had not answered this event."))
        rsvp = Rsvp(event=event, member=member, status="", created_at=now, confirmed_at=now)
    elif rsvp.status == status and rsvp.guests == guests:
        raise Refused(_already(status))
    elif (
        rsvp.status == RsvpStatus.WAITLISTED
        and status == RsvpStatus.GOING
        and (rsvp.guests == guests)
    ):
        raise Refused(_("You are already on the waiting list."))
    rsvp, previous = _settle(event, rsvp, status, guests, now)
    if rsvp.status != previous and rsvp.status != RsvpStatus.NOT_GOING:
        record(member=member, kind=ActivityKind.RSVPED, event=event, now=now, status=rsvp.status)
    if rsvp.status != previous:
        notify_rsvp(rsvp)
    promote(event, now=now)
    rsvp.event = event
    return rsvp


def _already(status: str) -> str:
    return {
        RsvpStatus.GOING: _("You have already said you are going."),
        RsvpStatus.MAYBE: _("You have already said maybe."),
        RsvpStatus.NOT_GOING: _("You have already said you are not going."),
    }[status]


@transaction.atomic
def rsvp_cancel(*, rsvp: Rsvp, now: dt.datetime | None = None) -> Rsvp:
    """Withdraw an answer (a seat or a place on the waiting list); the next on the waiting
    list gets the seats, in the same transaction."""
    now = now or timezone.now()
    event = lock(rsvp.event)
    rsvp = Rsvp.objects.select_related("member").get(pk=rsvp.pk)
    if rsvp.status in (RsvpStatus.NOT_GOING, RsvpStatus.PENDING):
        raise Refused(_("You had not answered this event."))
    if event.ends_at <= now:
        raise DomainError(_("This event is over."))
    if event.starts_at <= now:
        raise DomainError(_("This event has started: answers are closed."))
    rsvp, _previous = _settle(event, rsvp, RsvpStatus.NOT_GOING, 0, now)
    notify_rsvp(rsvp)
    promote(event, now=now)
    rsvp.event = event
    return rsvp


# --- visitors of public events -----------------------------------------------------------


def public_token(rsvp: Rsvp) -> str:
    """The secret of a visitor's links (confirm, cancel): `<id>-<HMAC of id and nonce>`."""
    signature = salted_hmac(_LINK_SALT, f"{rsvp.pk}:{rsvp.nonce}", algorithm="sha256").hexdigest()[
        :32
    ]
    return f"{rsvp.pk}-{signature}"


def public_rsvp_for_token(token: str) -> Rsvp:
    rsvp_id, _sep, signature = (token or "").partition("-")
    rsvp = None
    if rsvp_id.isdigit() and len(rsvp_id) < 19:
        rsvp = (
            Rsvp.objects.select_related("event__space")
            .filter(pk=int(rsvp_id), member__isnull=True)
            .first()
        )
    if rsvp is None or not constant_time_compare(token, public_token(rsvp)) or not signature:
        raise DomainError(
            _("This link is not valid. Check that you copied it whole, or answer the event again.")
        )
    return rsvp


def _hash(value: str) -> str:
    return salted_hmac(_HASH_SALT, value.strip().lower(), algorithm="sha256").hexdigest()


def _attempt_allowed(*, ip: str, email: str, now: dt.datetime) -> None:
    """Refuse a visitor who asked too often, then note this attempt (in its own transaction,
    so a refused form still counts)."""
    ip_hash, email_hash = _hash(ip or "unknown"), _hash(email)
    recent_ip = PublicRsvpAttempt.objects.filter(
        ip_hash=ip_hash, created_at__gte=now - dt.timedelta(hours=1)
    ).count()
    recent_email = PublicRsvpAttempt.objects.filter(
        email_hash=email_hash, created_at__gte=now - dt.timedelta(days=1)
    ).count()
    if recent_ip >= PUBLIC_PER_IP_PER_HOUR:
        raise DomainError(_("Too many answers from your connection: try again in an hour."))
    if recent_email >= PUBLIC_PER_EMAIL_PER_DAY:
        raise DomainError(
            _("Too many answers for this email address today: try again tomorrow."), field="email"
        )
    PublicRsvpAttempt.objects.create(ip_hash=ip_hash, email_hash=email_hash, created_at=now)
    PublicRsvpAttempt.objects.filter(created_at__lt=now - dt.timedelta(days=2)).delete()


def public_rsvp_request(
    *,
    event: Event,
    name: str,
    email: str,
    guests: int = 0,
    ip: str = "",
    honeypot: str = "",
    language: str = "",
    now: dt.datetime | None = None,
) -> Rsvp | None:
    """A visitor asks for a place at a public event: we email them a link to confirm (double
    opt-in); only the confirmed answer takes a seat. A filled honeypot (a field people don't
    see) is answered like a success, and nothing is kept. Rate-limited per connection and per
    address."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    name = " ".join((name or "").split())
    with transaction.atomic():
        _attempt_allowed(ip=ip, email=email or ip, now=now)
    if honeypot.strip():
        return None
    return _public_request(
        event=event, name=name, email=email, guests=guests, language=language, now=now
    )


@transaction.atomic
def _public_request(
    *, event: Event, name: str, email: str, guests: int, language: str, now: dt.datetime
) -> Rsvp:
    event = lock(event)
    if event.visibility != EventVisibility.PUBLIC:
        raise DomainError(_("This event is for members only."))
    _check_open(event, now)
    if not name or len(name) > 120:
        raise DomainError(_("Give your name (120 characters at most)."), field="name")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="email") from None
    _check_guests(event, guests)
    rsvp = Rsvp.objects.filter(event=event, member__isnull=True, email=email).first()
    if rsvp is not None and rsvp.status in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
        raise DomainError(
            _("This email address has already answered: the confirmation was sent to it."),
            field="email",
        )
    if rsvp is None:
        rsvp = Rsvp(event=event, email=email, created_at=now)
    rsvp.name = name
    rsvp.guests = guests
    rsvp.language = (language or settings.LANGUAGE_CODE)[:8]
    rsvp.status = RsvpStatus.PENDING
    rsvp.notified_status = ""
    rsvp.updated_at = now
    rsvp.save()
    notify_rsvp(rsvp)
    return rsvp


@transaction.atomic
def public_rsvp_confirm(*, token: str, now: dt.datetime | None = None) -> Rsvp:
    """The visitor clicked the link: they get seats, or a place on the waiting list.
    Clicking again changes nothing."""
    now = now or timezone.now()
    rsvp = public_rsvp_for_token(token)
    event = lock(rsvp.event)
    rsvp = Rsvp.objects.get(pk=rsvp.pk)
    if rsvp.status in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
        rsvp.event = event
        return rsvp
    if rsvp.status != RsvpStatus.PENDING:
        raise DomainError(_("This answer was withdrawn: answer the event again if you wish."))
    _check_open(event, now)
    rsvp.confirmed_at = now
    rsvp, _previous = _settle(event, rsvp, RsvpStatus.GOING, rsvp.guests, now)
    notify_rsvp(rsvp)
    recount(event)
    rsvp.event = event
    return rsvp


@transaction.atomic
def public_rsvp_cancel(*, token: str, now: dt.datetime | None = None) -> Rsvp:
    return rsvp_cancel(rsvp=public_rsvp_for_token(token), now=now)
