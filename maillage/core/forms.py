from __future__ import annotations

import itertools
import json

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.models import WEEKDAYS, Space, validate_opening_hours

DAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}


class SpaceForm(forms.ModelForm):
    """A space's public details; opening hours as one line per day ("08:30-19:00", empty = closed)."""

    class Meta:
        model = Space
        fields = [
            "name",
            "street",
            "postal_code",
            "city",
            "time_zone",
            "contact_email",
            "contact_phone",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = self.instance.opening_hours or {}
        for day in WEEKDAYS:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=DAY_LABELS[day],
                required=False,
                initial=", ".join(f"{a}-{b}" for a, b in hours.get(day, [])),
                help_text=_("e.g. 08:30-12:30, 13:30-19:00; empty means closed"),
            )

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["opening_hours"] = self.cleaned_data["opening_hours"]
        return fields

    def day_fields(self):
        return [self[f"hours_{day}"] for day in WEEKDAYS]

    def clean(self):
        cleaned = super().clean()
        hours: dict[str, list[list[str]]] = {}
        for day in WEEKDAYS:
            text = (cleaned.get(f"hours_{day}") or "").strip()
            if not text:
                continue
            ranges = []
            for part in text.split(","):
                bits = [b.strip() for b in part.replace("–", "-").split("-")]
                if len(bits) != 2:
                    self.add_error(f"hours_{day}", _("Write hours as 08:30-19:00."))
                    break
                start, end = (_hhmm(b) for b in bits)
                if "??:??" in (start, end):
                    self.add_error(
                        f"hours_{day}",
                        _("%(text)s is not a time range: write hours as 08:30-19:00.")
                        % {"text": part.strip()},
                    )
                    break
                if start >= end:
                    self.add_error(
                        f"hours_{day}",
                        _("%(text)s ends before it starts: write opening then closing time.")
                        % {"text": part.strip()},
                    )
                    break
                ranges.append([start, end])
            else:
                ranges.sort()
                for (_a, end), (start, _b) in itertools.pairwise(ranges):
                    if start < end:
                        self.add_error(
                            f"hours_{day}",
                            _("The ranges overlap (%(end)s is after %(start)s): merge them.")
                            % {"start": start, "end": end},
                        )
                        break
            hours[day] = ranges
        if any(self.has_error(f"hours_{day}") for day in WEEKDAYS):
            return cleaned
        try:
            validate_opening_hours(hours)
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        cleaned["opening_hours"] = json.loads(json.dumps(hours))
        return cleaned


def _hhmm(text: str) -> str:
    text = text.replace("h", ":").replace("H", ":")
    if ":" not in text:
        text += ":00"
    hours, _, minutes = text.partition(":")
    minutes = minutes or "00"
    if not (hours.isdecimal() and minutes.isdecimal()) or int(hours) > 24 or int(minutes) > 59:
        return "??:??"
    if int(hours) == 24 and int(minutes):
        return "??:??"
    return f"{int(hours):02d}:{int(minutes):02d}"


def parse_id(text: object) -> int | None:
    """A positive id typed in a query string or a form ("12"), or None for anything else:
    "abc", "", "²" (a digit for str.isdigit(), not for int()), "-3", "99999999999999999999"."""
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None
