"""Reports: the same figures as the dashboards."""

from typing import Any

from app.api import bp
from app.api.parsing import query_args
from app.api.schemas import SummaryQuery
from app.extensions import db
from surveys.catalog import definitions as catalog
from surveys.reports import summary as reports


@bp.get("/reports/summary")
def report_summary() -> dict[str, Any]:
    """One survey's counts and headline metric with ``survey``; every survey's without."""
    query = query_args(SummaryQuery)
    if query.survey is not None:
        return reports.summary_by_id(db.session, query.survey)
    return {"items": [reports.summary(db.session, s) for s in catalog.list_surveys(db.session)]}
