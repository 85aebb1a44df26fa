"""Admin pages: staff."""
