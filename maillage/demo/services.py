"""Writes of the demo app: its run record and the hidden archetype labels."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from maillage.demo.generator import DemoConfig
from maillage.demo.models import Archetype, DemoRun, DemoTruth


def demo_run_start(*, config: DemoConfig) -> DemoRun:
    return DemoRun.objects.create(
        members=config.members,
        spaces=config.spaces,
        seed=config.seed,
        months=config.months,
        history_ends_on=config.end,
    )


def demo_run_complete(*, run: DemoRun, activities: int) -> DemoRun:
    run.activities = activities
    run.completed_at = timezone.now()
    run.save(update_fields=["activities", "completed_at"])
    return run


def demo_truth_record_many(rows: Iterable[tuple[int, str]], *, batch_size: int = 5_000) -> int:
    """Store (member id, archetype) labels; returns how many."""
    truths = []
    for member_id, archetype in rows:
        if archetype not in Archetype.values:
            raise ValueError(f"Unknown archetype {archetype!r}.")
        truths.append(DemoTruth(member_id=member_id, archetype=archetype))
    with transaction.atomic():
        DemoTruth.objects.bulk_create(truths, batch_size=batch_size)
    return len(truths)
