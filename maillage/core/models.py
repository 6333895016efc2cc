"""Operators, spaces, members' roles, and the activity ledger."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def choice_label(choices: type[models.Choices], value: object) -> str:
    """The label of `value` among `choices` in the current language (the value itself if it
    is not one of them): what `get_FOO_display()` gives, without Django's way of building a
    dict of every choice and translating each label, on every call (0.1 ms for the 30 kinds
    of the ledger; a home page showed 13 of them)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a known time zone."), params={"value": value}
        ) from None


def validate_opening_hours(value: object) -> None:
    """Opening hours: {"mon": [["08:30", "19:00"]], ...}; a missing day is closed."""
    if not isinstance(value, dict):
        raise ValidationError(_("Opening hours must map weekdays to time ranges."))
    for day, ranges in value.items():
        if day not in WEEKDAYS or not isinstance(ranges, list):
            raise ValidationError(
                _("Unknown weekday in opening hours: %(day)s."), params={"day": day}
            )
        for pair in ranges:
            if (
                not isinstance(pair, list | tuple)
                or len(pair) != 2
                or not all(isinstance(t, str) and len(t) == 5 and t[2] == ":" for t in pair)
                or pair[0] >= pair[1]
            ):
                raise ValidationError(
                    _("Opening hours for %(day)s must be ranges like 08:30-19:00."),
                    params={"day": day},
                )


class Operator(models.Model):
    """A company or association that runs one or more spaces."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    description = models.TextField(_("public description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Space(models.Model):
    """A coworking space (a "tiers-lieu") run by an operator."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="spaces")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_timezone]
    )
    opening_hours = models.JSONField(
        _("opening hours"), default=dict, blank=True, validators=[validate_opening_hours]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    description = models.TextField(_("public description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["operator_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def address(self) -> str:
        return ", ".join(p for p in (self.street, f"{self.postal_code} {self.city}".strip()) if p)

    def hours_on(self, weekday: int) -> list[tuple[str, str]]:
        """Opening ranges for a weekday (0 = Monday)."""
        return [tuple(r) for r in self.opening_hours.get(WEEKDAYS[weekday], [])]


class Role(models.TextChoices):
    ADMIN = "admin", _("operator admin")
    MANAGER = "manager", _("space manager")
    MEMBER = "member", _("member")
    GUEST = "guest", _("guest")


STAFF_ROLES = (Role.ADMIN, Role.MANAGER)


class MemberQuerySet(models.QuerySet):
    def active(self) -> MemberQuerySet:
        return self.filter(left_on__isnull=True)

    def staff(self) -> MemberQuerySet:
        return self.filter(role__in=STAFF_ROLES)


class Member(models.Model):
    """A person's record with one operator: their role and their home space."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_records"
    )
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="members")
    home_space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="home_members")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    managed_spaces = models.ManyToManyField(
        Space, blank=True, related_name="managers", verbose_name=_("managed spaces")
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["user", "operator"], name="member_one_per_operator"),
        ]
        indexes = [models.Index(fields=["operator", "home_space"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.operator}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class ActivityKind(models.TextChoices):
    """What members do. Later issues add kinds here; never rename a stored value."""

    JOINED = "joined", _("joined")
    CHECKED_IN = "checked_in", _("checked in")
    BOOKED = "booked", _("booked a room or desk")
    BOOKING_CANCELLED = "booking_cancelled", _("cancelled a booking")
    GUEST_REGISTERED = "guest_registered", _("registered a guest")
    RSVPED = "rsvped", _("RSVPed to an event")
    ATTENDED = "attended", _("attended an event")
    NO_SHOW = "no_show", _("did not show up")
    HOSTED = "hosted", _("hosted an event")
    FEEDBACK_GIVEN = "feedback_given", _("gave feedback")
    POSTED = "posted", _("posted an ask")
    ANSWERED = "answered", _("answered an ask")
    HELPED = "helped", _("helped a member")
    INTRODUCED = "introduced", _("introduced two members")
    INTRODUCTION_ACCEPTED = "introduction_accepted", _("accepted an introduction")
    OPPORTUNITY_RECEIVED = "opportunity_received", _("received an opportunity")
    OPPORTUNITY_ACCEPTED = "opportunity_accepted", _("accepted an opportunity")
    OUTCOME_RECORDED = "outcome_recorded", _("recorded an outcome")
    PROFILE_COMPLETED = "profile_completed", _("completed their profile")
    OFFER_PUBLISHED = "offer_published", _("published an offer")
    NEED_PUBLISHED = "need_published", _("published a need")
    MET = "met", _("met a member")
    OPPORTUNITY_DECLINED = "opportunity_declined", _("declined an opportunity")
    THANKED = "thanked", _("thanked or recommended a member")
    SUGGESTION_ACTED = "suggestion_acted", _("acted on a suggestion to meet someone")
    ROULETTE_JOINED = "roulette_joined", _("joined a lunch or coffee roulette")
    TEAM_PROPOSED = "team_proposed", _("proposed a project team")
    TEAM_ACCEPTED = "team_accepted", _("accepted a place in a project team")


class ActivityQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guard
        raise TypeError("The activity ledger is append-only.")

    def delete(self):  # pragma: no cover - guard
        raise TypeError("The activity ledger is append-only.")


class Activity(models.Model):
    """One line of the append-only activity ledger. Written by `activity_record` only."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="+")
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(max_length=32, choices=ActivityKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity ledger")
        indexes = [
            # Time-window aggregation per space, per member, per operator and kind.
            models.Index(fields=["space", "occurred_at"], name="activity_space_time"),
            models.Index(fields=["member", "occurred_at"], name="activity_member_time"),
            models.Index(fields=["operator", "kind", "occurred_at"], name="activity_op_kind_time"),
            models.Index(fields=["operator", "occurred_at"], name="activity_op_time"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("The activity ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The activity ledger is append-only.")

    def get_kind_display(self) -> str:
        return choice_label(ActivityKind, self.kind)


NOTE_MAX_LENGTH = 2000


class MemberNote(models.Model):
    """What the team wants to remember about a member ("looking for a bigger office in June",
    "prefers to be introduced by email"). Read and written by the staff who may open the
    member's record; never shown to the member nor to other members."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="team_notes")
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("team note")
        verbose_name_plural = _("team notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "created_at"], name="member_note_time")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.body[:40]}"

    def deletable_by(self, record: Member | None) -> bool:
        """Its author, or an admin of the member's operator, may delete it."""
        if record is None:
            return False
        return self.author_id == record.pk or (
            record.is_admin and record.operator_id == self.member.operator_id
        )
