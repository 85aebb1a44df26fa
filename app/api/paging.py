"""Keyset paging for growing lists: newest first, ``limit`` rows, ``before_id`` for the next page.

Ids only grow, so "id < before_id" pages stay stable while new rows arrive (an offset would
shift under the reader). The answer carries ``next``, the URL of the following page, or null.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import request
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from app.api.schemas import Page
from app.extensions import db


def paged(
    stmt: Select, id_column: InstrumentedAttribute, page: Page, to_json: Callable[[Any], dict]
) -> dict[str, Any]:
    """``{"items": [...], "next": url | None}`` for ``stmt``, newest first."""
    if page.before_id is not None:
        stmt = stmt.where(id_column < page.before_id)
    rows = list(db.session.scalars(stmt.order_by(id_column.desc()).limit(page.limit + 1)))
    next_url = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        args = request.args.to_dict() | {"before_id": str(rows[-1].id)}
        next_url = f"{request.path}?{urlencode(args)}"
    return {"items": [to_json(row) for row in rows], "next": next_url}
