"""Portable ``INSERT ... ON CONFLICT`` for PostgreSQL and SQLite, the two supported databases."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}


def dialect_insert(dialect: str, target):
    """The named dialect's ``insert()`` construct for ``target`` (a model or a table), which
    knows ``on_conflict_*``.

    :raises RuntimeError: a database Kaiku does not support.
    """
    if dialect not in _DIALECTS:
        raise RuntimeError(f"unsupported database: {dialect}")
    return _DIALECTS[dialect].insert(target)


def insert_for(session: Session, model: type):
    """The session's dialect's ``insert()`` construct for ``model``."""
    return dialect_insert(session.get_bind().dialect.name, model)


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
