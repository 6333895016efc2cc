"""Forms of the workspace pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from maillage.core.models import Member, Space
from maillage.workspace.models import (
    AMENITIES,
    GuestKind,
    Plan,
    PlanPeriod,
    Resource,
    ResourceKind,
)
from maillage.workspace.rules import FREQUENCIES, MAX_REPEAT, minutes_of


def date_input() -> forms.DateInput:
    # <input type="date"> only understands ISO dates, whatever the language of the page.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def quarter_choices(first: int = 0, last: int = 24 * 60) -> list[tuple[str, str]]:
    return [(f"{m // 60:02d}:{m % 60:02d}",) * 2 for m in range(first, last, 15)] + (
        [("00:00", "24:00")] if last >= 24 * 60 else []
    )


def _quarter(minute: int) -> tuple[str, str]:
    if minute >= 24 * 60:
        return ("00:00", "24:00")
    return (f"{minute // 60:02d}:{minute % 60:02d}",) * 2


def opening_choices(ranges) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The start and end times a day's opening ranges allow, a quarter apart."""
    starts: list[tuple[str, str]] = []
    ends: list[tuple[str, str]] = []
    for a, b in sorted((minutes_of(a), minutes_of(b)) for a, b in ranges):
        starts += [_quarter(m) for m in range(a, b, 15)]
        ends += [_quarter(m) for m in range(a + 15, b + 1, 15)]
    return starts, ends


def parse_hhmm(value: str) -> dt.time:
    hours, _, minutes = value.partition(":")
    return dt.time(int(hours) % 24, int(minutes))


REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    ("weekly", _("Every week")),
    ("fortnightly", _("Every other week")),
    ("weekdays", _("Every working day")),
]
assert {c for c, _label in REPEAT_CHOICES if c} == set(FREQUENCIES)


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resource) -> str:
        return f"{obj.name} — {obj.space.name}"


class BookingForm(forms.Form):
    resource = ResourceChoiceField(queryset=Resource.objects.none(), label=_("Room or desk"))
    day = forms.DateField(label=_("Day"), widget=date_input())
    start = forms.ChoiceField(label=_("From"), choices=quarter_choices())
    end = forms.ChoiceField(label=_("To"), choices=quarter_choices(15))
    title = forms.CharField(
        label=_("Title (optional)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Client meeting")}),
    )
    member = forms.ModelChoiceField(
        queryset=Member.objects.none(), label=_("Book for"), required=False
    )
    company = forms.ModelChoiceField(
        queryset=None, label=_("On behalf of"), required=False, empty_label=_("Myself")
    )
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, required=False)
    count = forms.IntegerField(
        label=_("Number of times"), min_value=1, max_value=MAX_REPEAT, initial=4, required=False
    )

    def __init__(self, *args, resources, members=None, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members
            self.fields["member"].label_from_instance = lambda m: m.user.get_full_name()
            self.fields["member"].empty_label = _("Myself")
        if companies is None or not companies.exists():
            del self.fields["company"]
        else:
            self.fields["company"].queryset = companies

    def offer_times(self, ranges, *, space_name: str) -> None:
        """List only the times within `ranges` (the space's opening hours on the chosen day).
        The fields still accept any quarter hour, so that the service says why a time outside
        the hours is refused; a value already chosen stays listed."""
        if not ranges:
            self.fields["start"].help_text = _("%(space)s is closed that day.") % {
                "space": space_name
            }
        for name, offered in zip(("start", "end"), opening_choices(ranges), strict=True):
            value = self[name].value()
            if value and value not in {v for v, _label in offered}:
                offered = [c for c in self.fields[name].choices if c[0] == value] + offered
            self.fields[name].widget.choices = offered

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start"):
            cleaned["start_time"] = parse_hhmm(cleaned["start"])
        if cleaned.get("end"):
            cleaned["end_time"] = parse_hhmm(cleaned["end"])
        if cleaned.get("repeat") and not cleaned.get("count"):
            self.add_error("count", _("How many times?"))
        return cleaned


class FindForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=date_input())
    start = forms.ChoiceField(label=_("From"), choices=quarter_choices(6 * 60, 22 * 60))
    end = forms.ChoiceField(label=_("To"), choices=quarter_choices(6 * 60 + 15, 22 * 60 + 15))
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Anything"))] + [c for c in ResourceKind.choices if c[0] != "fixed_desk"],
    )
    people = forms.IntegerField(label=_("People"), min_value=1, max_value=200, initial=1)


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    company_name = forms.CharField(label=_("Company (optional)"), max_length=120, required=False)
    kind = forms.ChoiceField(
        label=_("Coming as"), choices=GuestKind.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label=_("Day"), widget=date_input())
    space = forms.ModelChoiceField(queryset=Space.objects.none(), label=_("Space"))

    def __init__(self, *args, spaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces
        self.fields["kind"].initial = GuestKind.GUEST


class DeskGuestForm(GuestForm):
    host = forms.ModelChoiceField(
        queryset=Member.objects.none(), label=_("Host"), required=False, empty_label=_("No host")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = members
        self.fields["host"].label_from_instance = lambda m: m.user.get_full_name()
        del self.fields["space"]


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "name", "description", "period", "access_days", "credits", "guest_days",
            "monthly_price", "day_price", "allow_overage", "is_active",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = PlanPeriod.choices


class MembershipForm(forms.Form):
    member = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Member"))
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), label=_("Plan"))
    starts_on = forms.DateField(label=_("Starts on"), widget=date_input())
    ends_on = forms.DateField(
        label=_("Ends on (optional)"),
        required=False,
        widget=date_input(),
    )
    company = forms.ModelChoiceField(
        queryset=None, label=_("Paid by company (optional)"), required=False
    )

    def __init__(self, *args, members, plans, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.user.get_full_name()} — {m.home_space.name}"
        )
        self.fields["plan"].queryset = plans
        self.fields["company"].queryset = companies


class PauseForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("pause", "pause"), ("resume", "resume"), ("end", "end")],
        widget=forms.HiddenInput,
    )
    on = forms.DateField(label=_("From"), widget=date_input())
    until = forms.DateField(label=_("Until (optional)"), required=False, widget=date_input())


class ResourceForm(forms.ModelForm):
    amenities = forms.MultipleChoiceField(
        label=_("Amenities"),
        choices=list(AMENITIES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Resource
        fields = [
            "kind", "name", "description", "capacity", "seats", "photo", "amenities",
            "credits_per_hour", "credits_per_half_day", "credits_per_day",
            "price_per_hour", "price_per_half_day", "price_per_day",
            "free_cancel_hours", "is_bookable", "is_active", "position",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The database refuses fewer than one seat; say so in words, on the field.
        self.fields["seats"].widget.attrs["min"] = 1
        self.fields["seats"].validators.append(
            MinValueValidator(1, message=_("At least one person must be able to book it."))
        )


class ClosedDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=date_input())
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Bastille Day")}),
    )
