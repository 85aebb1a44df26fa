"""Placeholder: composing and delivering email (being written)."""
