"""Background work for accounts, run by the task worker (`maillage db_worker`)."""

from __future__ import annotations

from django.tasks import task

from maillage.members.models import Invitation


@task
def send_invitation_email(*, invitation_id: int, language: str) -> None:
    from maillage.members.services import invitation_email_send

    invitation = (
        Invitation.objects.select_related("space", "operator", "invited_by__user")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is not None:
        invitation_email_send(invitation=invitation, language=language)


@task
def send_contact_message(*, message_id: int) -> None:
    """Email a message sent from a profile page (once, even if the task runs twice)."""
    from maillage.members.models import ContactMessage
    from maillage.members.services.profiles import contact_message_send

    contact = (
        ContactMessage.objects.select_related(
            "sender__user", "sender__home_space", "recipient__member__user"
        )
        .filter(pk=message_id)
        .first()
    )
    if contact is not None:
        contact_message_send(contact=contact)
