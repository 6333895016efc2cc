"""Forms of the matching pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.matching.models import Frequency, RouletteKind
from maillage.members.forms_profiles import SkillsField

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


class RouletteJoinForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    days = forms.TypedMultipleChoiceField(
        label=_("Days I can make it (none: any day)"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RouletteRunForm(forms.Form):
    space = forms.TypedChoiceField(label=_("Space"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=RouletteKind.choices)
    meet_on = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    meet_at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=140)
    group_size = forms.TypedChoiceField(
        label=_("Group size"),
        coerce=int,
        choices=[(2, _("pairs")), (3, _("groups of 3")), (4, _("groups of 4"))],
    )

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = [(s.pk, s.name) for s in spaces]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=140)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    skills = SkillsField(
        label=_("Skills needed"),
        required=True,
        help_text=_("Separate them with commas. Suggestions appear as you type."),
    )
    size = forms.IntegerField(label=_("Team size at most"), min_value=1, max_value=12, initial=4)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
