"""Background work of the exchange, run by the task worker (`maillage db_worker`).

Each task reads the database when it runs and sends only what is still true and not sent
yet, so running one twice or late is harmless. The introduction follow-up is enqueued with
`run_after` a week after the connection (django-tasks-db keeps it until then).
"""

from __future__ import annotations

from django.tasks import task


@task
def introduction_notify(*, introduction_id: int, what: str) -> int:
    from maillage.exchange.services.introductions import introduction_notice_send

    return introduction_notice_send(introduction_id=introduction_id, what=what)


@task
def opportunity_notify(*, opportunity_id: int, what: str, member_id: int | None = None) -> int:
    from maillage.exchange.services.opportunity_notices import opportunity_notice_send

    return opportunity_notice_send(opportunity_id=opportunity_id, what=what, member_id=member_id)


@task
def ask_message_notify(*, message_id: int) -> bool:
    from maillage.exchange.services.asks import ask_message_send

    return ask_message_send(message_id=message_id)


@task
def ask_notify(*, ask_id: int, what: str, member_id: int | None = None) -> int:
    from maillage.exchange.services.asks import ask_notice_send

    return ask_notice_send(ask_id=ask_id, what=what, member_id=member_id)
