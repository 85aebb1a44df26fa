"""Answers: recording a score and comment, processing (analysis, category, routing)."""
