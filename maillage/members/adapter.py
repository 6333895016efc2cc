"""django-allauth hooks: sign-up is open only to people holding a valid invitation."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils.translation import gettext as _

from maillage.members import services

INVITATION_SESSION_KEY = "maillage_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        token = request.session.get(INVITATION_SESSION_KEY)
        if not token:
            return False
        try:
            services.invitation_check(token)
        except services.InvitationError:
            return False
        return True

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        user.language = getattr(request, "LANGUAGE_CODE", "fr")[:2]
        if commit:
            user.save()
            token = request.session.pop(INVITATION_SESSION_KEY, None)
            if token:
                services.invitation_accept(token=token, user=user)
        return user

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = getattr(self, "request", None)
        token = request.session.get(INVITATION_SESSION_KEY) if request is not None else None
        match = getattr(request, "resolver_match", None)
        if token and match is not None and match.url_name == "account_signup":
            try:
                invitation = services.invitation_check(token)
            except services.InvitationError as exc:
                raise forms.ValidationError(exc.message) from None
            if invitation.email.lower() != email.lower():
                raise forms.ValidationError(
                    _("Sign up with the address the invitation was sent to: %(email)s.")
                    % {"email": invitation.email}
                )
        return email

    def get_login_redirect_url(self, request) -> str:
        return _onboarding_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        return _onboarding_url(request) or super().get_signup_redirect_url(request)


def _onboarding_url(request) -> str | None:
    """After a member's first log-in, the profile wizard, once (never for staff)."""
    from django.urls import reverse

    from maillage.core.access import viewer_for_user
    from maillage.core.middleware import CURRENT_OPERATOR_SESSION_KEY
    from maillage.members.services.profiles import profile_onboarding_due

    viewer = viewer_for_user(
        request.user, operator_id=request.session.get(CURRENT_OPERATOR_SESSION_KEY)
    )
    if profile_onboarding_due(member=viewer.current):
        return reverse("profile_wizard")
    return None
