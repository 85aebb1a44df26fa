"""Score summaries, computed in SQL: the same figures for the API and the dashboards."""

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from surveys.catalog import scoring
from surveys.kernel.errors import NotFoundError
from surveys.models import Response, Survey


def summary(session: Session, survey: Survey) -> dict[str, Any]:
    """The survey's counts per category and its headline metric (NPS, CSAT % or CES mean)."""
    scale = scoring.SCALES[survey.kind]
    counts = [
        func.count(case((Response.score >= lowest, 1))) for _, lowest in scale.bands
    ]  # cumulative: responses at or above each band's floor
    row = session.execute(
        select(func.count(Response.id), func.coalesce(func.sum(Response.score), 0), *counts).where(
            Response.survey_id == survey.id
        )
    ).one()
    total, score_sum, *at_or_above = row
    per_band = [at_or_above[0]] + [
        at_or_above[i] - at_or_above[i - 1] for i in range(1, len(at_or_above))
    ]
    figures: dict[str, Any] = {"survey": survey.id, "kind": survey.kind, "responses": total}
    plural = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}
    for (name, _), count in zip(scale.bands, per_band, strict=True):
        figures[plural.get(name, name)] = count
    if survey.kind == "nps":
        figures["nps"] = scoring.nps(figures["promoters"], figures["detractors"], total)
    elif survey.kind == "csat":
        figures["csat"] = scoring.csat(figures["satisfied"], total)
    else:
        figures["ces"] = scoring.ces(score_sum, total)
    return figures


def summary_by_id(session: Session, survey_id: int) -> dict[str, Any]:
    """:raises NotFoundError: no such survey."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError(f"No survey {survey_id}.")
    return summary(session, survey)
