"""`maillage events_tick`: the periodic work of events. Run it every hour beside the worker
(cron or a systemd timer; see `maillage/events/tasks.py`)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from maillage.core.errors import DomainError
from maillage.events import tasks
from maillage.events.models import Event, EventSeries, EventStatus
from maillage.events.services import attendance_close, series_extend
from maillage.events.services.attendance import CLOSE_AFTER
from maillage.events.services.notifications import reminders_due


class Command(BaseCommand):
    help = (
        "Enqueue the day-before reminders, extend recurring events to their horizon, and "
        "close the attendance of events that ended a day ago. Run it hourly; idempotent."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        due = reminders_due(now=now)
        for rsvp_id in due:
            tasks.reminder_notify.enqueue(rsvp_id=rsvp_id)
        extended = 0
        for series in EventSeries.objects.filter(
            ended_at__isnull=True, filled_until__lt=F("last_day")
        ).filter(filled_until__lt=(now + dt.timedelta(days=84)).date()):
            extended += len(series_extend(series=series, now=now))
        closed = 0
        for event in Event.objects.filter(
            status=EventStatus.PUBLISHED,
            attendance_closed_at__isnull=True,
            ends_at__lte=now - CLOSE_AFTER,
        ).order_by("ends_at")[:500]:
            try:
                attendance_close(event=event, now=now)
                closed += 1
            except DomainError:
                continue
        self.stdout.write(
            f"events_tick: {len(due)} reminders enqueued, {extended} occurrences added, "
            f"{closed} attendance lists closed."
        )
