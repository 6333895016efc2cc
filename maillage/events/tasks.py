"""Background work of events, run by the task worker (`maillage db_worker`).

Emails are enqueued after commit by the services; each task reads the state of the
database when it runs and sends only what is still true and not sent yet (see
`services.notifications`), so running one twice or late is harmless.

Periodic work — the day-before reminders, extending recurring series, closing attendance
a day after each event — has no scheduler inside Django's tasks framework: run
`maillage events_tick` every hour beside the worker (a cron line or a systemd timer):

    0 * * * *  cd /srv/maillage && .venv/bin/maillage events_tick

It only enqueues and does quick writes; the worker sends the emails.
"""

from __future__ import annotations

from django.tasks import task


@task
def rsvp_notify(*, rsvp_id: int) -> str:
    from maillage.events.services.notifications import rsvp_notice_send

    return rsvp_notice_send(rsvp_id=rsvp_id)


@task
def event_change_notify(*, event_id: int, sequence: int) -> int:
    from maillage.events.services.notifications import event_change_send

    return event_change_send(event_id=event_id, sequence=sequence)


@task
def reminder_notify(*, rsvp_id: int) -> bool:
    from maillage.events.services.notifications import reminder_send

    return reminder_send(rsvp_id=rsvp_id)
