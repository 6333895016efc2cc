"""Invitations: a space invites a person by email; the person signs up from the link."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from maillage.core.errors import DomainError
from maillage.core.models import Member, Role, Space
from maillage.core.services import member_add
from maillage.members.models import Invitation, User


class InvitationError(DomainError):
    """An invitation link that cannot be used: unknown, already used, expired or revoked."""


def _signature(invitation_id: int, nonce: str) -> str:
    return salted_hmac(
        "maillage.invitation", f"{invitation_id}:{nonce}", algorithm="sha256"
    ).hexdigest()[:40]


def invitation_token(invitation: Invitation) -> str:
    return f"{invitation.pk}-{_signature(invitation.pk, invitation.nonce)}"


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "invitation_accept", kwargs={"token": invitation_token(invitation)}
    )


@transaction.atomic
def invitation_create(
    *,
    space: Space,
    email: str,
    full_name: str = "",
    role: str = Role.MEMBER,
    invited_by: Member | None = None,
    send: bool = True,
    language: str | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the raw token."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="email") from None
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    if Member.objects.active().filter(operator=space.operator, user__email__iexact=email).exists():
        raise DomainError(
            _("%(email)s is already a member of %(operator)s.")
            % {"email": email, "operator": space.operator.name},
            field="email",
        )
    # A new invitation replaces any pending one for the same person and operator.
    Invitation.objects.filter(
        operator=space.operator, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        operator=space.operator,
        space=space,
        email=email,
        full_name=full_name.strip()[:150],
        role=role,
        nonce=secrets.token_hex(16),
        invited_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    if send:
        from maillage.members.tasks import send_invitation_email

        transaction.on_commit(
            lambda: send_invitation_email.enqueue(
                invitation_id=invitation.pk, language=language or settings.LANGUAGE_CODE
            )
        )
    return invitation, invitation_token(invitation)


def invitation_email_send(*, invitation: Invitation, language: str) -> None:
    """Email an invitation's link (called by the task; does nothing for a used link)."""
    if invitation.status != "pending":
        return
    with translation.override(language):
        context = {
            "invitation": invitation,
            "url": invitation_url(invitation),
            "inviter": invitation.invited_by.user if invitation.invited_by else None,
        }
        subject = _("You are invited to join %(space)s on Maillage") % {
            "space": invitation.space.name
        }
        send_mail(
            subject=subject,
            message=render_to_string("members/email/invitation.txt", context),
            html_message=render_to_string("members/email/invitation.html", context),
            from_email=None,
            recipient_list=[invitation.email],
        )


def invitation_check(token: str) -> Invitation:
    """The invitation behind a link, or an error that says plainly why it can't be used."""
    invitation_id, _sep, signature = (token or "").partition("-")
    invitation = None
    if invitation_id.isdigit() and len(invitation_id) < 19:
        invitation = (
            Invitation.objects.select_related("space", "operator")
            .filter(pk=int(invitation_id))
            .first()
        )
    if invitation is None or not constant_time_compare(
        signature, _signature(invitation.pk, invitation.nonce)
    ):
        raise InvitationError(
            _(
                "This invitation link is not valid. Check that you copied it whole, or ask the space for a new one."
            )
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("This invitation has already been used. Log in with the account created from it.")
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            _("This invitation was withdrawn. Ask the space to send you a new one.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation expired on %(date)s. Ask the space to send you a new one.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")}
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Member:
    """Join the operator and space of an invitation. Locks the row so a link works once."""
    invitation = invitation_check(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            _("This invitation was sent to %(email)s; log in with that address to accept it.")
            % {"email": invitation.email}
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    member = member_add(
        user=user, operator=invitation.operator, home_space=invitation.space, role=invitation.role
    )
    # People imported from a spreadsheet get the company and skills staff entered for them.
    from maillage.members.services.imports import member_import_profile_apply

    member_import_profile_apply(member=member)
    return member


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def user_update_preferences(*, user: User, full_name: str, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Unknown language."), field="language")
    full_name = full_name.strip()
    if not full_name:
        raise DomainError(_("Your name cannot be empty."), field="full_name")
    user.full_name = full_name[:150]
    user.language = language
    user.save(update_fields=["full_name", "language"])
    return user


@dataclass(frozen=True)
class UserRow:
    email: str
    full_name: str
    language: str = "fr"
    password_hash: str | None = None  # a ready hash (make_password) or None: unusable password
    email_verified: bool = True


def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None = None,
    language: str = "fr",
    email_verified: bool = False,
) -> User:
    """Create an account directly (commands and demo; people sign up through invitations)."""
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="email") from None
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("An account with this address already exists."), field="email")
    with transaction.atomic():
        user = User.objects.create_user(email, password, full_name=full_name, language=language)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    return user


def user_create_many(rows: list[UserRow], *, batch_size: int = 2_000) -> list[User]:
    """Create many accounts at once (demo generator, imports). Hash passwords once, outside."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    unusable = make_password(None)
    users = [
        User(
            email=row.email.strip().lower(),
            full_name=row.full_name,
            language=row.language,
            password=row.password_hash or unusable,
        )
        for row in rows
    ]
    with transaction.atomic():
        created = User.objects.bulk_create(users, batch_size=batch_size)
        if not all(u.pk for u in created):
            lookup = dict(
                User.objects.filter(email__in=[u.email for u in created]).values_list("email", "pk")
            )
            for u in created:
                u.pk = u.id = lookup[u.email]
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=u.pk, email=u.email, primary=True, verified=row.email_verified)
                for u, row in zip(created, rows, strict=True)
            ],
            batch_size=batch_size,
        )
    return created
