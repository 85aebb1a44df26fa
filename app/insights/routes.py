"""The overview: scores per survey, the latest answers, open rescue work and referrals."""

from datetime import datetime

from flask import render_template

from app.auth.decorators import role_required
from app.extensions import db
from app.insights import bp
from surveys.catalog.scoring import SCALES
from surveys.kernel import clock
from surveys.reports import overview


def humanize(delta_seconds: float) -> str:
    """A rough, short length of time: "40 min", "5 h", "3 d"."""
    seconds = abs(delta_seconds)
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


@bp.context_processor
def time_helpers() -> dict:
    """``now``, ``ago(t)``, ``due(t)`` and ``tone(kind, score)`` for this blueprint's pages."""
    now = clock.now()

    def ago(moment: datetime) -> str:
        return f"{humanize((now - moment).total_seconds())} ago"

    def due(moment: datetime) -> str:
        seconds = (moment - now).total_seconds()
        return f"in {humanize(seconds)}" if seconds >= 0 else f"{humanize(seconds)} overdue"

    return {"now": now, "ago": ago, "due": due, "tone": overview.score_tone}


@bp.get("/", endpoint="overview")
@role_required("admin", "agent", "analyst")
def overview_page() -> str:
    """What needs attention now: scores, the rescue queue, the latest answers, referrals."""
    now = clock.now()
    tasks = overview.open_rescue_tasks(db.session)
    return render_template(
        "insights/overview.html",
        summaries=overview.active_survey_summaries(db.session),
        responses=overview.latest_responses(db.session),
        tasks=tasks,
        overdue=overview.count_overdue(tasks, now),
        referrals=overview.recent_referrals(db.session),
        categories={kind: scale.categories for kind, scale in SCALES.items()},
    )
