"""Workspace pages: bookings, calendars, check-ins, plans."""

urlpatterns: list = []
