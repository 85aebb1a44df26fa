"""Delivery tasks: dispatch due invitations, reminders and expiry (issue 3)."""
