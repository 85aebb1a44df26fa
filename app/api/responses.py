"""Responses: the answers and what the pipeline made of them."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import bp
from app.api.paging import paged
from app.api.parsing import load, query_args
from app.api.schemas import ResponsesQuery
from app.api.serializers import response_json
from app.extensions import db
from surveys.catalog import definitions as catalog
from surveys.models import Response, ResponseTheme


@bp.get("/responses")
def list_responses() -> dict[str, Any]:
    """Newest first; filters ``survey``, ``since`` (answered at or after), ``category``, ``theme``.

    A ``survey`` that does not exist is a 404, not an empty list, so a wrong id is noticed.
    """
    query = query_args(ResponsesQuery)
    stmt = select(Response).options(selectinload(Response.themes))
    if query.survey is not None:
        stmt = stmt.where(Response.survey_id == catalog.get_survey(db.session, query.survey).id)
    if query.since is not None:
        stmt = stmt.where(Response.answered_at >= query.since)
    if query.category is not None:
        stmt = stmt.where(Response.category == query.category)
    if query.theme is not None:
        tagged = select(ResponseTheme.response_id).where(ResponseTheme.theme == query.theme)
        stmt = stmt.where(Response.id.in_(tagged))
    return paged(stmt, Response.id, query, response_json)


@bp.get("/responses/<int:response_id>")
def get_response(response_id: int) -> dict[str, Any]:
    return response_json(load(Response, response_id, "response"))
