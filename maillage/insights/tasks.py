"""Background work for insights, run by the task worker (`maillage db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task
def insights_recompute(*, operator_id: int, full: bool = False) -> dict:
    """Recompute an operator's insights (idempotent: running it twice changes nothing)."""
    from maillage.core.models import Operator
    from maillage.insights.services import insights_recompute as recompute

    operator = Operator.objects.filter(pk=operator_id).first()
    if operator is None:
        return {}
    report = recompute(operator=operator, full=full)
    return {"as_of": report.as_of.isoformat(), "seconds": report.seconds}


@task
def invitations_send(*, event_id: int) -> int:
    """Email the invitations to an event that are not sent yet (running twice sends once)."""
    from maillage.insights.services import invitations_send as send

    return send(event_id=event_id)


@task
def roulette_invitations_send(*, operator_id: int) -> int:
    """Email an operator's roulette invitations not sent yet (running twice sends once)."""
    from maillage.insights.services import roulette_invitations_send as send

    return send(operator_id=operator_id)
