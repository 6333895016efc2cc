from __future__ import annotations

from django.contrib import admin

from maillage.core.admin_site import OperatorScopedAdmin
from maillage.core.models import Activity, Member, Operator, Space


@admin.register(Operator)
class OperatorAdmin(OperatorScopedAdmin):
    operator_lookup = "pk"
    list_display = ["name", "slug", "contact_email"]
    search_fields = ["name"]


@admin.register(Space)
class SpaceAdmin(OperatorScopedAdmin):
    list_display = ["name", "operator", "city", "time_zone"]
    list_filter = ["operator"]
    search_fields = ["name", "city"]


@admin.register(Member)
class MemberAdmin(OperatorScopedAdmin):
    list_display = ["user", "operator", "home_space", "role", "joined_on", "left_on"]
    list_filter = ["role", "home_space"]
    search_fields = ["user__full_name", "user__email"]
    list_select_related = ["user", "operator", "home_space"]
    raw_id_fields = ["user"]


@admin.register(Activity)
class ActivityAdmin(OperatorScopedAdmin):
    read_only = True
    list_display = ["occurred_at", "kind", "member", "space", "target_type", "target_id"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_at"
    list_select_related = ["member__user", "space"]
    show_full_result_count = False
