"""Portable ``INSERT ... ON CONFLICT`` for PostgreSQL and SQLite, the two supported databases."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session, model: type):
    """The dialect's ``insert()`` construct for ``model``, which knows ``on_conflict_*``."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise RuntimeError(f"unsupported database: {dialect}")


def insert_ignore(
    session: Session, model: type, values: Mapping[str, Any], conflict: Sequence[str]
) -> int | None:
    """Insert a row unless one with the same ``conflict`` columns exists.

    Safe under concurrency: two callers racing on the same key leave one row and neither fails.
    Returns the new row's id, or None when the row already existed.
    """
    stmt = (
        insert_for(session, model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model.id)
    )
    return session.execute(stmt).scalar_one_or_none()
