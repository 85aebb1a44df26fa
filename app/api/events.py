"""API: events."""
