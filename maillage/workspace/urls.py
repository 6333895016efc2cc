"""Workspace pages: bookings, calendars, check-ins, plans."""

from django.urls import path

from maillage.workspace.views import bookings, checkins, feeds, frontdesk, plans, resources

urlpatterns = [
    # bookings
    path("bookings/", bookings.booking_calendar, name="booking_calendar"),
    path("bookings/find/", bookings.booking_find, name="booking_find"),
    path("bookings/new/", bookings.booking_new, name="booking_new"),
    path("bookings/new/estimate/", bookings.booking_quote, name="booking_quote"),
    path("bookings/mine/", bookings.booking_mine, name="booking_mine"),
    path("bookings/<int:booking_id>/", bookings.booking_detail, name="booking_detail"),
    path("bookings/<int:booking_id>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("bookings/resources/<int:resource_id>/", bookings.booking_week, name="booking_week"),
    path("bookings/calendar-link/", bookings.booking_feed_create, name="booking_feed_create"),
    path(
        "bookings/calendar-link/<int:feed_id>/revoke/",
        bookings.booking_feed_revoke,
        name="booking_feed_revoke",
    ),
    path("calendar/<int:feed_id>-<str:token>.ics", feeds.calendar_feed, name="calendar_feed"),
    # check-ins and guests
    path("checkin/", checkins.checkin, name="checkin"),
    path("checkout/", checkins.checkout, name="checkout"),
    path("checkin/<int:space_id>/<str:token>/", checkins.checkin_qr, name="checkin_qr"),
    path("guests/new/", checkins.guest_new, name="guest_new"),
    path("guests/<int:guest_id>/cancel/", checkins.guest_cancel, name="guest_cancel"),
    # plans
    path("plan/", plans.my_plan, name="my_plan"),
    path("plan/statement/<str:month>/", plans.my_statement, name="my_statement"),
    # staff: front desk
    path("staff/frontdesk/", frontdesk.frontdesk, name="frontdesk"),
    path(
        "staff/frontdesk/<int:space_id>/checkin/",
        frontdesk.frontdesk_checkin,
        name="frontdesk_checkin",
    ),
    path(
        "staff/frontdesk/checkins/<int:checkin_id>/checkout/",
        frontdesk.frontdesk_checkout,
        name="frontdesk_checkout",
    ),
    path(
        "staff/frontdesk/<int:space_id>/guests/", frontdesk.frontdesk_guest, name="frontdesk_guest"
    ),
    path(
        "staff/frontdesk/guests/<int:guest_id>/arrived/",
        frontdesk.frontdesk_guest_arrived,
        name="frontdesk_guest_arrived",
    ),
    path(
        "staff/frontdesk/<int:space_id>/poster/",
        frontdesk.frontdesk_poster,
        name="frontdesk_poster",
    ),
    # staff: plans, memberships, usage
    path("staff/plans/", plans.staff_plans, name="staff_plans"),
    path("staff/plans/<int:plan_id>/", plans.staff_plan_edit, name="staff_plan_edit"),
    path("staff/plans/members/", plans.staff_plan_memberships, name="staff_plan_memberships"),
    path(
        "staff/plans/memberships/<int:membership_id>/",
        plans.staff_plan_membership,
        name="staff_plan_membership",
    ),
    path("staff/usage/", plans.staff_usage, name="staff_usage"),
    path(
        "staff/usage/members/<int:member_id>/", plans.staff_usage_member, name="staff_usage_member"
    ),
    path(
        "staff/usage/companies/<int:company_id>/",
        plans.staff_usage_company,
        name="staff_usage_company",
    ),
    # staff: resources and closed days
    path(
        "staff/spaces/<int:space_id>/resources/", resources.staff_resources, name="staff_resources"
    ),
    path(
        "staff/spaces/<int:space_id>/resources/new/",
        resources.staff_resource_new,
        name="staff_resource_new",
    ),
    path(
        "staff/resources/<int:resource_id>/",
        resources.staff_resource_edit,
        name="staff_resource_edit",
    ),
    path(
        "staff/spaces/<int:space_id>/closed-days/",
        resources.staff_space_closed_day_add,
        name="staff_space_closed_day_add",
    ),
    path(
        "staff/closed-days/<int:closed_day_id>/remove/",
        resources.staff_space_closed_day_remove,
        name="staff_space_closed_day_remove",
    ),
]
