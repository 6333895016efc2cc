"""The navigation every page shows; later issues register their entries here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    icon: str
    staff_only: bool = False
    # A URL name prefix that marks the entry as current (e.g. "staff_member" for member pages).
    active_prefixes: tuple[str, ...] = ()
    visible: Callable | None = None


MEMBER_NAV: list[NavEntry] = [
    NavEntry(_("Home"), "home", "home", active_prefixes=("home",)),
    NavEntry(
        _("Directory"), "directory", "search", active_prefixes=("directory", "profile_detail")
    ),
    NavEntry(_("Events"), "event_list", "star", active_prefixes=("event",)),
    NavEntry(_("Bookings"), "booking_calendar", "calendar", active_prefixes=("booking",)),
    NavEntry(
        _("Mutual help"),
        "exchange_home",
        "people",
        active_prefixes=("exchange_home", "exchange_ask", "exchange_intro", "exchange_offer"),
    ),
    NavEntry(_("People to meet"), "matching_people", "handshake", active_prefixes=("matching",)),
]

# What is the member's own, in the menu under their name (the main bar stays on one line).
PERSONAL_NAV: list[NavEntry] = [
    NavEntry(
        _("My profile"),
        "profile_edit",
        "person",
        active_prefixes=("profile_edit", "profile_wizard"),
    ),
    NavEntry(_("My plan"), "my_plan", "briefcase", active_prefixes=("my_plan",)),
    NavEntry(_("My bookings"), "booking_mine", "calendar", active_prefixes=("booking_mine",)),
    NavEntry(_("My events"), "event_mine", "star", active_prefixes=("event_mine",)),
    NavEntry(
        _("My introductions"),
        "exchange_introductions",
        "handshake",
        active_prefixes=("exchange_introduction",),
    ),
    NavEntry(_("My engagement"), "my_engagement", "chart", active_prefixes=("my_engagement",)),
]

STAFF_NAV: list[NavEntry] = [
    NavEntry(_("Dashboard"), "staff_home", "dashboard", True, ("staff_home",)),
    NavEntry(
        _("Members"), "staff_members", "people", True, ("staff_members", "staff_member_detail")
    ),
    NavEntry(_("Invitations"), "staff_invitations", "mail", True, ("staff_invitation",)),
    NavEntry(_("Import"), "staff_member_import", "upload", True, ("staff_member_import",)),
    NavEntry(_("Insights"), "insights_dashboard", "chart", True, ("insights",)),
    NavEntry(_("Events"), "staff_events", "star", True, ("staff_event",)),
    NavEntry(
        _("Opportunities"), "exchange_staff_opportunities", "briefcase", True, ("exchange_staff",)
    ),
    NavEntry(_("Front desk"), "frontdesk", "desk", True, ("frontdesk",)),
    NavEntry(_("Roulette"), "staff_roulette", "coffee", True, ("staff_roulette",)),
    NavEntry(_("Plans"), "staff_plans", "briefcase", True, ("staff_plan", "staff_usage")),
    NavEntry(_("Spaces"), "staff_spaces", "building", True, ("staff_space", "staff_resource")),
]


def entries_for(viewer, current_url_name: str | None) -> dict[str, list[dict]]:
    def render(entries: list[NavEntry]) -> list[dict]:
        items = []
        for entry in entries:
            if entry.visible is not None and not entry.visible(viewer):
                continue
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:  # a page whose app is not built yet
                continue
            active = bool(current_url_name) and any(
                current_url_name.startswith(p) for p in (entry.active_prefixes or (entry.url_name,))
            )
            items.append({"label": entry.label, "url": url, "icon": entry.icon, "active": active})
        return items

    if not viewer.is_authenticated:
        return {"member": [], "personal": [], "staff": []}
    staff = render(STAFF_NAV) if viewer.current is not None and viewer.current.is_staff else []
    return {
        "member": render(MEMBER_NAV) if viewer.current else [],
        "personal": render(PERSONAL_NAV) if viewer.current else [],
        "staff": staff,
    }
