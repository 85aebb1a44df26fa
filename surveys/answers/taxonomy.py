"""The theme taxonomy comments are tagged with, as stored for this house."""

from sqlalchemy.orm import Session

from surveys.answers.analysis.themes import DEFAULT_TAXONOMY, Taxonomy


def load_taxonomy(session: Session) -> Taxonomy:
    """The current taxonomy (the built-in defaults until themes live in the database)."""
    return DEFAULT_TAXONOMY
