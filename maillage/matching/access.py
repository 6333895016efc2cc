"""Access gates of the matching app: one per object type.

Rounds are run through `maillage.core.access.space_for_viewer(..., "change")` (managers of
the space and operator admins); seats are always looked up with their owner in the services.
"""

from __future__ import annotations

from django.http import Http404

from maillage.core.access import Viewer
from maillage.core.models import Member
from maillage.matching.models import Project


def member_of(viewer: Viewer) -> Member:
    """The viewer's current member record, or 404 (visitors, people without a community)."""
    if not viewer.is_authenticated or viewer.current is None:
        raise Http404
    return viewer.current


def project_for_viewer(viewer: Viewer, project_id: int) -> Project:
    """A project is seen by who described it, who is proposed for it, and its operator's
    staff; anyone else gets 404."""
    record = member_of(viewer)
    project = (
        Project.objects.select_related("created_by__user")
        .filter(pk=project_id, operator_id=record.operator_id)
        .first()
    )
    if project is None:
        raise Http404
    if project.created_by_id == record.pk or record.is_staff:
        return project
    if project.seats.filter(member=record).exists():
        return project
    raise Http404
