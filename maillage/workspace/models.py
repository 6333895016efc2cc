"""Resources, plans and memberships, bookings, check-ins, guests and calendar feeds.

Times are stored in UTC and read in the space's time zone (`Space.tz`). Amounts are in euros
(excluding tax); credits are the plan's meeting-room currency.

Double booking: on PostgreSQL an exclusion constraint on (resource, seat, time range) of the
confirmed bookings, created by migration 0002 (it is not declared in `Meta` so that SQLite,
which has no such constraint, can still rebuild the table). On SQLite the service checks for an
overlap inside a write transaction that SQLite has already serialised (`BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Member, Operator, Space

# The name of the PostgreSQL exclusion constraint (migration 0002); services recognise it in
# an IntegrityError to tell the person the slot was taken a moment ago.
NO_OVERLAP_CONSTRAINT = "workspace_booking_no_overlap"


class ResourceKind(models.TextChoices):
    ROOM = "room", _("meeting room")
    DESK = "desk", _("hot desks")
    FIXED_DESK = "fixed_desk", _("fixed desk")
    BOOTH = "booth", _("phone booth")
    EQUIPMENT = "equipment", _("equipment")


AMENITIES = {
    "screen": _("screen"),
    "videoconference": _("video conferencing"),
    "whiteboard": _("whiteboard"),
    "projector": _("projector"),
    "phone": _("conference phone"),
    "accessible": _("step-free access"),
    "daylight": _("daylight"),
    "kitchen": _("kitchenette"),
    "monitor": _("external monitor"),
    "quiet": _("quiet zone"),
}


class Resource(models.Model):
    """Something members book in a space: a room, a set of hot desks, a booth, equipment.

    `seats` is how many bookings may overlap: 1 for a room or a booth, 12 for an area of
    twelve hot desks (each booking then holds one numbered seat).
    """

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("people it holds"), default=1)
    seats = models.PositiveSmallIntegerField(
        _("bookable seats"),
        default=1,
        help_text=_("How many can book it at the same time (hot desks: the number of desks)."),
    )
    photo = models.ImageField(_("photo"), upload_to="resources/%Y/", blank=True)
    amenities = models.JSONField(_("amenities"), default=list, blank=True)
    credits_per_hour = models.DecimalField(
        _("credits per hour"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    credits_per_half_day = models.DecimalField(
        _("credits per half-day"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    credits_per_day = models.DecimalField(
        _("credits per day"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    price_per_hour = models.DecimalField(
        _("price per hour (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    price_per_half_day = models.DecimalField(
        _("price per half-day (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    price_per_day = models.DecimalField(
        _("price per day (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    free_cancel_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"), default=2
    )
    is_bookable = models.BooleanField(_("bookable by members"), default=True)
    assigned_to = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_resources",
        verbose_name=_("assigned to"),
    )
    is_active = models.BooleanField(_("in service"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["space_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="resource_unique_name"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="resource_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def operator_id(self) -> int:
        return self.space.operator_id

    @property
    def amenity_labels(self) -> list[str]:
        return [str(AMENITIES[a]) for a in self.amenities if a in AMENITIES]

    @property
    def has_rates(self) -> bool:
        return any(
            getattr(self, f) is not None
            for f in (
                "credits_per_hour", "credits_per_half_day", "credits_per_day",
                "price_per_hour", "price_per_half_day", "price_per_day",
            )
        )  # fmt: skip


class ClosedDay(models.Model):
    """A day a space is closed although its weekly hours say open (a holiday, works)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["space", "date"], name="closed_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.date}"


# --- plans and memberships ---------------------------------------------------------------


class PlanPeriod(models.TextChoices):
    MONTH = "month", _("per calendar month")
    TOTAL = "total", _("for the whole membership")


class Plan(models.Model):
    """What an operator sells: a pass, part-time, resident, a private office...

    Allowances are counted per calendar month (or over the whole membership for passes such as
    "10 days"); an empty allowance means unlimited. Use beyond an allowance is recorded as
    billable, unless `allow_overage` is off, in which case it is refused.
    """

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="plans")
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    period = models.CharField(
        _("allowances count"), max_length=8, choices=PlanPeriod.choices, default=PlanPeriod.MONTH
    )
    access_days = models.PositiveSmallIntegerField(
        _("access days"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    credits = models.DecimalField(
        _("meeting-room credits"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: unlimited."),
    )
    guest_days = models.PositiveSmallIntegerField(
        _("guest days"), null=True, blank=True, default=0, help_text=_("Empty: unlimited.")
    )
    monthly_price = models.DecimalField(
        _("price per month (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    day_price = models.DecimalField(
        _("price of an extra day (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    allow_overage = models.BooleanField(_("allow use beyond the allowance (billed)"), default=True)
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["operator_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "name"], name="plan_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A member's plan from `starts_on` to `ends_on` (inclusive; empty: open-ended).

    A pause (`paused_from`..`paused_until`, inclusive; an empty end: until further notice)
    suspends the allowances: use during a pause is billable.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="memberships")
    company = models.ForeignKey(
        "members.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        verbose_name=_("paid by company"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    paused_from = models.DateField(_("paused from"), null=True, blank=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    created_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["member", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.plan_id} from {self.starts_on}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def is_paused_on(self, day: dt.date) -> bool:
        return (
            self.paused_from is not None
            and self.paused_from <= day
            and (self.paused_until is None or day <= self.paused_until)
        )

    def status_on(self, day: dt.date) -> str:
        if day < self.starts_on:
            return "upcoming"
        if self.ends_on is not None and day > self.ends_on:
            return "ended"
        if self.is_paused_on(day):
            return "paused"
        return "active"


# --- bookings ------------------------------------------------------------------------------


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")


class BookingSeries(models.Model):
    """Bookings made together as a repetition (every week, every working day...)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=12)
    count = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")

    def __str__(self) -> str:
        return f"{self.frequency} x{self.count}"


class BookingQuerySet(models.QuerySet):
    def confirmed(self) -> BookingQuerySet:
        return self.filter(status=BookingStatus.CONFIRMED)

    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> BookingQuerySet:
        """Bookings whose half-open range [starts_at, ends_at) meets the given one."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def counted(self) -> BookingQuerySet:
        """Bookings that use the allowance: confirmed, or cancelled too late to be free."""
        return self.filter(Q(status=BookingStatus.CONFIRMED) | Q(late_cancellation=True))


class Booking(models.Model):
    """One booking of one seat of a resource, [starts_at, ends_at) in UTC."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    seat = models.PositiveSmallIntegerField(default=1)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="bookings")
    booked_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    company = models.ForeignKey(
        "members.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        verbose_name=_("on behalf of"),
    )
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    series = models.ForeignKey(
        BookingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    credits = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    billable_credits = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    billable_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late_cancellation = models.BooleanField(default=False)
    # RFC 5545 SEQUENCE: goes up each time the booking changes (cancelled, moved).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(seat__gte=1), name="booking_seat_positive"),
        ]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="booking_resource_start"),
            models.Index(fields=["member", "starts_at"], name="booking_member_start"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == BookingStatus.CONFIRMED

    @property
    def minutes(self) -> int:
        # Subtract in UTC: two datetimes with the same tzinfo subtract as wall-clock times,
        # which is an hour off across a daylight-saving change.
        elapsed = self.ends_at.astimezone(dt.UTC) - self.starts_at.astimezone(dt.UTC)
        return int(elapsed.total_seconds() // 60)


# --- check-ins and guests ------------------------------------------------------------------


class CheckInVia(models.TextChoices):
    BUTTON = "button", _("home page")
    QR = "qr", _("entrance QR code")
    DESK = "desk", _("front desk")


class CheckIn(models.Model):
    """A member's day at a space: in at `checked_in_at`, out at `checked_out_at`.

    One per member and local day; `billable` is set when the day went beyond the plan's access
    days (or the member has no plan that day).
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="checkins")
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="checkins")
    day = models.DateField()
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=8, choices=CheckInVia.choices, default=CheckInVia.BUTTON)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    billable = models.BooleanField(default=False)
    registered_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="checkin_one_per_day"),
        ]
        indexes = [models.Index(fields=["space", "day"], name="checkin_space_day")]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.space_id} {self.day}"

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None


class GuestKind(models.TextChoices):
    GUEST = "guest", _("guest working for the day")
    VISITOR = "visitor", _("visitor (a meeting, a visit)")


class Guest(models.Model):
    """Someone without a plan who comes for a day: a member's guest, or a visitor."""

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="guests")
    host = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="guests"
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), blank=True)
    company_name = models.CharField(_("company"), max_length=120, blank=True)
    kind = models.CharField(
        _("kind"), max_length=8, choices=GuestKind.choices, default=GuestKind.GUEST
    )
    day = models.DateField(_("day"))
    arrived_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    billable = models.BooleanField(default=False)
    registered_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["day", "name"]
        indexes = [models.Index(fields=["space", "day"], name="guest_space_day")]

    def __str__(self) -> str:
        return f"{self.name} ({self.day})"


# --- calendar feeds ------------------------------------------------------------------------


def _nonce() -> str:
    return secrets.token_hex(16)


class CalendarFeed(models.Model):
    """A secret iCalendar URL: a member's bookings, or one resource's (for its owner).

    The URL's token is an HMAC of the feed's id and `nonce` with the site's secret key, so
    nothing that opens the calendar is stored in clear; revoking marks the row revoked and a
    new row (new nonce, new URL) replaces it.
    """

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="calendar_feeds")
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="feeds"
    )
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        indexes = [models.Index(fields=["owner", "resource"], name="feed_owner_resource")]

    def __str__(self) -> str:
        return f"feed {self.pk} of {self.owner_id}"
