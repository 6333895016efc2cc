"""Forms of the profile pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

import unicodedata

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from maillage.members.loaders import INTEREST_CATEGORIES
from maillage.members.models import (
    Interest,
    OfferTerms,
    Profile,
    SkillLevel,
    Urgency,
    Visibility,
)
from maillage.members.services.profiles import LANGUAGE_CHOICES

SECTION_LABELS = {
    "about": _("About me"),
    "skills": _("Skills"),
    "offers": _("What I offer"),
    "needs": _("What I'm looking for"),
    "interests": _("Interests"),
    "availability": _("Coffee and lunch"),
}
VISIBILITY_SHORT = {
    Visibility.SPACE: _("My space"),
    Visibility.OPERATOR: _("My operator's spaces"),
    Visibility.NETWORK: _("The network"),
    Visibility.PUBLIC: _("Public"),
}


def skill_input_attrs(**extra) -> dict:
    """A text input that asks for skill suggestions as one types (htmx; see skill_field.html)."""
    return {
        "autocomplete": "off",
        "data-skill-input": "",
        "hx-get": reverse_lazy("skill_autocomplete"),
        "hx-trigger": "input changed delay:250ms",
        "hx-target": "next .suggestions",
        "hx-swap": "innerHTML",
        **extra,
    }


class AboutForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    headline = forms.CharField(
        label=_("Headline"),
        max_length=140,
        required=False,
        help_text=_("What you do, in one line: “Freelance UX designer, accessibility”."),
    )
    company = forms.CharField(
        label=_("Company or organisation"),
        max_length=150,
        required=False,
        help_text=_("Colleagues who give the same name appear together."),
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed: **bold**, *italics*, lists, [links](https://…)."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Portfolio https://…"}),
        help_text=_("One per line: a web address, optionally preceded by a label. Five at most."),
    )

    def clean_links(self) -> list[dict[str, str]]:
        links = []
        for line in self.cleaned_data["links"].splitlines():
            line = line.strip()
            if not line:
                continue
            label, _sep, url = line.rpartition(" ")
            links.append({"label": label.strip(), "url": url.strip()})
        return links

    @staticmethod
    def links_text(links: list[dict[str, str]]) -> str:
        return "\n".join(f"{link['label']} {link['url']}".strip() for link in links or [])


class AvailabilityForm(forms.Form):
    open_to_coffee = forms.BooleanField(label=_("Open to a coffee with a member"), required=False)
    open_to_lunch = forms.BooleanField(label=_("Open to lunch together"), required=False)
    availability_note = forms.CharField(
        label=_("When I'm usually around"),
        max_length=140,
        required=False,
        help_text=_("For example: “Tuesdays and Thursdays, lunch at 12:30”."),
    )


class PhotoForm(forms.Form):
    # A plain FileField: the image is judged by its content in `images.photo_prepare`.
    photo = forms.FileField(
        label=_("Choose a new photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, 5 MB at most. It is shown in a circle, 512 pixels wide."),
    )


class SkillAddForm(forms.Form):
    text = forms.CharField(
        label=_("Skill"),
        max_length=80,
        required=False,
        widget=forms.TextInput(
            attrs=skill_input_attrs(placeholder=_("e.g. UX design, accounting, React"))
        ),
    )
    concept = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label=_("Level"), choices=SkillLevel.choices, coerce=int, initial=SkillLevel.CONFIRMED
    )


class SkillsField(forms.CharField):
    """Skills as comma-separated words; each becomes a taxonomy skill or a free tag."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Skills involved"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 600)
        kwargs.setdefault("help_text", _("Separate them with commas."))
        kwargs.setdefault("widget", forms.TextInput(attrs=skill_input_attrs()))
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


class OfferForm(forms.Form):
    title = forms.CharField(
        label=_("What you offer"),
        max_length=140,
        help_text=_(
            "A service, as a colleague would ask for it: “Accessibility audit of a website”."
        ),
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you do, for whom, how long it takes."),
    )
    terms = forms.ChoiceField(
        label=_("Terms"),
        choices=OfferTerms.choices,
        initial=OfferTerms.MEMBER_RATE,
        widget=forms.RadioSelect,
    )
    terms_note = forms.CharField(
        label=_("Price or conditions"),
        max_length=140,
        required=False,
        help_text=_("Optional: “€300 a day, −20 % for members”, “an hour of your time back”."),
    )
    skills = SkillsField()


class NeedForm(forms.Form):
    title = forms.CharField(
        label=_("What you're looking for"),
        max_length=140,
        help_text=_("“A lawyer to review a contract”, “a beta tester for my app”."),
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    urgency = forms.ChoiceField(
        label=_("By when"),
        choices=Urgency.choices,
        initial=Urgency.MEDIUM,
        widget=forms.RadioSelect,
    )
    skills = SkillsField()


class InterestsForm(forms.Form):
    interests = forms.ModelMultipleChoiceField(
        label=_("Interests"),
        queryset=Interest.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def grouped(self) -> list[tuple[str, list]]:
        """The checkboxes, by category, for templates."""
        by_slug = {i.pk: i for i in self.fields["interests"].queryset}
        groups: dict[str, list] = {}
        for widget in self["interests"]:
            interest = by_slug.get(int(str(widget.data["value"])))
            category = interest.category if interest else ""
            groups.setdefault(category, []).append(widget)
        for widgets in groups.values():
            widgets.sort(key=lambda w: _sort_key(str(w.choice_label)))
        order = list(INTEREST_CATEGORIES)
        ranked = sorted(
            groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
        return [
            (str(INTEREST_CATEGORIES.get(cat, cat or _("Other"))), widgets)
            for cat, widgets in ranked
        ]


def _sort_key(text: str) -> str:
    # "Échecs" sorts with the E's, as a French reader expects.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class VisibilityForm(forms.Form):
    section = forms.ChoiceField(choices=[(s, s) for s in Profile.SECTIONS])
    visibility = forms.ChoiceField(
        label=_("Who can see this"),
        choices=[(v, VISIBILITY_SHORT[v]) for v in Visibility.values],
    )


class ListedForm(forms.Form):
    listed = forms.BooleanField(label=_("Show me in the directory"), required=False)


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class IntroForm(forms.Form):
    """The wizard's first step: who I am."""

    full_name = forms.CharField(label=_("Name"), max_length=150)
    headline = forms.CharField(
        label=_("What you do, in one line"),
        max_length=140,
        help_text=_("“Freelance UX designer, accessibility”, “Business lawyer”."),
    )
    company = forms.CharField(label=_("Company or organisation"), max_length=150, required=False)
    skills = SkillsField(
        label=_("Your main skills"),
        help_text=_("Three to five, separated by commas. Suggestions appear as you type."),
    )
    bio = forms.CharField(
        label=_("A few words about you"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WizardOfferForm(OfferForm):
    """The wizard's second step: all optional, an empty form means "nothing to offer yet"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False


class WizardNeedForm(NeedForm):
    """The wizard's last step: a need (optional) and interests."""

    interests = forms.ModelMultipleChoiceField(
        label=_("Interests you'd share with others"),
        queryset=Interest.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False

    grouped = InterestsForm.grouped
