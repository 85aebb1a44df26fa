"""The pipeline for one answer: language → sentiment → themes → category → route.

Running it twice changes nothing: analysis is deterministic, the rescue task and the referral
sit behind unique constraints, and the result is only written if the answer did not change
meanwhile (its revision), so a stale run never overwrites a newer one.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from surveys import clock
from surveys.analysis import analyze, detect_language, extract_themes
from surveys.models import Response, ResponseTheme
from surveys.referrals import invite_promoter
from surveys.rescue import open_rescue_task
from surveys.routing import route
from surveys.scoring import categorize
from surveys.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    response_id: int
    status: str  # "processed", "already_processed", "superseded", "missing"
    rescue_task_id: int | None = None
    referral_id: int | None = None


def process_response(session: Session, response_id: int, settings: Settings) -> Outcome:
    """Analyse and route one response; flushes, the caller commits."""
    response = session.get(Response, response_id)
    if response is None:
        return Outcome(response_id, "missing")  # erased since it was enqueued
    if response.processed_at is not None:
        return Outcome(response_id, "already_processed")
    revision = response.revision
    language = detect_language(response.comment)
    sentiment = analyze(response.comment, language) if response.comment else None
    category = categorize(response.survey.kind, response.score)

    claimed = session.execute(
        update(Response)
        .where(Response.id == response_id, Response.revision == revision)
        .values(
            language=language,
            sentiment_polarity=sentiment.polarity if sentiment else None,
            sentiment_label=sentiment.label if sentiment else None,
            category=category,
            processed_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        # Answer changed while we read it; the run enqueued by that change will handle it.
        return Outcome(response_id, "superseded")
    _store_themes(session, response_id, extract_themes(response.comment, language))

    decision = route(
        response.survey.kind,
        category,
        sentiment.polarity if sentiment else None,
        sentiment.label if sentiment else None,
    )
    task_id = referral_id = None
    if decision.rescue:
        task_id = open_rescue_task(session, response, decision.priority, settings).id
    if decision.referral:
        referral = invite_promoter(session, response)
        referral_id = referral.id if referral else None
    return Outcome(response_id, "processed", task_id, referral_id)


def _store_themes(session: Session, response_id: int, themes: list[str]) -> None:
    session.execute(delete(ResponseTheme).where(ResponseTheme.response_id == response_id))
    if themes:
        session.execute(
            ResponseTheme.__table__.insert(),
            [{"response_id": response_id, "theme": theme} for theme in themes],
        )


def unprocessed_response_ids(session: Session, settings: Settings, limit: int = 1000) -> list[int]:
    """Responses still unprocessed ``sweep_after`` past their last change: lost messages."""
    cutoff = clock.now() - settings.sweep_after
    return list(
        session.scalars(
            select(Response.id)
            .where(Response.processed_at.is_(None), Response.updated_at < cutoff)
            .order_by(Response.id)
            .limit(limit)
        )
    )
