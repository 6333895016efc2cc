from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Role


class InvitationSignupForm(SignupForm):
    """allauth's sign-up form, with the person's name; the email is the invitation's."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)

    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["readonly"] = True


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    space = forms.ChoiceField(label=_("Space"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, spaces=(), roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = [(s.pk, s.name) for s in spaces]
        if roles is not None:
            self.fields["role"].choices = [c for c in Role.choices if c[0] in roles]


class AccountEraseForm(forms.Form):
    """Deleting one's account: their password again, and a box saying they understand."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account, my profile and my messages will be deleted, "
                "and that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )  # fmt: skip

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self) -> str:
        from allauth.core import ratelimit

        password = self.cleaned_data["password"]
        # allauth's limit for typing one's password again (10 a minute): a session left
        # open is no way to guess it
        if self.request is not None and not ratelimit.consume(
            self.request, action="reauthenticate", user=self.user
        ):
            raise forms.ValidationError(_("Too many attempts: wait a minute, then try again."))
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class PreferencesForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    # Each language in its own name ("Français", "English"), as people look for it.
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[
            (code, get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ],
    )
