"""The rescue workspace: opening and assigning tasks, actions on them, the queue, escalation,
win-back, the report, and the emails about tasks."""
