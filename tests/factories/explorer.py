"""Responses written as rows with exactly the analysis a test names (no processing), for the
explorer's filters; flushes, the caller commits."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from surveys.kernel.settings import Settings
from surveys.models import Response, ResponseTheme, Survey
from surveys.models.rollups import mark_stale
from tests.factories.surveys import make_invitation, make_survey

DAY = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def make_response(
    session: Session,
    settings: Settings,
    survey: Survey | None = None,
    *,
    score: int = 8,
    comment: str | None = None,
    themes: tuple[str, ...] = (),
    customer: dict[str, Any] | None = None,
    **fields: Any,
) -> Response:
    """One answered response of a new customer (``customer`` fields), with ``fields`` as given:
    category, language, sentiment_label, stage, channel, answered_at (default ``DAY``)..."""
    survey = survey or make_survey(session, "nps")
    invitation = make_invitation(session, settings, survey, **(customer or {})).invitation
    values = {"answered_at": DAY, "stage": "active", "channel": "email"} | fields
    response = Response(
        invitation_id=invitation.id,
        survey_id=survey.id,
        customer_id=invitation.customer_id,
        score=score,
        comment=comment,
        **values,
    )
    response.themes = [ResponseTheme(theme=theme) for theme in themes]
    session.add(response)
    session.flush()
    # Written past the pipeline: its rollup cell is marked as the pipeline would.
    mark_stale(session, [(survey.id, response.answered_at.astimezone(UTC).date())])
    return response
