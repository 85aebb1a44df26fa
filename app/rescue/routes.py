"""Rescue queue pages."""
