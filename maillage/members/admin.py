from __future__ import annotations

from django.contrib import admin

from maillage.core.admin_site import OperatorScopedAdmin
from maillage.members.models import Invitation, User


@admin.register(User)
class UserAdmin(OperatorScopedAdmin):
    """Accounts of the operator's members: visible to its admins, changed by superusers only."""

    operator_lookup = "member_records__operator"
    list_display = ["email", "full_name", "language", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Invitation)
class InvitationAdmin(OperatorScopedAdmin):
    list_display = [
        "email",
        "space",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "space"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_at", "accepted_by", "invited_by", "created_at"]
