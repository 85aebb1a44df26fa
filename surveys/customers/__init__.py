"""Customers: their records, lifecycle stages, events as they arrive, CSV imports and timeline."""
