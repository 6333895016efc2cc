"""Event pages: members', the staff's, visitors' and the calendar feeds."""

from django.urls import path

from maillage.events.views import feeds, members, public, staff

urlpatterns = [
    # members
    path("events/", members.event_list, name="event_list"),
    path("events/mine/", members.event_mine, name="event_mine"),
    path("events/for-you/", members.event_for_you, name="event_for_you"),
    path("events/propose/", members.event_propose, name="event_propose"),
    path("events/notifications/", members.event_notifications, name="event_notifications"),
    path("events/<int:event_id>/", members.event_detail, name="event_detail"),
    path("events/<int:event_id>/rsvp/", members.event_rsvp, name="event_rsvp"),
    path("events/<int:event_id>/edit/", members.event_edit, name="event_edit"),
    path("events/<int:event_id>/cancel/", members.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/feedback/", members.event_feedback, name="event_feedback"),
    path("events/<int:event_id>/event.ics", members.event_ics, name="event_ics"),
    path("events/<int:event_id>/checkin/<str:token>/", members.event_checkin, name="event_checkin"),
    # hosts and staff: attendance and the QR code
    path("events/<int:event_id>/attendance/", staff.event_attendance, name="event_attendance"),
    path(
        "events/<int:event_id>/attendance/<int:rsvp_id>/",
        staff.event_attendance_mark,
        name="event_attendance_mark",
    ),
    path(
        "events/<int:event_id>/attendance/close/",
        staff.event_attendance_close,
        name="event_attendance_close",
    ),
    path("events/<int:event_id>/qr/", staff.event_qr, name="event_qr"),
    # visitors
    path("events/<int:event_id>/public-rsvp/", public.event_public_rsvp, name="event_public_rsvp"),
    path(
        "events/rsvp/<str:token>/confirm/", public.event_public_confirm, name="event_public_confirm"
    ),
    path("events/rsvp/<str:token>/cancel/", public.event_public_cancel, name="event_public_cancel"),
    path("spaces/<slug:slug>/events/", public.event_space, name="event_space"),
    path("spaces/<slug:slug>/events.ics", public.event_space_ics, name="event_space_ics"),
    # calendar feeds
    path("events/calendar-link/", feeds.event_feed_create, name="event_feed_create"),
    path("events/calendar-link/revoke/", feeds.event_feed_revoke, name="event_feed_revoke"),
    path("events/calendar/<int:feed_id>-<str:token>.ics", feeds.event_feed, name="event_feed"),
    # staff
    path("staff/events/", staff.staff_events, name="staff_events"),
    path(
        "staff/events/<int:event_id>/decide/", staff.staff_event_decide, name="staff_event_decide"
    ),
]
