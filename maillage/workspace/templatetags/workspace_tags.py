"""Small template helpers of the workspace pages."""

from __future__ import annotations

from django import template

register = template.Library()

KIND_ICONS = {"room": "people", "desk": "desk", "fixed_desk": "desk", "booth": "chat"}


@register.filter
def kind_icon(kind: str) -> str:
    """The sprite icon for a kind of resource."""
    return KIND_ICONS.get(kind, "bulb")


@register.filter
def percent(used, total) -> int:
    """How full a meter is, 0–100."""
    try:
        return max(0, min(100, round(100 * float(used) / float(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def duration(minutes) -> str:
    """90 → "1 h 30", 60 → "1 h", 45 → "45 min"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
