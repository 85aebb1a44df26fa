"""Admin pages: surveys."""
