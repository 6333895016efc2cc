"""Event emails, sent by the task worker: confirmation (with the event as an .ics file),
waiting list, promotion from the waiting list, the reminder the day before, a change, a
cancellation, and the confirmation link of a visitor's RSVP.

Each is written in the recipient's language (`translation.override`) and decided from the
state of the database when the task runs, so a task that runs twice, or late, never sends
something stale: an RSVP remembers what its person was last told (`notified_status`,
`notified_sequence`, `reminded_at`). Members choose which emails they receive
(`NotificationPreference`); a visitor's confirmation link is always sent (it is the RSVP).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maillage.core.dates import date_format
from maillage.core.mail import deliverable
from maillage.core.models import Member
from maillage.events import ical
from maillage.events.models import (
    Event,
    EventStatus,
    NotificationPreference,
    Rsvp,
    RsvpStatus,
)

REMINDER_WINDOW = dt.timedelta(hours=24)
# An answer given this close to the event got its confirmation moments ago: no reminder.
REMINDER_MIN_NOTICE = dt.timedelta(hours=18)
ANSWERED = (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLISTED)


def preferences_for(member: Member) -> NotificationPreference:
    found = NotificationPreference.objects.filter(member=member).first()
    return found or NotificationPreference(member=member)


@transaction.atomic
def notification_preferences_update(*, member: Member, **choices: bool) -> NotificationPreference:
    unknown = set(choices) - set(NotificationPreference.KINDS)
    if unknown:
        raise ValueError(f"Unknown notifications: {', '.join(sorted(unknown))}")
    preferences, _created = NotificationPreference.objects.get_or_create(member=member)
    for kind, wanted in choices.items():
        setattr(preferences, kind, bool(wanted))
    preferences.save()
    return preferences


def _wants(rsvp: Rsvp, kind: str) -> bool:
    if rsvp.member_id is None:
        return True
    if not rsvp.member.is_active or not rsvp.member.user.is_active:
        return False
    return getattr(preferences_for(rsvp.member), kind)


def _language(rsvp: Rsvp) -> str:
    if rsvp.member_id:
        return rsvp.member.user.language or settings.LANGUAGE_CODE
    return rsvp.language or settings.LANGUAGE_CODE


def _address(rsvp: Rsvp) -> str:
    return rsvp.member.user.email if rsvp.member_id else rsvp.email


def _context(rsvp: Rsvp, event: Event) -> dict:
    from maillage.events.services.rsvps import public_token

    local_start = event.starts_at.astimezone(event.tz)
    local_end = event.ends_at.astimezone(event.tz)
    context = {
        "rsvp": rsvp,
        "event": event,
        "name": rsvp.member.user.get_short_name() if rsvp.member_id else rsvp.name,
        "day": date_format(local_start, "l j F Y"),
        "start": date_format(local_start, "H:i"),
        "end": date_format(local_end, "H:i"),
        "place": event.place,
        "address": event.space.address if event.space_id else "",
        "url": ical.event_url(event),
        "guests": rsvp.guests,
        "site": settings.SITE_URL,
    }
    if rsvp.member_id:
        context["preferences_url"] = settings.SITE_URL + reverse("event_notifications")
    else:
        token = public_token(rsvp)
        context["confirm_url"] = settings.SITE_URL + reverse("event_public_confirm", args=[token])
        context["cancel_url"] = settings.SITE_URL + reverse("event_public_cancel", args=[token])
    return context


def _send(rsvp: Rsvp, event: Event, template: str, subject: str, *, ics: bool) -> None:
    if not deliverable(_address(rsvp)):  # a deleted account, a visitor who asked to be forgotten
        return
    context = _context(rsvp, event)
    subject = " ".join(subject.split())  # a title never adds a header line
    message = EmailMessage(
        subject=subject,
        body=render_to_string(f"events/email/{template}.txt", context),
        to=[_address(rsvp)],
        reply_to=[event.space.contact_email]
        if event.space_id and event.space.contact_email
        else None,
    )
    if ics:
        message.attach(
            "event.ics",
            ical.event_ics(event, status=rsvp.status),
            "text/calendar; method=PUBLISH",
        )
    message.send()


def _load(rsvp_id: int) -> Rsvp | None:
    return (
        Rsvp.objects.select_related("event__space", "event__room", "member__user")
        .filter(pk=rsvp_id)
        .first()
    )


def rsvp_notice_send(*, rsvp_id: int) -> str:
    """Tell a person what their answer now is, if they have not been told. Returns what was
    sent ("confirmation", "waitlisted", "promoted", "confirm_link") or ""."""
    rsvp = _load(rsvp_id)
    if rsvp is None or rsvp.status == rsvp.notified_status:
        return ""
    event = rsvp.event
    kind, sent = "", ""
    if event.status == EventStatus.PUBLISHED and event.ends_at > timezone.now():
        if rsvp.status == RsvpStatus.PENDING:
            kind = "confirm_link"
        elif (
            rsvp.status == RsvpStatus.GOING
            and rsvp.promoted_at is not None
            and (rsvp.notified_status in ("", RsvpStatus.WAITLISTED))
        ):
            kind = "promoted"
        elif rsvp.status == RsvpStatus.GOING:
            kind = "confirmation"
        elif rsvp.status == RsvpStatus.WAITLISTED:
            kind = "waitlisted"
    preference = {"promoted": "promotions"}.get(kind, "confirmations")
    if kind and (kind == "confirm_link" or _wants(rsvp, preference)):
        with translation.override(_language(rsvp)):
            values = {"title": event.title}
            subjects = {
                "confirm_link": _("Confirm your place at %(title)s"),
                "promoted": _("A place freed up: you are going to %(title)s"),
                "confirmation": _("You are going to %(title)s"),
                "waitlisted": _("You are on the waiting list for %(title)s"),
            }
            _send(
                rsvp, event, kind, subjects[kind] % values, ics=kind in ("promoted", "confirmation")
            )
        sent = kind
    Rsvp.objects.filter(pk=rsvp.pk).update(
        notified_status=rsvp.status, notified_sequence=event.sequence
    )
    return sent


def event_change_send(*, event_id: int, sequence: int) -> int:
    """Tell everyone who answered an event that it changed or was cancelled (once per change).
    Returns how many emails were sent."""
    event = Event.objects.select_related("space", "room").filter(pk=event_id).first()
    if event is None or event.sequence != sequence:
        return 0  # a later change will tell them everything at once
    cancelled = event.status == EventStatus.CANCELLED
    rsvps = Rsvp.objects.filter(
        event=event, notified_sequence__lt=sequence, status__in=ANSWERED
    ).select_related("member__user")
    sent = 0
    for rsvp in rsvps:
        rsvp.event = event
        if _wants(rsvp, "changes"):
            with translation.override(_language(rsvp)):
                if cancelled:
                    subject = _("Cancelled: %(title)s") % {"title": event.title}
                else:
                    subject = _("Changed: %(title)s") % {"title": event.title}
                _send(rsvp, event, "cancelled" if cancelled else "changed", subject, ics=True)
            sent += 1
        Rsvp.objects.filter(pk=rsvp.pk).update(notified_sequence=sequence)
    return sent


def reminders_due(*, now: dt.datetime | None = None) -> list[int]:
    """RSVPs (going) to remind now: the event starts within a day, and the answer was given
    well before (a fresh answer has just been confirmed)."""
    now = now or timezone.now()
    return list(
        Rsvp.objects.filter(
            status=RsvpStatus.GOING,
            reminded_at__isnull=True,
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_WINDOW,
        )
        .exclude(updated_at__gt=F("event__starts_at") - REMINDER_MIN_NOTICE)
        .values_list("pk", flat=True)
    )


def reminder_send(*, rsvp_id: int, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        rsvp = _load(rsvp_id)
        if rsvp is None or rsvp.reminded_at is not None or rsvp.status != RsvpStatus.GOING:
            return False
        # Claim it first: a second worker running the same task finds it done.
        claimed = Rsvp.objects.filter(pk=rsvp.pk, reminded_at__isnull=True).update(reminded_at=now)
    event = rsvp.event
    if not claimed or event.status != EventStatus.PUBLISHED or event.starts_at <= now:
        return False
    if not _wants(rsvp, "reminders"):
        return False
    with translation.override(_language(rsvp)):
        subject = _("Reminder: %(title)s, %(day)s at %(time)s") % {
            "title": event.title,
            "day": date_format(event.starts_at.astimezone(event.tz), "l j F"),
            "time": date_format(event.starts_at.astimezone(event.tz), "H:i"),
        }
        _send(rsvp, event, "reminder", subject, ics=True)
    return True
