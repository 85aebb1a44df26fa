"""The staff overview's queries: score summaries, latest answers, open rescue work, referrals.

Each is a small read-only query taking the session, so the page's view only assembles them.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from surveys.catalog import scoring
from surveys.models import Referral, RescueTask, Response, Survey
from surveys.reports import summary as reports

BAND_LABELS = {
    "promoter": "Promoters", "passive": "Passives", "detractor": "Detractors",
    "satisfied": "Satisfied", "neutral": "Neutral", "dissatisfied": "Dissatisfied",
    "low_effort": "Low effort", "high_effort": "High effort",
}  # fmt: skip
# The summary's key for each band's count (reports.summary pluralises the NPS ones).
_COUNT_KEYS = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}


@dataclass(frozen=True)
class SurveySummary:
    survey: Survey
    figures: dict[str, Any]  # surveys.reports.summary.summary: counts per category and the headline

    @property
    def headline(self) -> float | None:
        """The survey's one number: NPS, CSAT % or CES mean (None without answers)."""
        return self.figures.get(self.survey.kind)

    @property
    def bands(self) -> list[tuple[str, int, str]]:
        """(label, count, tone) per category, best first; tone is "good", "mid" or "bad"."""
        names = scoring.SCALES[self.survey.kind].categories
        return [
            (BAND_LABELS[name], self.figures[_COUNT_KEYS.get(name, name)], tone)
            for name, tone in zip(names, ("good", "mid", "bad"), strict=True)
        ]


def score_tone(kind: str, score: int) -> str:
    """How a score reads on its survey's scale: "good", "mid" or "bad"."""
    category = scoring.categorize(kind, score)
    if category == scoring.POSITIVE_CATEGORY[kind]:
        return "good"
    return "bad" if category == scoring.NEGATIVE_CATEGORY[kind] else "mid"


def active_survey_summaries(session: Session) -> list[SurveySummary]:
    """Every active survey, oldest first, with its score summary."""
    surveys = session.scalars(
        select(Survey).where(Survey.active.is_(True)).order_by(Survey.id)
    ).all()
    return [SurveySummary(survey, reports.summary(session, survey)) for survey in surveys]


def latest_responses(session: Session, limit: int = 20) -> list[Response]:
    """The newest answers first, with survey, customer and themes loaded."""
    return list(
        session.scalars(
            select(Response)
            .options(selectinload(Response.themes))
            .order_by(Response.answered_at.desc(), Response.id.desc())
            .limit(limit)
        ).unique()
    )


def open_rescue_tasks(session: Session, limit: int = 50) -> list[RescueTask]:
    """Rescue tasks not yet resolved, the most urgent (earliest due) first."""
    return list(
        session.scalars(
            select(RescueTask)
            .where(RescueTask.status != "resolved")
            .order_by(RescueTask.due_at, RescueTask.id)
            .limit(limit)
        ).unique()
    )


def count_overdue(tasks: list[RescueTask], now: datetime) -> int:
    """How many of ``tasks`` are past their due time at ``now``."""
    return sum(1 for task in tasks if task.is_overdue(now))


def recent_referrals(session: Session, limit: int = 10) -> list[Referral]:
    """The newest referral links with their programme and promoter."""
    return list(
        session.scalars(
            select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc()).limit(limit)
        ).unique()
    )
