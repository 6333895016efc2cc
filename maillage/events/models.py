"""Community events: events and recurring series, RSVPs and waitlists, attendance, feedback,
"who did you meet?", notification preferences and calendar feeds.

Times are stored in UTC and read in the space's time zone. An event happens at one space
(`space`), or across an operator's spaces (`space` empty: held elsewhere, `location` says
where). Its room is reserved through the workspace's booking service (`booking`), so a room
is never given twice.

Seats: `capacity` counts people, the member and their guests alike; `going_count` and
`waitlist_count` mirror the RSVP table. They are written only by the RSVP services, inside
a transaction that holds the event's row lock, so they are always exact.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Member, Operator, Space, choice_label


def _nonce() -> str:
    return secrets.token_hex(16)


class EventKind(models.TextChoices):
    BREAKFAST = "breakfast", _("breakfast")
    LUNCH = "lunch", _("lunch")
    WORKSHOP = "workshop", _("workshop")
    TALK = "talk", _("talk")
    AFTERWORK = "afterwork", _("afterwork")
    TRAINING = "training", _("training")
    SHOWCASE = "showcase", _("members' showcase")
    SPORT = "sport", _("sport or outing")
    OTHER = "other", _("other")


class EventVisibility(models.TextChoices):
    """Who sees an event and may RSVP, from the narrowest to the widest."""

    MEMBERS = "members", _("Members of our spaces")
    NETWORK = "network", _("Members across the network")
    PUBLIC = "public", _("Everyone, including visitors")


class EventStatus(models.TextChoices):
    PROPOSED = "proposed", _("waiting for approval")
    PUBLISHED = "published", _("published")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class EventSeries(models.Model):
    """A recurring event ("every Thursday lunch"): an RFC 5545 RRULE read in the space's time
    zone, with exception dates. Occurrences are materialised as `Event`s up to
    `filled_until` (a bounded horizon, extended by a periodic task); each new occurrence
    copies the series' first occurrence (title, description, capacity, tags, hosts)."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="event_series")
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.PROTECT, related_name="event_series"
    )
    rule = models.CharField(_("repetition rule"), max_length=200)
    first_day = models.DateField(_("first day"))
    start_time = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    exceptions = models.JSONField(_("exception dates"), default=list, blank=True)
    last_day = models.DateField(_("last day"))
    filled_until = models.DateField()
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recurring event")
        verbose_name_plural = _("recurring events")

    def __str__(self) -> str:
        return f"{self.rule} from {self.first_day}"


class EventQuerySet(models.QuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status=EventStatus.PUBLISHED)

    def upcoming(self, now=None) -> EventQuerySet:
        return self.filter(ends_at__gt=now or timezone.now())


class Event(models.Model):
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="events")
    space = models.ForeignKey(
        Space,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("space"),
    )
    series = models.ForeignKey(
        EventSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    occurrence_on = models.DateField(null=True, blank=True)

    title = models.CharField(_("title"), max_length=140)
    kind = models.CharField(_("type"), max_length=12, choices=EventKind.choices)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    location = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where exactly, or the address when it is not at one of our spaces."),
    )
    cover = models.ImageField(_("cover image"), upload_to="events/%Y/", blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        "workspace.Resource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("room"),
    )
    booking = models.ForeignKey(
        "workspace.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_guests = models.PositiveSmallIntegerField(_("guests per member"), default=0)
    visibility = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=EventVisibility.choices,
        default=EventVisibility.MEMBERS,
    )
    status = models.CharField(max_length=10, choices=EventStatus.choices)

    hosts = models.ManyToManyField(Member, related_name="hosted_events", verbose_name=_("hosts"))
    interests = models.ManyToManyField(
        "members.Interest", blank=True, related_name="events", verbose_name=_("interests")
    )
    skills = models.ManyToManyField(
        "members.SkillConcept", blank=True, related_name="+", verbose_name=_("skills")
    )
    # What ranking needs, computed when the event is written (never per page view):
    # {"interests": [ids], "skills": [concept ids], "host_skills": [concept ids]}.
    features = models.JSONField(default=dict, blank=True)

    proposed_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)

    going_count = models.PositiveIntegerField(default=0)  # seats taken, guests included
    maybe_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)

    checkin_nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    attendance_closed_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE: goes up each time attendees should hear of a change.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["series", "occurrence_on"],
                condition=Q(series__isnull=False),
                name="event_one_occurrence_a_day",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visibility", "starts_at"], name="event_visible_time"),
            models.Index(fields=["operator", "status", "starts_at"], name="event_operator_time"),
            models.Index(fields=["space", "starts_at"], name="event_space_time"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.going_count)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity

    def get_kind_display(self) -> str:
        return choice_label(EventKind, self.kind)

    @property
    def tz(self):
        return self.space.tz if self.space_id else timezone.get_default_timezone()

    @property
    def place(self) -> str:
        """Where, in one line: the room and the space, or the location given."""
        parts = []
        if self.room_id:
            parts.append(self.room.name)
        if self.location:
            parts.append(self.location)
        if self.space_id:
            parts.append(self.space.name)
        return ", ".join(parts)


class RsvpStatus(models.TextChoices):
    PENDING = "pending", _("waiting for email confirmation")
    GOING = "going", _("going")
    MAYBE = "maybe", _("maybe")
    NOT_GOING = "not_going", _("not going")
    WAITLISTED = "waitlisted", _("on the waiting list")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("not taken")
    ATTENDED = "attended", _("came")
    NO_SHOW = "no_show", _("did not come")


class Rsvp(models.Model):
    """One person's answer to an event: a member (`member`), or a visitor of a public event
    (`name` and `email`, confirmed by a link sent to that address)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="rsvps"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=RsvpStatus.choices)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_via = models.CharField(max_length=8, blank=True)  # "staff" or "qr"
    walk_in = models.BooleanField(default=False)
    # What the person was last told by email (the notification task compares with the state).
    notified_status = models.CharField(max_length=10, blank=True)
    notified_sequence = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                condition=Q(member__isnull=False),
                name="rsvp_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(member__isnull=True),
                name="rsvp_one_per_email",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(email=""), name="rsvp_member_or_email"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at"], name="rsvp_event_status"),
            models.Index(fields=["member", "status"], name="rsvp_member_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.member_id or self.email} {self.status}"

    @property
    def seats(self) -> int:
        return 1 + self.guests

    @property
    def display_name(self) -> str:
        if self.member_id:
            return self.member.user.get_full_name()
        return self.name or self.email

    @property
    def holds_seats(self) -> bool:
        return self.status == RsvpStatus.GOING


class Feedback(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_feedback")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]


class Encounter(models.Model):
    """ "Who did you meet?": `member` says they met `other` at `event` (one direction)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="encounters")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "member", "other"], name="encounter_once"),
            models.CheckConstraint(
                condition=~Q(member=models.F("other")), name="encounter_not_self"
            ),
        ]


class NotificationPreference(models.Model):
    """Which event emails a member receives (all of them until they choose)."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="event_notifications"
    )
    confirmations = models.BooleanField(_("confirmation of my RSVPs"), default=True)
    reminders = models.BooleanField(_("a reminder the day before"), default=True)
    promotions = models.BooleanField(_("a place freed up on a waiting list"), default=True)
    changes = models.BooleanField(_("changes and cancellations"), default=True)

    KINDS = ("confirmations", "reminders", "promotions", "changes")

    class Meta:
        verbose_name = _("event notification preferences")
        verbose_name_plural = _("event notification preferences")


class EventFeed(models.Model):
    """A secret iCalendar URL: a member's own events, or every event of a space they may see.

    The token is an HMAC of the id and `nonce` (see `services.feeds`); revoking marks the row
    and a new row (new URL) replaces it.
    """

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_feeds")
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "space"], name="event_feed_owner_space")]


class PublicRsvpAttempt(models.Model):
    """Each RSVP request from the public form (kept a day), for the per-address rate limit.

    Only keyed hashes of the IP address and the email are stored.
    """

    ip_hash = models.CharField(max_length=64)
    email_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["ip_hash", "created_at"], name="public_rsvp_ip"),
            models.Index(fields=["email_hash", "created_at"], name="public_rsvp_email"),
        ]
