"""Admin page: re-tagging history after a taxonomy or method change — start a run, watch it.

Admins only, like every admin page: starting one re-tags every stale response (writes), and its
progress says nothing an analyst needs beyond the tags themselves, which the overview and the
API show. The page polls its JSON status with a small script (or refreshes itself without one).
"""

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from app.admin import bp
from app.auth.decorators import role_required
from app.extensions import db
from surveys.answers import reanalysis as retagging
from surveys.kernel.actor import Actor

RECENT_RUNS = 10


class ReanalysisForm(FlaskForm):
    all_responses = BooleanField("Re-tag every response, not only those of an older analysis")


def _page(form: ReanalysisForm, status: int = 200) -> ResponseReturnValue:
    runs = retagging.latest_runs(db.session, RECENT_RUNS)
    current = runs[0] if runs else None
    return (
        render_template(
            "admin/reanalysis.html",
            form=form,
            version=retagging.current_version(db.session),
            stale=retagging.count_stale(db.session),
            current=retagging.progress(current) if current else None,
            runs=[retagging.progress(run) for run in runs],
        ),
        status,
    )


@bp.get("/reanalysis")
@role_required("admin")
def reanalysis() -> ResponseReturnValue:
    return _page(ReanalysisForm())


@bp.post("/reanalysis")
@role_required("admin")
def start_reanalysis() -> ResponseReturnValue:
    """Start a run (or find the one running); the commit sends its first batch to the worker."""
    form = ReanalysisForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    started = retagging.start_run(
        db.session, all_responses=form.all_responses.data, actor=Actor.of_staff(current_user)
    )
    db.session.commit()
    run = started.run
    if not started.new:
        flash(f"Run {run.id} is already re-tagging; its progress is below.", "info")
    elif run.status == "done" and not run.total:
        flash("Nothing to re-tag: every response has the current analysis version.", "success")
    else:
        flash(f"Re-tagging {run.total} responses on the worker.", "success")
    return redirect(url_for("admin.reanalysis"), 303)


@bp.get("/reanalysis/status")
@role_required("admin")
def reanalysis_status() -> ResponseReturnValue:
    """The latest run's progress as JSON, for the page's poll; ``{"run": null}`` before any."""
    runs = retagging.latest_runs(db.session, 1)
    body = {"run": retagging.progress(runs[0]).as_json() if runs else None}
    return body, 200, {"Cache-Control": "no-store"}
