"""All-time score summaries per survey: the same figures for the API and the overview."""

from typing import Any

from sqlalchemy.orm import Session

from surveys.catalog import scoring
from surveys.kernel.errors import NotFoundError
from surveys.models import Survey
from surveys.reports import counts


def summary(session: Session, survey: Survey) -> dict[str, Any]:
    """The survey's counts per category and its headline metric (NPS, CSAT % or CES mean),
    over every answer it ever had (from the rollups, ``surveys.reports.counts``)."""
    tally = counts.totals(session, counts.all_time(survey.kind, survey.id))
    total = tally.n
    figures: dict[str, Any] = {"survey": survey.id, "kind": survey.kind, "responses": total}
    plural = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}
    for name, count in tally.categories.items():
        figures[plural.get(name, name)] = count
    if survey.kind == "nps":
        figures["nps"] = scoring.nps(figures["promoters"], figures["detractors"], total)
    elif survey.kind == "csat":
        figures["csat"] = scoring.csat(figures["satisfied"], total)
    else:
        figures["ces"] = scoring.ces(tally.score_sum, total)
    return figures


def summary_by_id(session: Session, survey_id: int) -> dict[str, Any]:
    """:raises NotFoundError: no such survey."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError(f"No survey {survey_id}.")
    return summary(session, survey)
