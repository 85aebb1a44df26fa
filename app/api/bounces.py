"""API: bounces."""
