"""Forms of the event pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from maillage.events import recurrence
from maillage.events.models import EventKind, EventVisibility, NotificationPreference, RsvpStatus
from maillage.members.models import Interest
from maillage.workspace.models import Resource


def date_input() -> forms.DateInput:
    # <input type="date"> only understands ISO dates, whatever the language of the page.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def time_input() -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 300})


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resource) -> str:
        return f"{obj.name} — {obj.space.name} ({obj.capacity})"


class InterestChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Interest) -> str:
        return obj.label()


REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    ("weekly", _("Every week, same day")),
    ("fortnightly", _("Every other week")),
    ("monthly", _("Every month, same weekday (e.g. the 2nd Thursday)")),
    ("weekdays", _("Every working day")),
    ("custom", _("Custom rule (RRULE)")),
]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=140)
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    space = forms.ModelChoiceField(
        queryset=None,
        label=_("Space"),
        required=False,
        empty_label=_("Across all our spaces (elsewhere)"),
    )
    room = RoomChoiceField(
        queryset=Resource.objects.none(),
        label=_("Room"),
        required=False,
        empty_label=_("No room to book"),
        help_text=_("Reserved for the event through the bookings, so nobody else gets it."),
    )
    location = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("Where exactly (the terrace, the kitchen), or the address when elsewhere."),
    )
    day = forms.DateField(label=_("Day"), widget=date_input())
    start = forms.TimeField(label=_("From"), widget=time_input())
    end = forms.TimeField(label=_("To"), widget=time_input())
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        help_text=_("People, guests included. Empty: the room's size, or no limit."),
    )
    max_guests = forms.IntegerField(
        label=_("Guests per member"), min_value=0, max_value=10, initial=0, required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=EventVisibility.choices, initial=EventVisibility.MEMBERS
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happens, for whom, what to bring. Markdown is allowed."),
    )
    interests = InterestChoiceField(
        queryset=Interest.objects.all(),
        label=_("Interests it speaks to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members who share these interests see the event first."),
    )
    cover = forms.FileField(label=_("Cover image"), required=False)
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, required=False)
    repeat_count = forms.IntegerField(
        label=_("Number of times"),
        required=False,
        min_value=1,
        max_value=recurrence.MAX_OCCURRENCES,
    )
    repeat_until = forms.DateField(label=_("Until"), required=False, widget=date_input())
    rule = forms.CharField(
        label=_("Rule"),
        required=False,
        max_length=200,
        help_text=_("An iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=TH;UNTIL=20270630."),
    )
    exceptions = forms.CharField(
        label=_("Except on"),
        required=False,
        max_length=2000,
        help_text=_("Dates to skip, as YYYY-MM-DD, separated by commas."),
    )

    def __init__(self, *args, spaces, rooms, can_repeat: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces
        self.fields["room"].queryset = rooms
        self.fields["kind"].choices = [(v, capfirst(label)) for v, label in EventKind.choices]
        self.can_repeat = can_repeat and not editing
        if not self.can_repeat:
            for name in ("repeat", "repeat_count", "repeat_until", "rule", "exceptions"):
                del self.fields[name]

    def clean_max_guests(self) -> int:
        return self.cleaned_data.get("max_guests") or 0

    def clean_exceptions(self) -> list[dt.date]:
        text = self.cleaned_data.get("exceptions", "")
        days = []
        for chunk in re.split(r"[\s,;]+", text.strip()):
            if not chunk:
                continue
            if not _DATE.fullmatch(chunk):
                raise forms.ValidationError(
                    _("Write each date as YYYY-MM-DD (e.g. 2026-12-24), not %(value)s."),
                    params={"value": chunk},
                )
            try:
                days.append(dt.date.fromisoformat(chunk))
            except ValueError:
                raise forms.ValidationError(
                    _("%(value)s is not a date."), params={"value": chunk}
                ) from None
        return days

    def recurrence_rule(self) -> str:
        """The RRULE the choices describe ("" for a single date)."""
        data = self.cleaned_data
        repeat = data.get("repeat") or ""
        if not repeat:
            return ""
        if repeat == "custom":
            return data.get("rule") or "FREQ=?"
        count, until = data.get("repeat_count"), data.get("repeat_until")
        if count is None and until is None:
            # Let the service say a repetition must end, in its words.
            return recurrence.simple_rule(repeat=repeat, first_day=data["day"])
        return recurrence.simple_rule(
            repeat=repeat, first_day=data["day"], count=count, until=until
        )


class RsvpForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, s) for s in (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NOT_GOING)]
    )
    guests = forms.IntegerField(min_value=0, max_value=10, required=False)

    def clean_guests(self) -> int:
        return self.cleaned_data.get("guests") or 0


class PublicRsvpForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("Your email"), help_text=_("We send you a link to confirm your place.")
    )
    guests = forms.IntegerField(label=_("Guests"), min_value=0, max_value=10, required=False)
    # The honeypot: hidden from people by CSS, filled by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, max_guests: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if max_guests == 0:
            del self.fields["guests"]
        else:
            self.fields["guests"].max_value = max_guests


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("A word for the hosts (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    met = forms.MultipleChoiceField(
        label=_("Who did you meet?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People you talked with. It helps the community introduce you to others."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(m.pk): m for m in people}
        self.fields["met"].choices = [(k, m.user.get_full_name()) for k, m in self.people.items()]

    def met_members(self) -> list:
        return [self.people[k] for k in self.cleaned_data.get("met", [])]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (told to the people who answered)"), required=False, max_length=500
    )
    following = forms.BooleanField(label=_("Also cancel the later dates"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])
    note = forms.CharField(label=_("Note to the host"), required=False, max_length=500)
    room = RoomChoiceField(queryset=Resource.objects.none(), required=False)

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = list(NotificationPreference.KINDS)
