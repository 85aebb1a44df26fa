"""Answers placed on given days with given slice values, for the dashboard's tests."""

from datetime import UTC, datetime

from sqlalchemy import update

from surveys.answers.recording import record_answer
from surveys.models import Invitation, Response
from surveys.models.catalog import Survey
from surveys.models.rollups import mark_stale
from tests.factories.surveys import make_invitation


def place(
    session,
    settings,
    survey: Survey,
    score: int,
    when: datetime,
    *,
    sent: datetime | None = None,
    agent: str | None = None,
    language: str | None = None,
    stage: str = "active",
    attributes: dict | None = None,
) -> int:
    """An answer to ``survey`` with ``score`` at ``when`` (and its invitation sent at ``sent``)."""
    invitation = make_invitation(
        session, settings, survey, stage=stage, attributes=attributes or {}
    ).invitation
    response_id = record_answer(session, invitation, score, channel="email")
    session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(answered_at=when, language=language)
    )
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id)
        .values(sent_at=sent or when, handled_by=agent, status="answered")
    )
    # Placed past the pipeline: its rollup cells are marked as the pipeline would.
    mark_stale(session, [(survey.id, _day(when)), (survey.id, _day(sent or when))])
    return response_id


def unanswered(session, settings, survey: Survey, sent: datetime) -> None:
    """An invitation sent at ``sent`` that nobody answered."""
    invitation = make_invitation(session, settings, survey).invitation
    session.execute(
        update(Invitation).where(Invitation.id == invitation.id).values(sent_at=sent, status="sent")
    )
    mark_stale(session, [(survey.id, _day(sent))])


def _day(moment: datetime):
    return moment.astimezone(UTC).date()
