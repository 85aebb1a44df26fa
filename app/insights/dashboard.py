"""The dashboard page: headline with its margin, change, distribution, trend chart, breakdowns.

Every figure comes from ``surveys.reports.dashboard``, the service the API's trend and breakdown
call too, so the page and the API show the same numbers. The query string is the API's (survey,
kind, range, from, to, period, by), so a view can be shared as a link. The trend chart is SVG
drawn on the server (``chart``): no script, and its numbers are repeated in a table.
"""

import math
from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for

from app.api.report_schemas import DashboardQuery, dashboard_query
from app.auth.decorators import role_required
from app.extensions import db
from app.formatting import number, signed
from app.insights import bp
from surveys.catalog import scoring
from surveys.kernel import clock
from surveys.kernel.errors import KaikuError
from surveys.reports import dashboard, figures, segments
from surveys.reports.overview import BAND_LABELS

QUICK_PICKS = (("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"),
               ("quarter", "This quarter"))  # fmt: skip
SLICES = (("stage", "Lifecycle stage"), ("channel", "Channel"), ("identity", "Respondent"),
          ("language", "Language"), ("agent", "Agent"))  # fmt: skip
KIND_LABELS = {"nps": "NPS", "csat": "CSAT %", "ces": "CES"}
# Who answered (``Response.identity``), as the breakdown by respondent names them.
IDENTITY_LABELS = {
    "link": "Own email or survey link",
    "signed": "Widget, verified customer",
    "unverified": "Widget, unverified (report-only)",
    "anonymous": "Widget, anonymous",
}

# The chart's drawing area in SVG units; the SVG scales to the page's width. A phone gets its
# own narrower drawing (``NARROW``), so its text is not shrunk to a third.
HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 240, 44, 12, 12, 44
WIDE = {"width": 640, "dates": 8, "counts": 13}
NARROW = {"width": 340, "dates": 4, "counts": 6}
RANGES = {"nps": (-100.0, 100.0), "csat": (0.0, 100.0), "ces": (1.0, 7.0)}


@dataclass(frozen=True)
class Chart:
    """What the template draws: the band polygons, the line, the points and the axis ticks."""

    bands: list[str]  # polygon points, one per run of points with enough answers
    lines: list[str]  # polyline points, one per run
    points: list[dict[str, Any]]  # x, y (None without a value), the point itself
    ticks: list[tuple[float, str]]  # y and label
    labels: bool  # room for n under every point (else only in the tooltip and the table)
    width: int


def _y(value: float, kind: str) -> float:
    low, high = RANGES[kind]
    return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low)


def chart(kind: str, points: list[dict[str, Any]], *, width: int, dates: int, counts: int) -> Chart:
    """The trend's geometry: x evenly spaced, y on the kind's whole scale (no zoomed axis);
    a date under at most ``dates`` points, n under each when there are at most ``counts``."""
    span = width - LEFT - RIGHT
    step = span / max(len(points), 1)
    every = max(1, math.ceil(len(points) / dates))
    placed, bands, lines, run = [], [], [], []
    for index, point in enumerate(points):
        x = LEFT + step * (index + 0.5)
        y = _y(point["value"], kind) if point["value"] is not None else None
        placed.append(
            {"x": round(x, 1), "y": None if y is None else round(y, 1), "label": index % every == 0}
            | point
        )
        if point["enough"] and point["low"] is not None:
            run.append((x, point))
        if run and (not point["enough"] or index == len(points) - 1):
            if len(run) == 1:  # a lone period: its interval as a bar, not a zero-width band
                half = min(step * 0.35, 10)
                run = [(run[0][0] - half, run[0][1]), (run[0][0] + half, run[0][1])]
            upper = [f"{x:.1f},{_y(p['high'], kind):.1f}" for x, p in run]
            lower = [f"{x:.1f},{_y(p['low'], kind):.1f}" for x, p in reversed(run)]
            bands.append(" ".join(upper + lower))
            lines.append(" ".join(f"{x:.1f},{_y(p['value'], kind):.1f}" for x, p in run))
            run = []
    low, high = RANGES[kind]
    values = [low + (high - low) * i / 4 for i in range(5)]
    ticks = [(round(_y(value, kind), 1), _tick(kind, value)) for value in values]
    return Chart(bands, lines, placed, ticks, len(points) <= counts, width)


def _tick(kind: str, value: float) -> str:
    return figure(value, kind, 1 if kind == "ces" else 0)


def figure(value: float | None, kind: str = "", digits: int = 1) -> str:
    """A figure as staff read it, in their format (``app.formatting``): NPS signed, one
    decimal; "–" for none."""
    if kind == "nps":
        return signed(value, digits)
    return number(value, digits)


def _link(query: DashboardQuery, **changes: Any) -> str:
    """This view's URL with ``changes`` (None drops a parameter)."""
    args = {name: value for name, value in request.args.items() if value != ""}
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return url_for("insights.dashboard", **args)


@bp.get("/insights/dashboard", endpoint="dashboard")
@role_required("admin", "agent", "analyst")
def dashboard_page() -> tuple[str, int]:
    """One survey or kind over a range: the figures, how sure they are, and where they differ."""
    surveys = dashboard.survey_choices(db.session)
    context: dict[str, Any] = {
        "surveys": surveys,
        "quick_picks": QUICK_PICKS,
        "slices": SLICES,
        "attributes": segments.segment_names(db.session),
        "kind_labels": KIND_LABELS,
        "identity_labels": IDENTITY_LABELS,
        "nav_current": "dashboard",
        "figure": figure,
        "args": request.args,
    }
    try:
        query = dashboard_query(request.args)
        if query.survey is None and query.kind is None:
            query = query.model_copy(update={"kind": surveys[0].kind if surveys else "nps"})
        days = query.days(clock.now().date())
        scope = dashboard.scope(db.session, days, survey_id=query.survey, kind=query.kind)
        by = query.by or "stage"
        dashboard.check_slice(db.session, by)
    except (KaikuError, ValueError) as exc:
        message = exc.message if isinstance(exc, KaikuError) else str(exc)
        status = getattr(exc, "status", 422)
        return render_template("insights/dashboard.html", error=message, **context), status
    summary = dashboard.summary(db.session, scope)
    points = dashboard.trend(db.session, scope, query.period)
    context |= {
        "query": query,
        "days": days,
        "by": by,
        "kind": scope.kind,
        "scope": scope,
        "summary": figures.rounded(summary),
        "points": figures.rounded(points),
        "charts": [
            ("wide", chart(scope.kind, points, **WIDE)),
            ("narrow", chart(scope.kind, points, **NARROW)),
        ],
        "breakdown": figures.rounded(dashboard.breakdown(db.session, scope, by)),
        "category_labels": _category_labels(scope.kind),
        "pick_url": lambda pick: _link(query, range=pick, **{"from": None, "to": None}),
    }
    return render_template("insights/dashboard.html", error=None, **context), 200


def _category_labels(kind: str) -> list[tuple[str, str]]:
    return [(name, BAND_LABELS[name]) for name in scoring.SCALES[kind].categories]
