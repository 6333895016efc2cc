"""Insights pages: the staff dashboard and a segment's members. They read pre-aggregated
tables only (selectors.py); `insights_recompute` fills them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.core import access
from maillage.core.models import Role, Space
from maillage.insights import selectors
from maillage.insights.models import Segment


def _scope(request: HttpRequest) -> tuple[object, Space | None, list[Space]]:
    """The viewer's operator and the space asked for (`?space=`): admins may look at the
    whole operator (no space), managers at the spaces they run."""
    record = access.staff_record(request.viewer)
    spaces = list(access.spaces_managed_by(request.viewer, record.operator_id).order_by("name"))
    wanted = request.GET.get("space", "")
    if wanted.isdigit():
        space = next((s for s in spaces if s.pk == int(wanted)), None)
        if space is None:
            raise PermissionDenied
        return record, space, spaces
    if record.role == Role.ADMIN:
        return record, None, spaces
    if not spaces:
        raise PermissionDenied
    return record, spaces[0], spaces


@login_required
def insights_dashboard(request: HttpRequest) -> HttpResponse:
    record, space, spaces = _scope(request)
    data = selectors.dashboard(operator=record.operator, space=space)
    return render(
        request,
        "insights/dashboard.html",
        {
            "data": data,
            "operator": record.operator,
            "space": space,
            "spaces": spaces,
            "can_see_operator": record.role == Role.ADMIN,
            "tenants_reasons": [(s, selectors.reason_text(s)) for s in data.tenants_without_event],
            "drifting_reasons": [(s, selectors.reason_text(s)) for s in data.drifting],
        },
    )


@login_required
def insights_segment(request: HttpRequest, segment: str) -> HttpResponse:
    if segment not in Segment.values:
        raise Http404
    record, space, spaces = _scope(request)
    without_event = request.GET.get("without_event") == "1"
    members = selectors.segment_members(
        operator=record.operator, space=space, segment=segment, without_event=without_event
    )
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    rows = [(s, selectors.reason_text(s)) for s in page.object_list]
    emails = [s.member.user.email for s, _ in rows]
    return render(
        request,
        "insights/segment.html",
        {
            "operator": record.operator,
            "space": space,
            "spaces": spaces,
            "can_see_operator": record.role == Role.ADMIN,
            "segment": segment,
            "segment_label": dict(Segment.choices)[segment],
            "without_event": without_event,
            "page": page,
            "rows": rows,
            "emails": ",".join(emails),
        },
    )
