"""Lifecycle tasks: trigger evaluation of events, the event sweeper, customer imports (issue 3)."""
