"""Customer import task: runs a CSV import row by row, reporting progress (issue 3)."""
