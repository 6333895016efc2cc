"""Members' services, split by area; import from here (`from maillage.members import services`)."""

from maillage.members.services.accounts import *  # noqa: F403
from maillage.members.services.accounts import (  # noqa: F401 (explicit re-exports)
    DomainError,
    InvitationError,
    UserRow,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_email_send,
    invitation_revoke,
    invitation_token,
    invitation_url,
    user_create,
    user_create_many,
    user_update_preferences,
)
