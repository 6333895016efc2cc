"""Background work of the matching app, run by the task worker (`maillage db_worker`).

Each task reads the database when it runs and only does what is still to do, so running one
twice or late is harmless (invitations are marked as sent).
"""

from __future__ import annotations

from django.tasks import task


@task
def roulette_invite_task(*, round_id: int) -> int:
    from maillage.matching.services import roulette_invite_send

    return roulette_invite_send(round_id=round_id)


@task
def ties_refresh_task(*, operator_id: int) -> int:
    from maillage.core.models import Operator
    from maillage.matching.services import ties_refresh

    operator = Operator.objects.filter(pk=operator_id).first()
    return ties_refresh(operator=operator) if operator is not None else 0


@task
def roulette_followup_task(*, seat_id: int) -> bool:
    from maillage.matching.services import roulette_followup_send

    return roulette_followup_send(seat_id=seat_id)
