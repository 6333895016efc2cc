"""Pre-aggregated tables that dashboards read, filled by `insights_recompute` from the ledger.

No page aggregates the raw ledger: `DailyActivityCount` condenses it (one row per member,
space, local day and kind), `MemberEngagementSnapshot` holds each member's level and segment
on a day, `IndicatorValue` each indicator's value per operator or space and period.

These three tables are derived: the recompute deletes and rewrites them in bulk (millions of
rows on a full recompute), from the ledger, whose own foreign keys guarantee the references.
So their foreign keys are not checked again by the database (`DERIVED`: no constraint, no
index of their own when a composite index starts with the column). Django still deletes
their rows with the member, space or operator (on_delete=CASCADE is applied by the ORM).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Member, Operator, Space


class Segment(models.TextChoices):
    NEWCOMER = "newcomer", _("newcomer")
    COWORKER = "coworker", _("coworker")
    TENANT = "tenant", _("tenant")
    OCCASIONAL = "occasional", _("occasional")
    DRIFTING = "drifting", _("drifting away")
    GONE = "gone", _("gone")


class Level(models.IntegerChoices):
    INACTIVE = 0, _("inactive")
    EXPLORER = 1, _("explorer")
    PARTICIPANT = 2, _("participant")
    CONTRIBUTOR = 3, _("contributor")
    AMBASSADOR = 4, _("ambassador")


class EngagementSettings(models.Model):
    """An operator's changes to the engagement defaults (weights, thresholds, windows).

    `overrides` holds fields of `engagement.EngagementConfig`, e.g. {"weights": {"attended":
    4}, "coworker_min_actions": 2}; anything left out keeps its documented default.
    """

    operator = models.OneToOneField(
        Operator, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    overrides = models.JSONField(_("changes to the defaults"), default=dict, blank=True)
    # Keys of offer.COMPONENTS; empty: every part Maillage can measure.
    offer = models.JSONField(_("parts of the offer"), default=list, blank=True)
    # Ids of the indicators the operator publishes on its transparency page; empty: none.
    published = models.JSONField(_("published figures"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("engagement settings")
        verbose_name_plural = _("engagement settings")

    def __str__(self) -> str:
        return f"engagement settings of operator {self.operator_id}"


class InsightsState(models.Model):
    """Where the recompute of an operator stands: the ledger id counted up to, when it ran."""

    operator = models.OneToOneField(
        Operator, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    counted_up_to = models.BigIntegerField(default=0)
    as_of = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    full_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"insights of operator {self.operator_id} as of {self.as_of}"


# Foreign keys of the derived tables: checked by the ledger, not again at each bulk write.
DERIVED = {"on_delete": models.CASCADE, "related_name": "+", "db_constraint": False}


class DailyActivityCount(models.Model):
    """How many ledger lines of a kind a member had at a space on a local day."""

    operator = models.ForeignKey(Operator, db_index=False, **DERIVED)  # insights_daily_op_day
    member = models.ForeignKey(Member, db_index=False, **DERIVED)  # insights_daily_member_day
    space = models.ForeignKey(Space, null=True, blank=True, db_index=False, **DERIVED)
    day = models.DateField()
    kind = models.CharField(max_length=32)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["operator", "day"], name="insights_daily_op_day"),
            models.Index(fields=["member", "day"], name="insights_daily_member_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day} {self.kind} × {self.n}"


class SnapshotQuerySet(models.QuerySet):
    def latest_day(self, operator_id: int):
        return (
            self.filter(operator_id=operator_id)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )


class MemberEngagementSnapshot(models.Model):
    """A member's engagement on a day (the latest run's, and each month's last day)."""

    operator = models.ForeignKey(Operator, db_index=False, **DERIVED)  # insights_snap_op_day_seg
    member = models.ForeignKey(Member, db_index=False, **DERIVED)  # insights_snapshot_one_a_day
    home_space = models.ForeignKey(Space, db_index=False, **DERIVED)  # insights_snap_space_day
    day = models.DateField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    previous_level = models.PositiveSmallIntegerField(choices=Level.choices)
    score = models.FloatField()
    trend = models.FloatField()
    segment = models.CharField(max_length=12, choices=Segment.choices)
    reasons = models.JSONField(default=list)  # [[code, value], ...] from engagement.py
    facts = models.JSONField(default=dict)  # days present, events, exchange... in the window
    offer_used = models.JSONField(default=list)  # keys of the declared parts used in the window
    offer_share = models.FloatField(null=True, blank=True)  # of the measured declared parts
    last_seen_on = models.DateField(null=True, blank=True)
    last_event_on = models.DateField(null=True, blank=True)  # on the latest run's rows only

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="insights_snapshot_one_a_day")
        ]
        indexes = [
            models.Index(fields=["operator", "day", "segment"], name="insights_snap_op_day_seg"),
            models.Index(fields=["home_space", "day", "segment"], name="insights_snap_space_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day}: {self.segment}, level {self.level}"


class IndicatorValue(models.Model):
    """One indicator's value for an operator (space empty) or one of its spaces, one period.

    `value` is None when withheld (`suppressed`: computed on too few members, or a complement
    of such a cell) or when there was nothing to compute it on.
    """

    operator = models.ForeignKey(Operator, db_index=False, **DERIVED)  # insights_value_op_ind
    space = models.ForeignKey(Space, null=True, blank=True, db_index=False, **DERIVED)
    indicator_id = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField()
    breakdown = models.CharField(max_length=32, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()  # inclusive; today for the current period
    value = models.FloatField(null=True, blank=True)
    cohort = models.PositiveIntegerField()
    suppressed = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["operator", "indicator_id", "period_start"], name="insights_value_op_ind"
            ),
            models.Index(
                fields=["space", "indicator_id", "period_start"], name="insights_value_sp_ind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start}: {self.value}"


class Invitation(models.Model):
    """A member invited from an insights action list by a member of staff; the email goes
    out from a task (`sent_at` once sent)."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class EventInvitation(Invitation):
    """An invitation to an event (one per event and member: inviting twice sends nothing
    more)."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="insights_invite_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} invited to {self.event_id}"


class RouletteInvitation(Invitation):
    """An invitation to join the lunch roulette of the member's home space (matching), once
    per member and space: inviting again sends nothing more."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["space", "member"], name="insights_roulette_invite_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} invited to the roulette of {self.space_id}"
