"""Responses: the answers and what the pipeline made of them, filtered as in the explorer."""

from typing import Any

from flask import Response as HttpResponse
from flask import request, stream_with_context

from app.api import bp
from app.api.paging import paged
from app.api.parsing import load, query_args
from app.api.schemas import ResponsesQuery
from app.api.serializers import response_json
from app.extensions import db
from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.models import Response
from surveys.reports import explorer, explorer_csv
from surveys.reports.csv_export import stream_csv


@bp.get("/responses")
def list_responses() -> dict[str, Any] | HttpResponse:
    """The explorer's filters (``surveys.reports.explorer``) as query parameters; pages newest
    first by id, or with ``format=csv`` every matching row, streamed, in the ``sort`` order.

    A ``survey`` that does not exist is a 404, not an empty list, so a wrong id is noticed.
    """
    query = query_args(ResponsesQuery)
    filters = explorer.parse_filters(request.args)
    stmt = explorer.filtered_responses(db.session, filters)
    if query.format == "csv":
        return _csv(filters)
    if filters.sort != "newest":
        raise ValidationError(
            "Pages are newest first (they page by id); sort applies to format=csv.",
            fields={"sort": "only with format=csv"},
        )
    return paged(stmt.order_by(None), Response.id, query, response_json)


def _csv(filters: explorer.ExplorerFilters) -> HttpResponse:
    """Every matching row as CSV, produced while it is sent (the request's session stays open)."""
    rows = explorer_csv.csv_rows(db.session, filters)
    filename = f"kaiku-responses-{clock.now().date().isoformat()}.csv"
    return HttpResponse(
        stream_with_context(stream_csv(rows)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.get("/responses/<int:response_id>")
def get_response(response_id: int) -> dict[str, Any]:
    return response_json(load(Response, response_id, "response"))
