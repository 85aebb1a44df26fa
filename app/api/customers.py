"""API: customers."""
