"""Reports: survey summaries and the staff overview."""
