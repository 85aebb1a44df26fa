"""Reports: the same figures as the dashboards."""

from typing import Any

from flask import request

from app.api import bp
from app.api.parsing import query_args
from app.api.schemas import SummaryQuery
from app.extensions import db
from surveys.catalog import definitions as catalog
from surveys.reports import summary as reports
from surveys.reports import themes_report


@bp.get("/reports/summary")
def report_summary() -> dict[str, Any]:
    """One survey's counts and headline metric with ``survey``; every survey's without."""
    query = query_args(SummaryQuery)
    if query.survey is not None:
        return reports.summary_by_id(db.session, query.survey)
    return {"items": [reports.summary(db.session, s) for s in catalog.list_surveys(db.session)]}


@bp.get("/reports/themes")
def report_themes() -> dict[str, Any]:
    """Per theme over ``from``..``to`` (default the last 30 days) for ``survey`` or ``kind``:
    mentions, share, sentiment, NPS impact with its interval, rising and detractors vs promoters
    (``surveys.reports.themes_report``, the same numbers as the themes report page)."""
    scope = themes_report.parse_scope(db.session, request.args)
    return themes_report.themes_report(db.session, scope).as_dict()
