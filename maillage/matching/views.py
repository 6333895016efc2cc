"""Pages of the matching app: people to meet, the roulette, project teams."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import access as core_access
from maillage.core.errors import DomainError
from maillage.core.models import Space
from maillage.matching import selectors, services
from maillage.matching.access import member_of, project_for_viewer
from maillage.matching.forms import ProjectForm, RouletteJoinForm, RouletteRunForm
from maillage.matching.models import (
    MatchingPreference,
    Project,
    RouletteOptIn,
    RouletteRound,
    RouletteSeat,
    TeamSeat,
)


def _apply(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- people to meet --------------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    member = member_of(request.viewer)
    pref = MatchingPreference.objects.filter(member=member).first()
    return render(
        request,
        "matching/people.html",
        {
            "member": member,
            "people": selectors.people_to_meet(request.viewer, k=12),
            "opted_out": bool(pref and pref.opted_out),
        },
    )


@login_required
@require_POST
def dismiss(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_of(request.viewer)
    try:
        services.suggestion_dismiss(member=member, other_id=member_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    messages.success(request, _("Understood: we will not suggest them again for a while."))
    return redirect(request.POST.get("next") or "matching_people")


@login_required
def why(request: HttpRequest, member_id: int) -> HttpResponse:
    """The profile page's line (loaded by htmx): why the viewer should meet this member."""
    member = member_of(request.viewer)
    found = []
    if member_id != member.pk:
        found = selectors.people_to_meet(request.viewer, k=1, only=member_id)
    return render(request, "matching/includes/why_meet.html", {"p": found[0] if found else None})


@login_required
@require_POST
def introduce(request: HttpRequest, member_id: int) -> HttpResponse:
    """Note the suggestion acted on, then hand over to the introduction flow."""
    member = member_of(request.viewer)
    try:
        other = services.suggestion_act(member=member, other_id=member_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("matching_people")
    try:
        url = reverse("exchange_introduction_new")
    except NoReverseMatch:  # the exchange app is not there: the profile has a contact form
        return redirect("profile_detail", other.pk)
    return redirect(f"{url}?to={other.pk}")


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    member = member_of(request.viewer)
    services.matching_preference_set(member=member, opted_out=request.POST.get("opted_out") == "1")
    messages.success(request, _("Your choice is saved."))
    return redirect("matching_people")


# --- roulette --------------------------------------------------------------------------------


@login_required
def roulette_page(request: HttpRequest) -> HttpResponse:
    member = member_of(request.viewer)
    spaces = list(Space.objects.filter(operator_id=member.operator_id).order_by("name"))
    optins = {o.space_id: o for o in RouletteOptIn.objects.filter(member=member, is_active=True)}
    rows = []
    for space in spaces:
        optin = optins.get(space.pk)
        initial = {"frequency": optin.frequency, "days": optin.days} if optin else {}
        rows.append(
            {
                "space": space,
                "optin": optin,
                "form": RouletteJoinForm(initial=initial, prefix=f"s{space.pk}"),
            }
        )
    if request.method == "POST":
        space_id = _int(request.POST.get("space"))
        space = next((s for s in spaces if s.pk == space_id), None)
        if space is None:
            messages.error(request, _("Choose one of your community's spaces."))
            return redirect("matching_roulette")
        if request.POST.get("leave"):
            services.roulette_leave(member=member, space=space)
            messages.success(request, _("You left this roulette."))
            return redirect("matching_roulette")
        form = RouletteJoinForm(request.POST, prefix=f"s{space.pk}")
        if form.is_valid():
            try:
                services.roulette_join(member=member, space=space, **form.cleaned_data)
            except DomainError as exc:
                _apply(form, exc)
            else:
                messages.success(
                    request, _("You are in the roulette of %(space)s.") % {"space": space.name}
                )
                return redirect("matching_roulette")
        for row in rows:
            if row["space"].pk == space.pk:
                row["form"] = form
    upcoming = (
        RouletteSeat.objects.filter(member=member, round__meet_on__gte=timezone.localdate())
        .select_related("round__space")
        .order_by("round__meet_on")
    )
    return render(
        request,
        "matching/roulette.html",
        {
            "rows": rows,
            "to_answer": [
                (s, selectors.group_of(s)) for s in selectors.roulette_seats_to_answer(member)
            ],
            "upcoming": [(s, selectors.group_of(s)) for s in upcoming],
        },
    )


@login_required
@require_POST
def roulette_answer(request: HttpRequest, seat_id: int) -> HttpResponse:
    member = member_of(request.viewer)
    try:
        services.roulette_answer(member=member, seat_id=seat_id, met=request.POST.get("met") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you, noted."))
    return redirect("matching_roulette")


@login_required
def staff_roulette(request: HttpRequest) -> HttpResponse:
    record = core_access.staff_record(request.viewer)
    spaces = list(
        core_access.spaces_managed_by(request.viewer, record.operator_id).order_by("name")
    )
    form = RouletteRunForm(request.POST or None, spaces=spaces)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        space = core_access.space_for_viewer(request.viewer, data.pop("space"), "change")
        try:
            rnd = services.roulette_run(space=space, run_by=record, **data)
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                _("Round created: %(n)s groups; invitations are on their way.")
                % {"n": rnd.seats.values("group").distinct().count()},
            )
            return redirect("staff_roulette")
    rounds = list(RouletteRound.objects.filter(space__in=spaces).select_related("space")[:10])
    for rnd in rounds:
        groups: dict[int, list] = {}
        for seat in rnd.seats.select_related("member__user"):
            groups.setdefault(seat.group, []).append(seat)
        rnd.groups = list(groups.values())
    participants = {
        s.pk: RouletteOptIn.objects.filter(space=s, is_active=True).count() for s in spaces
    }
    return render(
        request,
        "matching/staff_roulette.html",
        {"form": form, "rounds": rounds, "spaces": spaces, "participants": participants},
    )


# --- teams -----------------------------------------------------------------------------------


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    member = member_of(request.viewer)
    return render(
        request,
        "matching/projects.html",
        {
            "mine": Project.objects.filter(created_by=member),
            "proposals": TeamSeat.objects.filter(member=member)
            .select_related("project__created_by__user")
            .order_by("-proposed_at"),
        },
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    member = member_of(request.viewer)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(by=member, **form.cleaned_data)
        except DomainError as exc:
            _apply(form, exc)
        else:
            return redirect("matching_project", project.pk)
    return render(request, "matching/project_form.html", {"form": form})


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_viewer(request.viewer, project_id)
    member = member_of(request.viewer)
    if request.method == "POST" and project.created_by_id == member.pk:
        try:
            services.team_propose(project=project)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("A new team is proposed."))
        return redirect("matching_project", project.pk)
    seats = project.seats.select_related("member__user").prefetch_related("skills")
    return render(
        request,
        "matching/project_detail.html",
        {"project": project, "seats": seats, "is_owner": project.created_by_id == member.pk},
    )


@login_required
@require_POST
def team_answer(request: HttpRequest, seat_id: int) -> HttpResponse:
    member = member_of(request.viewer)
    try:
        seat = services.team_seat_answer(
            member=member, seat_id=seat_id, accept=request.POST.get("accept") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("matching_projects")
    messages.success(request, _("Your answer is saved."))
    return redirect("matching_project", seat.project_id)
