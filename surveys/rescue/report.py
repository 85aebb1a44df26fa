"""The rescue report: how fast and how well the team acts on unhappy answers, by agent and survey.

The cohort is the tasks *opened* (``created_at``) in ``[since, until)``; every figure is about
that cohort, whatever happened to the tasks afterwards, so a period's figures settle as its tasks
are worked. Per row:

- ``opened``: tasks in the cohort.
- ``median_first_contact_hours``: median of (first contact − the customer's answer) in hours,
  over the cohort's contacted tasks (the SLA's clock starts at the answer too); None if none.
- ``contacted_within_sla_pct``: 100 × tasks first contacted by their due time / tasks whose SLA
  is decided. Decided: contacted (met or breached), or past due without contact (breached, even
  if resolved without contact). Not counted: tasks still within their due time without contact,
  and tasks resolved as not_actionable without contact (nobody was meant to call them).
- ``closure_rate_pct``: 100 × resolved / opened.
- ``winback_rate_pct``: 100 × won back / tasks whose win-back is decided (won_back +
  not_won_back); tasks still pending (no answer or renewal yet) are not counted, per DESIGN.md
  Metrics: "rescued detractors whose next answer is 7+ or who renew".

The counts behind each percentage are in the row too. ``by_agent`` groups by the task's current
assignee (``agent`` None = unassigned), ``by_survey`` by survey. Percentages are None when their
denominator is 0; all are rounded to one decimal.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.models import RescueTask, Response, StaffUser, Survey


def rescue_report(
    session: Session, *, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """``{"since", "until", "total": row, "by_agent": [row...], "by_survey": [row...]}``.

    :raises ValidationError: a naive datetime, or ``since`` not before ``until``.
    """
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValidationError(f"{name} needs a time zone.", fields={name: "naive datetime"})
    if since is not None and until is not None and since >= until:
        raise ValidationError("since must be before until.", fields={"since": "not before until"})
    stmt = (
        select(
            RescueTask.id,
            RescueTask.status,
            RescueTask.outcome,
            RescueTask.due_at,
            RescueTask.first_contact_at,
            RescueTask.sla_met,
            RescueTask.winback,
            RescueTask.survey_id,
            Survey.name.label("survey_name"),
            StaffUser.email.label("agent"),
            Response.answered_at,
        )
        .join(Survey, Survey.id == RescueTask.survey_id)
        .join(Response, Response.id == RescueTask.response_id)
        .outerjoin(StaffUser, StaffUser.id == RescueTask.assignee_id)
    )
    if since is not None:
        stmt = stmt.where(RescueTask.created_at >= since)
    if until is not None:
        stmt = stmt.where(RescueTask.created_at < until)
    rows = session.execute(stmt).all()
    now = clock.now()
    by_agent = _grouped(rows, lambda r: r.agent, now)
    by_survey = _grouped(rows, lambda r: (r.survey_id, r.survey_name), now)
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "total": _figures(rows, now),
        "by_agent": [
            {"agent": agent} | figures
            for agent, figures in sorted(by_agent.items(), key=lambda kv: (kv[0] is None, kv[0]))
        ],
        "by_survey": [
            {"survey": survey_id, "survey_name": name} | figures
            for (survey_id, name), figures in sorted(by_survey.items())
        ],
    }


def _grouped(rows, key: Callable[[Any], Hashable], now: datetime) -> dict[Hashable, dict]:
    groups: dict[Hashable, list] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return {name: _figures(members, now) for name, members in groups.items()}


def _figures(rows, now: datetime) -> dict[str, Any]:
    contact_hours = [
        (r.first_contact_at - r.answered_at).total_seconds() / 3600
        for r in rows
        if r.first_contact_at is not None
    ]
    sla_met = sum(r.sla_met is True for r in rows)
    sla_breached = sum(_breached(r, now) for r in rows)
    resolved = sum(r.status == "resolved" for r in rows)
    won = sum(r.winback == "won_back" for r in rows)
    not_won = sum(r.winback == "not_won_back" for r in rows)
    return {
        "opened": len(rows),
        "contacted": len(contact_hours),
        "median_first_contact_hours": round(median(contact_hours), 1) if contact_hours else None,
        "sla_met": sla_met,
        "sla_breached": sla_breached,
        "contacted_within_sla_pct": _pct(sla_met, sla_met + sla_breached),
        "resolved": resolved,
        "closure_rate_pct": _pct(resolved, len(rows)),
        "won_back": won,
        "not_won_back": not_won,
        "winback_pending": sum(r.winback == "pending" for r in rows),
        "winback_rate_pct": _pct(won, won + not_won),
    }


def _breached(row, now: datetime) -> bool:
    if row.first_contact_at is not None:
        return row.sla_met is False
    if row.status == "resolved" and row.outcome == "not_actionable":
        return False
    return row.due_at < now


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
