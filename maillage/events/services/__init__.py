"""Writes of events: every one a keyword-only function in one transaction.

Split by area: `events` (propose, approve, decline, change, cancel), `series` (recurring
events), `rsvps` (answers, the waiting list, visitors' RSVPs), `attendance` (attendance,
self check-in, feedback, "who did you meet?"), `notifications` (emails and preferences),
`feeds` (calendar URLs).
"""

from maillage.events.services.attendance import (
    AlreadyCheckedIn,
    attendance_close,
    attendance_mark,
    attendees,
    checkin_token,
    event_self_checkin,
    feedback_allowed,
    feedback_give,
)
from maillage.events.services.events import (
    event_approve,
    event_cancel,
    event_decline,
    event_propose,
    event_update,
)
from maillage.events.services.feeds import (
    event_feed_get_or_create,
    event_feed_revoke,
    event_feed_token,
    event_feed_token_matches,
)
from maillage.events.services.notifications import (
    notification_preferences_update,
    preferences_for,
)
from maillage.events.services.rsvps import (
    Refused,
    event_rsvp,
    public_rsvp_cancel,
    public_rsvp_confirm,
    public_rsvp_request,
    public_token,
    rsvp_cancel,
)
from maillage.events.services.series import series_extend

__all__ = [
    "AlreadyCheckedIn",
    "Refused",
    "attendance_close",
    "attendance_mark",
    "attendees",
    "checkin_token",
    "event_approve",
    "event_cancel",
    "event_decline",
    "event_feed_get_or_create",
    "event_feed_revoke",
    "event_feed_token",
    "event_feed_token_matches",
    "event_propose",
    "event_rsvp",
    "event_self_checkin",
    "event_update",
    "feedback_allowed",
    "feedback_give",
    "notification_preferences_update",
    "preferences_for",
    "public_rsvp_cancel",
    "public_rsvp_confirm",
    "public_rsvp_request",
    "public_token",
    "rsvp_cancel",
    "series_extend",
]
