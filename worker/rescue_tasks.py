"""Rescue tasks: escalation of overdue tasks and the emails about tasks (issue 4)."""
