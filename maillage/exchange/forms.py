from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.exchange.models import OpportunityKind, Terms


class IntroductionForm(forms.Form):
    note = forms.CharField(
        label=_("A note for them"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )


class PublicLeadForm(forms.Form):
    title = forms.CharField(label=_("What are you looking for?"), max_length=140)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Your email"))
    company = forms.CharField(label=_("Your company (optional)"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OpportunityKind.choices, initial="client")
    # The honeypot: hidden from people by CSS, filled by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class StaffOpportunityForm(forms.Form):
    title = forms.CharField(label=_("What is needed"), max_length=140)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    skills = forms.CharField(label=_("Skills (optional)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OpportunityKind.choices)
    requester_name = forms.CharField(label=_("Requester's name"), max_length=120)
    requester_email = forms.EmailField(label=_("Requester's email"))
    requester_company = forms.CharField(
        label=_("Requester's company"), max_length=150, required=False
    )


class AskForm(forms.Form):
    title = forms.CharField(label=_("What do you need?"), max_length=140)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    skills = forms.CharField(
        label=_("Skills (comma-separated, optional)"), max_length=200, required=False
    )
    terms = forms.ChoiceField(label=_("In return"), choices=Terms.choices)
    budget = forms.CharField(label=_("Budget or exchange"), max_length=140, required=False)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    terms = forms.ChoiceField(label=_("Kind"), choices=Terms.choices)
    amount = forms.CharField(label=_("Amount (€)"), max_length=20, required=False)
    exchange_note = forms.CharField(label=_("What was exchanged"), max_length=200, required=False)
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)]
    )
    provider_is_me = forms.TypedChoiceField(
        label=_("Who helped whom?"),
        coerce=lambda v: v == "1",
        choices=[("1", _("I helped them")), ("0", _("They helped me"))],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ThanksForm(forms.Form):
    message = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}))
    is_recommendation = forms.BooleanField(label=_("I recommend this member"), required=False)


class PreferencesForm(forms.Form):
    wants_opportunities = forms.BooleanField(label=_("I want opportunities"), required=False)
    opportunity_kinds = forms.MultipleChoiceField(
        label=_("Which kinds (none ticked: all)"),
        choices=OpportunityKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accepts_introductions = forms.BooleanField(label=_("I accept introductions"), required=False)


class StaffIntroductionForm(forms.Form):
    a = forms.ModelChoiceField(label=_("Introduce"), queryset=None)
    b = forms.ModelChoiceField(label=_("To"), queryset=None)
    note = forms.CharField(
        label=_("A note for them"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda m: m.user.get_full_name() or str(m.pk)
