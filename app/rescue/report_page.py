"""The rescue report page: figures by agent and by survey over an optional range of UTC days."""

from datetime import UTC, date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import select

from app.auth.decorators import role_required
from app.extensions import db
from app.rescue import bp
from app.rescue.forms import ReportFilterForm
from surveys.models import StaffUser
from surveys.rescue.report import rescue_report

READERS = ("admin", "agent", "analyst")


@bp.get("/report", endpoint="report")
@role_required(*READERS)
def report_page() -> tuple[str, int] | str:
    """Rescue figures by agent and by survey over an optional date range (UTC days)."""
    form = ReportFilterForm(formdata=request.args)
    if not form.validate():
        return render_template("rescue/report.html", form=form, report=None), 400
    since = _day_start(form.since.data)
    until = _day_start(form.until.data + timedelta(days=1)) if form.until.data else None
    report = rescue_report(db.session, since=since, until=until)
    names = dict(db.session.execute(select(StaffUser.email, StaffUser.name)).all())
    return render_template("rescue/report.html", form=form, report=report, staff_names=names)


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None
