"""Reports: the same figures as the dashboards (one service, surveys.reports.dashboard)."""

from typing import Any

from flask import request

from app.api import bp
from app.api.parsing import query_args
from app.api.report_schemas import DashboardQuery, dashboard_query
from app.api.schemas import SummaryQuery
from app.extensions import db
from surveys.catalog import definitions as catalog
from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.reports import counts, dashboard, figures, themes_report
from surveys.reports import summary as reports


@bp.get("/reports/summary")
def report_summary() -> dict[str, Any]:
    """One survey's counts and headline metric with ``survey``; every survey's without."""
    query = query_args(SummaryQuery)
    if query.survey is not None:
        return reports.summary_by_id(db.session, query.survey)
    return {"items": [reports.summary(db.session, s) for s in catalog.list_surveys(db.session)]}


def scope_of(query: DashboardQuery) -> tuple[dashboard.Range, counts.Scope]:
    """The query's range and counts scope; a survey wins over ``kind``, as on the page.

    :raises ValidationError: neither a survey nor a kind (422);
    :raises NotFoundError: no such survey (404).
    """
    days = query.days(clock.now().date())
    if query.survey is None and query.kind is None:
        raise ValidationError("Give a survey or a kind.", fields={"survey": "survey or kind"})
    return days, dashboard.scope(db.session, days, survey_id=query.survey, kind=query.kind)


def _slice(by: str) -> None:
    try:
        dashboard.check_slice(db.session, by)
    except ValueError as exc:
        raise ValidationError(str(exc), fields={"by": str(exc)}) from None


@bp.get("/reports/trend")
def report_trend() -> dict[str, Any]:
    """The headline per day, week or month with its interval and n; per slice value with ``by``."""
    query = dashboard_query(request.args)
    days, scope = scope_of(query)
    result: dict[str, Any] = {
        "kind": scope.kind,
        "survey": scope.survey_id,
        "from": days.first.isoformat(),
        "to": days.last.isoformat(),
        "period": query.period,
    }
    if query.by is None:
        result["points"] = dashboard.trend(db.session, scope, query.period)
    else:
        _slice(query.by)
        result["by"] = query.by
        result["series"] = dashboard.trend_by(db.session, scope, query.period, query.by)
    return figures.rounded(result)


@bp.get("/reports/breakdown")
def report_breakdown() -> dict[str, Any]:
    """The headline per slice value (``by``, default stage); by agent, the NPS leaderboard."""
    query = dashboard_query(request.args)
    days, scope = scope_of(query)
    by = query.by or "stage"
    _slice(by)
    result = dashboard.breakdown(db.session, scope, by)
    return figures.rounded({"from": days.first.isoformat(), "to": days.last.isoformat()} | result)


@bp.get("/reports/themes")
def report_themes() -> dict[str, Any]:
    """Per theme over ``from``..``to`` (default the last 30 days) for ``survey`` or ``kind``:
    mentions, share, sentiment, NPS impact with its interval, rising and detractors vs promoters
    (``surveys.reports.themes_report``, the same numbers as the themes report page)."""
    scope = themes_report.parse_scope(db.session, request.args)
    return themes_report.themes_report(db.session, scope).as_dict()
