"""Admin pages: imports."""
