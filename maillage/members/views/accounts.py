"""Invitations (staff side and the invited person's side) and personal preferences."""

from __future__ import annotations

import json

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import access
from maillage.core.errors import DomainError
from maillage.core.models import Role
from maillage.members import services
from maillage.members.adapter import INVITATION_SESSION_KEY
from maillage.members.forms import AccountEraseForm, InvitationForm, PreferencesForm
from maillage.members.models import Invitation
from maillage.members.services import privacy


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_check(token)
    except services.InvitationError as exc:
        return render(
            request, "members/invitation_invalid.html", {"message": exc.message}, status=410
        )
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                member = services.invitation_accept(token=token, user=user)
            except services.InvitationError as exc:
                return render(
                    request, "members/invitation_invalid.html", {"message": exc.message}, status=410
                )
            request.session["maillage_operator_id"] = member.operator_id
            messages.success(request, _("Welcome to %(space)s!") % {"space": invitation.space.name})
            return redirect("home")
        return render(request, "members/invitation_join.html", {"invitation": invitation})
    request.session[INVITATION_SESSION_KEY] = token
    # The link proves the address: allauth will not ask to verify it again.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect(reverse("account_signup") + "?" + urlencode({"email": invitation.email}))


@login_required
def staff_invitations(request: HttpRequest) -> HttpResponse:
    record = access.staff_record(request.viewer)
    spaces = list(access.spaces_managed_by(request.viewer, record.operator_id))
    roles = Role.values if record.is_admin else [Role.MEMBER, Role.GUEST]
    form = InvitationForm(request.POST or None, spaces=spaces, roles=roles)
    if request.method == "POST" and form.is_valid():
        space = access.space_for_viewer(request.viewer, int(form.cleaned_data["space"]), "change")
        try:
            services.invitation_create(
                space=space,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                invited_by=record,
                language=request.LANGUAGE_CODE,
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("staff_invitations")
    # One line per person: a new invitation replaces the one pending (which the service
    # marks withdrawn), and the list shows where each person stands now, newest first.
    latest: dict[str, Invitation] = {}
    for invitation in (
        Invitation.objects.filter(operator_id=record.operator_id, space__in=spaces)
        .select_related("space", "invited_by__user")
        .order_by("-created_at", "-pk")[:1000]
    ):
        latest.setdefault(invitation.email.lower(), invitation)
    invitations = list(latest.values())[:100]
    return render(
        request, "members/staff_invitations.html", {"form": form, "invitations": invitations}
    )


def _invitation_for_staff(request: HttpRequest, invitation_id: int) -> Invitation:
    record = access.staff_record(request.viewer)
    invitation = (
        Invitation.objects.filter(pk=invitation_id, operator_id=record.operator_id)
        .select_related("space")
        .first()
    )
    if invitation is None:
        raise Http404
    access.space_for_viewer(request.viewer, invitation.space_id, "change")
    return invitation


@login_required
@require_POST
def staff_invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_for_staff(request, invitation_id)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("staff_invitations")


@login_required
@require_POST
def staff_invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_for_staff(request, invitation_id)
    try:
        services.invitation_create(
            space=invitation.space,
            email=invitation.email,
            full_name=invitation.full_name,
            role=invitation.role,
            invited_by=request.viewer.record_for(invitation.operator_id),
            language=request.LANGUAGE_CODE,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("A new invitation was sent to %(email)s.") % {"email": invitation.email}
        )
    return redirect("staff_invitations")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(
        request.POST or None, initial={"full_name": user.full_name, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_preferences(user=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            from django.utils import translation

            translation.activate(user.language)
            messages.success(request, _("Preferences saved."))
            return redirect("preferences")
    return render(request, "members/preferences.html", {"form": form})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What Maillage keeps about me: a copy to download, and deleting my account."""
    user = request.user
    form = AccountEraseForm(
        request.POST if request.method == "POST" else None, user=user, request=request
    )
    blocked = None
    try:
        privacy.account_erase_check(user)
    except DomainError as exc:
        blocked = exc.message
    if request.method == "POST" and blocked is None and form.is_valid():
        try:
            privacy.account_erase(user=user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            language = user.language
            logout(request)
            messages.success(request, _("Your account has been deleted. Goodbye, and thank you."))
            response = redirect("home")
            # the goodbye page in the language they used, not the browser's
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language,
                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )  # fmt: skip
            return response
    return render(
        request,
        "members/my_data.html",
        {"form": form, "blocked": blocked, "records": request.viewer.records},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    """A copy of everything Maillage keeps about me, as a JSON file (RGPD, art. 15 and 20)."""
    data = privacy.personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="maillage-my-data-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("staff/invitations/", staff_invitations, name="staff_invitations"),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
    path(
        "staff/invitations/<int:invitation_id>/resend/",
        staff_invitation_resend,
        name="staff_invitation_resend",
    ),
    path("invitations/<str:token>/", invitation_accept, name="invitation_accept"),
    path("me/preferences/", preferences, name="preferences"),
    path("me/data/", my_data, name="my_data"),
    path("me/data/export/", my_data_export, name="my_data_export"),
]
