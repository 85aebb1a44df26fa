"""The themes report page: per theme over a range, what is said and what it costs the headline.

The figures are ``surveys.reports.themes_report``'s, the same the API's
``GET /api/v1/reports/themes`` returns; survey or kind and the range live in the URL, and every
theme links to the explorer filtered to it over the same range.
"""

from flask import render_template, request

from app.auth.decorators import role_required
from app.extensions import db
from app.insights import bp
from surveys.catalog import definitions as catalog
from surveys.kernel.errors import ValidationError
from surveys.models import KINDS
from surveys.reports import stats, themes_report


@bp.get("/insights/themes/report", endpoint="themes_report")
@role_required("admin", "agent", "analyst")
def themes_report_page() -> tuple[str, int] | str:
    """The report for ``survey`` or ``kind`` (NPS surveys when neither is given) and the range."""
    args = {k: v for k, v in request.args.items() if k in ("survey", "kind", "from", "to") and v}
    if "survey" not in args and "kind" not in args:
        args["kind"] = "nps"
    context = {
        "args": args,
        "surveys": catalog.list_surveys(db.session),
        "kinds": KINDS,
        "min_comments": stats.MIN_THEME_COMMENTS,
        "nav_current": "themes",
    }
    try:
        scope = themes_report.parse_scope(db.session, args)
    except ValidationError as exc:
        return render_template(
            "insights/themes_report.html", report=None, errors=exc.fields, **context
        ), 400
    report = themes_report.themes_report(db.session, scope)
    return render_template(
        "insights/themes_report.html",
        report=report,
        errors={},
        scope_args=scope.query_args(),
        **context,
    )
