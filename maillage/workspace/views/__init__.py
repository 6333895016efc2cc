"""Workspace pages, by area: bookings, calendar feeds, check-ins, front desk, plans, resources."""
