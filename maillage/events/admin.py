"""Events in the admin, read-only: every write goes through `maillage.events.services`."""

from __future__ import annotations

from django.contrib import admin

from maillage.core.admin_site import OperatorScopedAdmin
from maillage.events.models import Event, Rsvp


class ReadOnly(OperatorScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["title", "kind", "space", "starts_at", "status", "going_count", "capacity"]
    list_filter = ["status", "kind", "visibility"]
    search_fields = ["title"]


@admin.register(Rsvp)
class RsvpAdmin(ReadOnly):
    operator_lookup = "event__operator"
    list_display = ["event", "member", "email", "status", "guests", "attendance"]
    list_filter = ["status", "attendance"]
