"""Staff pages for a space's resources (rooms, desks, booths, equipment) and closed days."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.core.errors import DomainError
from maillage.workspace import access, selectors, services
from maillage.workspace.forms import ClosedDayForm, ResourceForm
from maillage.workspace.models import ClosedDay, Resource


@login_required
def staff_resources(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.space_for_frontdesk(request.viewer, space_id)
    today = selectors.today_in(space)
    return render(
        request,
        "workspace/staff_resources.html",
        {
            "space": space,
            "resources": Resource.objects.filter(space=space).select_related("assigned_to__user"),
            "closed_days": ClosedDay.objects.filter(space=space, date__gte=today),
            "closed_form": ClosedDayForm(),
        },
    )


def _resource_form(request: HttpRequest, space, resource: Resource | None) -> HttpResponse:
    # The form edits a copy: a refused change must not leave half-changed data on `resource`.
    instance = Resource.objects.get(pk=resource.pk) if resource else Resource(space=space)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if not fields.get("photo"):
            fields.pop("photo")  # no new file: keep the current photo
        try:
            if resource is None:
                resource = services.resource_create(space=space, **fields)
            else:
                resource = services.resource_update(resource=resource, **fields)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": resource.name})
            return redirect("staff_resources", space_id=space.pk)
    return render(
        request,
        "workspace/staff_resource_edit.html",
        {"form": form, "space": space, "resource": resource},
        status=400 if form.errors else 200,
    )


@login_required
def staff_resource_new(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.space_for_frontdesk(request.viewer, space_id)
    return _resource_form(request, space, None)


@login_required
def staff_resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = access.resource_for_viewer(request.viewer, resource_id, "change")
    return _resource_form(request, resource.space, resource)


@login_required
@require_POST
def staff_space_closed_day_add(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.space_for_frontdesk(request.viewer, space_id)
    form = ClosedDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date."))
        return redirect("staff_resources", space_id=space.pk)
    try:
        _closed, affected = services.closed_day_add(space=space, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(space)s will be closed that day.") % {"space": space.name})
        if affected:
            messages.warning(
                request,
                ngettext(
                    "%(n)d booking falls on that day: tell its member and cancel it.",
                    "%(n)d bookings fall on that day: tell their members and cancel them.",
                    affected,
                )
                % {"n": affected},
            )
    return redirect("staff_resources", space_id=space.pk)


@login_required
@require_POST
def staff_space_closed_day_remove(request: HttpRequest, closed_day_id: int) -> HttpResponse:
    closed = access.closed_day_for_viewer(request.viewer, closed_day_id)
    services.closed_day_remove(closed_day=closed)
    messages.success(request, _("The space is open again that day."))
    return redirect("staff_resources", space_id=closed.space_id)
