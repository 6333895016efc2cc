"""What the event views share."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import Http404

from maillage.core.access import Viewer
from maillage.core.errors import DomainError
from maillage.core.models import Member
from maillage.workspace.models import Resource, ResourceKind

# A service's `field` → the form field that shows its message.
FIELD_ALIASES = {"end": "end", "start": "start", "recurrence": "repeat", "hosts": None}


def current_record(viewer: Viewer) -> Member:
    if not viewer.is_authenticated or viewer.current is None:
        raise Http404
    return viewer.current


def rooms_of(operator_id: int) -> QuerySet[Resource]:
    return (
        Resource.objects.filter(
            space__operator_id=operator_id, kind=ResourceKind.ROOM, is_active=True
        )
        .select_related("space")
        .order_by("space__name", "position", "name")
    )


def apply_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the field it names (or above the form)."""
    field = FIELD_ALIASES.get(exc.field, exc.field) if exc.field else None
    if field == "repeat" and "repeat" not in form.fields:
        field = None
    if field not in form.fields:
        field = None
    form.add_error(field, exc.message)
