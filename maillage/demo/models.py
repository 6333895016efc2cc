"""What the demo loader remembers: that it ran (idempotency) and each member's hidden label.

`DemoTruth` holds the generator's behaviour archetype of each demo member, for quality
benchmarks only (does the engagement scoring find the drifting members?). It is never shown in
the product: no view, template, form or admin imports it, and `related_name="+"` leaves no way
to reach it from a member.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Archetype(models.TextChoices):
    TENANT = "tenant", "tenant"
    COWORKER = "coworker", "coworker"
    NEWCOMER = "newcomer", "newcomer"
    DRIFTING = "drifting", "drifting"
    DAY_PASS = "day_pass", "day pass"
    STAFF = "staff", "staff"


class DemoRun(models.Model):
    """One `maillage demo` load: its configuration, and whether it finished."""

    members = models.PositiveIntegerField()
    spaces = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    months = models.PositiveSmallIntegerField(default=12)
    history_ends_on = models.DateField()
    activities = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"demo: {self.members} members, {self.spaces} spaces, seed {self.seed}"


class DemoTruth(models.Model):
    """The behaviour archetype the generator gave a demo member (hidden label)."""

    member = models.OneToOneField(
        "core.Member", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    archetype = models.CharField(max_length=16, choices=Archetype.choices)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.archetype}"
