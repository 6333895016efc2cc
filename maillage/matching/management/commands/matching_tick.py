"""Periodic work of the matching app: refresh every operator's ties from the ledger, and ask
the members of past roulette rounds whether they met.

Run it nightly beside the worker (a cron line or a systemd timer):

    30 3 * * *  cd /srv/maillage && .venv/bin/maillage matching_tick

It only enqueues; the worker recomputes (`tasks.ties_refresh_task`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from maillage.core.models import Operator
from maillage.matching import services, tasks


class Command(BaseCommand):
    help = "Enqueue the refresh of every operator's ties (people to meet, roulette, teams)."

    def handle(self, *args, **options) -> None:
        count = 0
        for operator_id in Operator.objects.values_list("pk", flat=True):
            tasks.ties_refresh_task.enqueue(operator_id=operator_id)
            count += 1
        followups = services.roulette_followups_due()
        for seat_id in followups:
            tasks.roulette_followup_task.enqueue(seat_id=seat_id)
        self.stdout.write(f"{count} ties refreshes and {len(followups)} follow-ups enqueued.")
