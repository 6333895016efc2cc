"""The admin site, opened to operator admins for their own operator's raw records.

Platform superusers see everything. An operator admin sees and edits only rows of the
operators they administer; the activity ledger is read-only for everyone (append-only).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Member, Role


def admin_operator_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if not hasattr(user, "_maillage_admin_operator_ids"):
        user._maillage_admin_operator_ids = set(
            Member.objects.active()
            .filter(user=user, role=Role.ADMIN)
            .values_list("operator_id", flat=True)
        )
    return user._maillage_admin_operator_ids


class MaillageAdminSite(admin.AdminSite):
    site_header = _("Maillage — raw records")
    site_title = _("Maillage admin")
    index_title = _("Raw records")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or admin_operator_ids(user)))


class OperatorScopedAdmin(admin.ModelAdmin):
    """Rows are scoped to the operators the person administers (`operator_lookup`)."""

    operator_lookup = "operator"
    read_only = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.operator_lookup}__in": admin_operator_ids(request.user)}
        ).distinct()

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not admin_operator_ids(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return not self.read_only and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if request.user.is_superuser:
            return field
        ids = admin_operator_ids(request.user)
        model = db_field.related_model
        if model._meta.label == "core.Operator":
            field.queryset = field.queryset.filter(pk__in=ids)
        elif hasattr(model, "operator_id"):
            field.queryset = field.queryset.filter(operator_id__in=ids)
        elif model._meta.label == "members.User":
            field.queryset = field.queryset.filter(member_records__operator_id__in=ids).distinct()
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if not request.user.is_superuser and hasattr(db_field.related_model, "operator_id"):
            field.queryset = field.queryset.filter(operator_id__in=admin_operator_ids(request.user))
        return field
