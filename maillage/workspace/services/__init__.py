"""Writes of the workspace: every one a keyword-only function in one transaction.

Split by area: `resources` (resources, closed days), `plans` (plans, memberships), `bookings`,
`checkins` (check-ins, the entrance QR code, guests), `feeds` (calendar URLs).
"""

from maillage.workspace.services.bookings import (
    SlotTaken,
    booking_cancel,
    booking_create,
    booking_create_recurring,
    booking_interval,
)
from maillage.workspace.services.checkins import (
    AlreadyCheckedIn,
    CheckInRow,
    checkin_close,
    checkin_import_many,
    checkin_open,
    checkin_token,
    checkin_token_check,
    guest_arrive,
    guest_cancel,
    guest_register,
)
from maillage.workspace.services.feeds import (
    calendar_feed_get_or_create,
    calendar_feed_revoke,
    feed_token,
    feed_token_matches,
)
from maillage.workspace.services.plans import (
    MembershipRow,
    membership_end,
    membership_pause,
    membership_resume,
    membership_start,
    membership_start_many,
    plan_create,
    plan_update,
)
from maillage.workspace.services.resources import (
    closed_day_add,
    closed_day_remove,
    resource_create,
    resource_update,
)

__all__ = [
    "AlreadyCheckedIn",
    "CheckInRow",
    "MembershipRow",
    "SlotTaken",
    "booking_cancel",
    "booking_create",
    "booking_create_recurring",
    "booking_interval",
    "calendar_feed_get_or_create",
    "calendar_feed_revoke",
    "checkin_close",
    "checkin_import_many",
    "checkin_open",
    "checkin_token",
    "checkin_token_check",
    "closed_day_add",
    "closed_day_remove",
    "feed_token",
    "feed_token_matches",
    "guest_arrive",
    "guest_cancel",
    "guest_register",
    "membership_end",
    "membership_pause",
    "membership_resume",
    "membership_start",
    "membership_start_many",
    "plan_create",
    "plan_update",
    "resource_create",
    "resource_update",
]
