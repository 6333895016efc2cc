"""Reads of the workspace: calendars, availability, who is here, plans and statements.

Each takes what an access gate returned (a space, a member record, an operator id) and makes
a fixed number of queries, whatever the number of resources or bookings.
"""

from maillage.workspace.selectors.calendar import (
    Available,
    Block,
    DayCalendar,
    Estimate,
    Line,
    WeekCalendar,
    WeekDay,
    Window,
    book_href,
    booking_estimate,
    day_calendar,
    free_resources,
    member_cancelled_bookings,
    member_past_bookings,
    member_upcoming_bookings,
    week_calendar,
)
from maillage.workspace.selectors.common import (
    local,
    today_in,
)
from maillage.workspace.selectors.presence import (
    HereToday,
    here_today,
    member_checkin_today,
    member_guests,
    member_home,
    present_member_ids,
    spaces_here_counts,
    staff_home,
)
from maillage.workspace.selectors.statements import (
    Statement,
    StatementLine,
    UsageRow,
    company_statement,
    member_allowance,
    member_memberships,
    member_statement,
    operator_companies_usage,
    operator_usage,
    plan_member_counts,
)

__all__ = [
    "Available",
    "Block",
    "DayCalendar",
    "Estimate",
    "HereToday",
    "Line",
    "Statement",
    "StatementLine",
    "UsageRow",
    "WeekCalendar",
    "WeekDay",
    "Window",
    "book_href",
    "booking_estimate",
    "company_statement",
    "day_calendar",
    "free_resources",
    "here_today",
    "local",
    "member_allowance",
    "member_cancelled_bookings",
    "member_checkin_today",
    "member_guests",
    "member_home",
    "member_memberships",
    "member_past_bookings",
    "member_statement",
    "member_upcoming_bookings",
    "operator_companies_usage",
    "operator_usage",
    "plan_member_counts",
    "present_member_ids",
    "spaces_here_counts",
    "staff_home",
    "today_in",
    "week_calendar",
]
