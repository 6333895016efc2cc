"""Background work for accounts, run by the task worker (`maillage db_worker`)."""

from __future__ import annotations

from django.tasks import task

from maillage.members.models import Invitation


@task
def send_invitation_email(*, invitation_id: int, language: str) -> None:
    from maillage.members.services import invitation_email_send

    invitation = Invitation.objects.select_related("space", "operator", "invited_by__user").filter(
        pk=invitation_id
    ).first()
    if invitation is not None:
        invitation_email_send(invitation=invitation, language=language)
