"""Home pages, staff pages for members and spaces, and public space pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import access, selectors, services
from maillage.core.collation import by_name
from maillage.core.errors import DomainError
from maillage.core.forms import SpaceForm
from maillage.core.middleware import CURRENT_OPERATOR_SESSION_KEY
from maillage.core.models import NOTE_MAX_LENGTH, Role, Space
from maillage.events import selectors as events_selectors
from maillage.exchange import selectors as exchange_selectors
from maillage.insights import selectors as insights_selectors
from maillage.insights import services as insights_services
from maillage.matching import selectors as matching_selectors
from maillage.members.services.privacy import commitments_release
from maillage.workspace import selectors as workspace_selectors


def health(request: HttpRequest) -> HttpResponse:
    """The smallest Django view: load balancers and benchmarks (the framework's floor)."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (a calendar file, a CSV)."""
    from django.templatetags.static import static

    return HttpResponseRedirect(static("maillage/img/favicon.svg"))  # not permanent: hashed


def home(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer
    if not viewer.is_authenticated:
        spaces = Space.objects.select_related("operator").order_by("operator__name", "name")[:24]
        return render(request, "core/landing.html", {"spaces": spaces})
    member = viewer.current
    if member is None:
        return render(request, "core/no_community.html")
    return render(
        request,
        "core/member_home.html",
        {
            "member": member,
            "space": member.home_space,
            "opening": selectors.opening_today(member.home_space),
            "month": selectors.member_month_summary(member),
            "recent": selectors.member_recent_activity(member),
            # workspace (issue 4): check-in, next bookings, what is left this month
            **workspace_selectors.member_home(member),
            # events (issue 5): upcoming events ranked for this member
            "events_for_you": events_selectors.for_you(member),
            # exchange (issue 6): open asks this member could help with
            "open_asks": exchange_selectors.open_asks_for(member, limit=5, viewer=viewer),
            # insights (issue 8): the member's own engagement card
            "engagement": insights_selectors.member_card(member),
            # matching (issue 7): "people to meet" is loaded after the page (home_people)
        },
    )


@login_required
def home_people(request: HttpRequest) -> HttpResponse:
    """The home page's "people you should meet" card, fetched by htmx once the page is shown.

    Reciprocal suggestions are the most expensive card of the home page (they read the
    operator's profiles), so the page is served without them and asks for this fragment.
    Without htmx (or JavaScript) the page links to the full list instead.
    """
    viewer = request.viewer
    if viewer.current is None:
        raise Http404
    return render(
        request,
        "matching/includes/home_card.html",
        {"people_to_meet": matching_selectors.people_to_meet(viewer, k=3)},
    )


@login_required
@require_POST
def switch_operator(request: HttpRequest) -> HttpResponse:
    try:
        operator_id = int(request.POST.get("operator", ""))
    except ValueError:
        operator_id = 0
    if request.viewer.record_for(operator_id) is None:
        messages.error(request, _("You are not a member of that community."))
    else:
        request.session[CURRENT_OPERATOR_SESSION_KEY] = operator_id
    return redirect("home")


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    record = access.staff_record(request.viewer)
    spaces = list(access.spaces_managed_by(request.viewer, record.operator_id))
    ledger = access.activities_for_viewer(request.viewer, record.operator_id)
    return render(
        request,
        "core/staff_home.html",
        {
            "record": record,
            "operator": record.operator,
            "space_counts": selectors.space_member_counts(spaces),
            # workspace (issue 4): who is here today
            **workspace_selectors.staff_home(spaces),
            # the ledger as this viewer may read it: an admin the operator's, a manager their spaces'
            "recent": selectors.recent_activity(ledger),
        },
    )


@login_required
def staff_members(request: HttpRequest) -> HttpResponse:
    record = access.staff_record(request.viewer)
    members = access.members_for_viewer(request.viewer, record.operator_id)
    query = request.GET.get("q", "").strip()[:100]
    space_id = request.GET.get("space", "")
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    if space_id.isdigit():
        members = members.filter(home_space_id=int(space_id))
    if request.GET.get("status") == "left":
        members = members.filter(left_on__isnull=False)
    else:
        members = members.filter(left_on__isnull=True)
    members = members.select_related("user", "home_space").order_by(
        by_name("user__full_name"), "pk"
    )
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    template = "core/partials/member_rows.html" if request.htmx else "core/staff_members.html"
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "space_id": space_id,
            "spaces": access.spaces_managed_by(request.viewer, record.operator_id),
            "operator": record.operator,
        },
    )


@login_required
@require_POST
def staff_member_leave(request: HttpRequest, member_id: int) -> HttpResponse:
    """Record that a member left (they lose access to the community), or that they came back.
    Those who may change the record; a staff member's departure is an operator admin's call,
    as their role is; and nobody records their own."""
    access.staff_record(request.viewer)
    member = access.member_for_viewer(request.viewer, member_id, "change")
    if not access.member_departure_allowed(request.viewer, member):
        raise PermissionDenied
    if request.POST.get("action") == "return":
        services.member_return(member=member)
        messages.success(request, _("%(name)s is back in the community.") % {"name": member.user})
        return redirect("staff_member_detail", member_id=member.pk)
    try:
        on = dt.date.fromisoformat(request.POST.get("on") or "") if request.POST.get("on") else None
        with transaction.atomic():  # what they held first, while they are still a member
            services.member_leave_check(member=member, on=on)
            released = commitments_release(member, by=request.viewer.record_for(member.operator_id))
            services.member_leave(member=member, on=on)
    except ValueError:
        messages.error(request, _("Give the day they left as a date."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "%(name)s is recorded as having left: they no longer have access. "
                "Bookings to come cancelled: %(bookings)s; places at events given up: %(places)s."
            )
            % {"name": member.user, **released},
        )
    return redirect("staff_member_detail", member_id=member.pk)


@login_required
def staff_member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    staff = access.staff_record(request.viewer)
    member = access.member_for_viewer(request.viewer, member_id)
    can_change = request.viewer.manages_space(member.home_space) or request.viewer.is_superuser
    record = request.viewer.record_for(member.operator_id)
    note_text, note_error = "", None
    if request.method == "POST" and "note" in request.POST:
        # A team note: anyone of the team who may open this record (the gate above).
        note_text = request.POST["note"]
        try:
            services.member_note_add(member=member, author=record or staff, body=note_text)
        except DomainError as exc:
            note_error = exc.message
        else:
            messages.success(request, _("Note saved."))
            return redirect(f"{request.path}#notes")
    elif request.method == "POST":
        member = access.member_for_viewer(request.viewer, member_id, "change")
        role = request.POST.get("role") or member.role
        space = member.home_space
        if request.POST.get("home_space", "").isdigit():
            space = access.space_for_viewer(
                request.viewer, int(request.POST["home_space"]), "change"
            )
        if not access.member_role_change_allowed(request.viewer, member, role):
            messages.error(request, _("Only an operator admin can give or take a staff role."))
        else:
            try:
                services.member_update(member=member, home_space=space, role=role)
                messages.success(request, _("Member record saved."))
                return redirect("staff_member_detail", member_id=member.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(
        request,
        "core/staff_member_detail.html",
        {
            "member": member,
            "can_change": can_change,
            "may_record_leaving": access.member_departure_allowed(request.viewer, member),
            "today": workspace_selectors.today_in(member.home_space),  # the departure's limit
            # Only the roles this viewer may give (a manager: member or guest), and the
            # member's own, so that the menu shows where they stand.
            "roles": [
                (value, label)
                for value, label in Role.choices
                if value == member.role
                or access.member_role_change_allowed(request.viewer, member, value)
            ],
            "spaces": access.spaces_managed_by(request.viewer, member.operator_id),
            "recent": selectors.member_recent_activity(member, limit=20),
            "month": selectors.member_month_summary(member),
            # what the team needs beside the record: the plan, the month, the engagement
            "allowance": workspace_selectors.member_allowance(member),
            "engagement": insights_selectors.member_card(member),
            "notes": [
                (note, note.deletable_by(record))
                for note in member.team_notes.select_related("author__user", "member")[:50]
            ],
            "note_text": note_text,
            "note_error": note_error,
            "note_max": NOTE_MAX_LENGTH,
        },
        status=400 if note_error else 200,
    )


@login_required
@require_POST
def staff_member_note_delete(request: HttpRequest, member_id: int, note_id: int) -> HttpResponse:
    access.staff_record(request.viewer)
    member = access.member_for_viewer(request.viewer, member_id)
    note = member.team_notes.filter(pk=note_id).first()
    if note is None:
        raise Http404
    by = request.viewer.record_for(member.operator_id)
    if by is None:
        raise PermissionDenied
    try:
        services.member_note_delete(note=note, by=by)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Note deleted."))
    return redirect(reverse("staff_member_detail", args=[member.pk]) + "#notes")


@login_required
def staff_spaces(request: HttpRequest) -> HttpResponse:
    record = access.staff_record(request.viewer)
    spaces = access.spaces_managed_by(request.viewer, record.operator_id)
    return render(
        request, "core/staff_spaces.html", {"spaces": spaces, "operator": record.operator}
    )


@login_required
def staff_space_edit(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.space_for_viewer(request.viewer, space_id, "change")
    # The form edits a copy: a rejected form must not leave half-changed data on `space`.
    form = SpaceForm(request.POST or None, instance=Space.objects.get(pk=space.pk))
    if request.method == "POST" and form.is_valid():
        services.space_update(space=space, **form.service_fields())
        messages.success(request, _("Space saved."))
        return redirect("staff_spaces")
    return render(request, "core/staff_space_edit.html", {"form": form, "space": space})


def space_public(request: HttpRequest, slug: str) -> HttpResponse:
    space = access.space_for_viewer(request.viewer, _space_id_for_slug(slug))
    return render(
        request,
        "core/space_public.html",
        {
            "space": space,
            "opening": selectors.opening_today(space),
            "week": selectors.week_hours(space),
            "events": events_selectors.public_upcoming(space),
            "figures_published": bool(insights_services.published_figures(space.operator)),
        },
    )


def _space_id_for_slug(slug: str) -> int:
    return Space.objects.filter(slug=slug).values_list("pk", flat=True).first() or 0


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import TemplateDoesNotExist, loader

    try:
        body = loader.get_template("500.html").render({})
    except TemplateDoesNotExist:
        body = "<h1>Maillage</h1><p>Something went wrong on our side.</p>"
    return HttpResponse(body, status=500)
