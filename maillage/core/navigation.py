"""The navigation every page shows; later issues register their entries here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext
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


# --- the navigation as HTML, written once per language, page and kind of viewer -------------
#
# The header's three lists were rendered by template loops on every page (about 0.7 ms, a
# good part of a logged-in page's floor). They depend only on the language, the current page
# and whether the viewer has a community and is staff, so each combination is written once
# per process (a few hundred at most: the URL names are finite) and reused.

_ICON = '<svg class="icon" width="{size}" height="{size}" aria-hidden="true"><use href="#i-{icon}"></use></svg>'
_html: dict[tuple, dict[str, SafeString]] = {}
EMPTY_HTML = {"personal": SafeString(""), "menu": SafeString(""), "bars": SafeString("")}


def _links(items: list[dict], css: str, size: int) -> str:
    return "".join(
        f'<li><a class="{css}" href="{escape(item["url"])}"'
        + (' aria-current="page"' if item["active"] else "")
        + f">{_ICON.format(size=size, icon=escape(item['icon']))}{escape(item['label'])}</a></li>"
        for item in items
    )


def nav_html(viewer, current_url_name: str | None) -> dict[str, SafeString]:
    """The menu's own pages (`personal`), its account links (`menu`) and the navigation bars
    (`bars`) of base.html, as HTML."""
    if not viewer.is_authenticated:
        return EMPTY_HTML
    current = viewer.current
    staff = current is not None and current.is_staff
    account_staff = staff or bool(getattr(viewer.user, "is_staff", False))
    key = (get_language(), get_script_prefix(), current_url_name, current is not None, staff,
           account_staff)  # fmt: skip
    html = _html.get(key)
    if html is None:
        html = _html[key] = _nav_html(viewer, current_url_name, account_staff)
    return html


def _nav_html(viewer, current_url_name: str | None, account_staff: bool) -> dict[str, SafeString]:
    entries = entries_for(viewer, current_url_name)
    personal = ""
    if entries["personal"]:
        personal = (
            f'<ul class="menu-list">{_links(entries["personal"], "menu-item", 20)}</ul>'
            '<div class="menu-separator"></div>'
        )
    account = [
        {"url": reverse("preferences"), "icon": "settings", "label": gettext("Preferences"),
         "active": False},
        {"url": reverse("account_change_password"), "icon": "key",
         "label": gettext("Change password"), "active": False},
        {"url": reverse("my_data"), "icon": "user", "label": gettext("My data"),
         "active": False},
    ]  # fmt: skip
    if account_staff:
        account.append(
            {"url": reverse("mfa_index"), "icon": "shield",
             "label": gettext("Two-factor authentication"), "active": False}
        )  # fmt: skip
    menu = f'<ul class="menu-list">{_links(account, "menu-item", 20)}</ul>'
    bars = ""
    if entries["member"]:
        main_label = escape(gettext("Main navigation"))
        bars += (
            '<div class="site-nav"><div class="container site-nav-inner">'
            f'<nav aria-label="{main_label}"><ul class="nav-list">'
            f"{_links(entries['member'], 'nav-link', 20)}</ul></nav></div></div>"
        )
    if entries["staff"]:
        # The team's pages get a band of their own: it wraps rather than hiding entries.
        label = escape(pgettext("navigation group", "Staff"))
        bars += (
            '<div class="site-nav site-nav-staff"><div class="container">'
            '<nav class="nav-staff" aria-labelledby="nav-staff-label">'
            f'<span class="nav-staff-label" id="nav-staff-label">{label}</span>'
            f'<ul class="nav-list">{_links(entries["staff"], "nav-link", 18)}</ul>'
            "</nav></div></div>"
        )
    return {
        "personal": mark_safe(personal),  # noqa: S308 (every value is escaped above)
        "menu": mark_safe(menu),  # noqa: S308
        "bars": mark_safe(bars),  # noqa: S308
    }
