"""The pipeline for answers: language → sentiment → themes → category → route.

Each processed response records the analysis version that tagged it (``analysis_version``), so
re-tagging after a method or taxonomy change (``surveys.answers.reanalysis``) finds what is stale.

It works on batches with a fixed number of statements whatever the batch size (one answer is a
batch of one), so a burst is processed far faster than one task per answer allows.

Running it twice changes nothing: analysis is deterministic, rescue tasks and referrals sit behind
unique constraints, and a result is only written if the answer did not change meanwhile (its
revision), so a stale run never overwrites a newer one.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from surveys.answers.analysis import Sentiment, analyze, extract_themes, identify
from surveys.answers.analysis.themes import Taxonomy
from surveys.answers.analysis.version import analysis_version
from surveys.answers.routing import Route, route
from surveys.answers.taxonomy import load_taxonomy
from surveys.catalog.scoring import NEGATIVE_CATEGORY, categorize
from surveys.customers.stages import Answer, apply_feedback
from surveys.kernel import clock
from surveys.kernel.languages import served_language
from surveys.kernel.settings import Settings
from surveys.models import Customer, Invitation, Response, ResponseTheme, Survey
from surveys.models.rollups import mark_stale
from surveys.referrals.codes import invite_promoters
from surveys.rescue.opening import RescueCase, open_rescue_tasks
from surveys.rescue.winback import on_responses
from surveys.webhooks import emit_many


@dataclass(frozen=True)
class Outcome:
    response_id: int
    status: str  # "processed", "already_processed", "superseded", "missing"
    rescue_task_id: int | None = None
    referral_id: int | None = None


@dataclass(frozen=True)
class Tagging:
    """What the analysis makes of one comment: its language, sentiment and themes."""

    language: str | None
    sentiment: Sentiment | None  # None without a comment
    themes: list[str]

    def columns(self) -> dict:
        """The response's analysis columns, as the bulk updates bind them (``b_`` + name)."""
        s = self.sentiment
        return {
            "b_language": self.language,
            "b_polarity": s.polarity if s else None,
            "b_label": s.label if s else None,
            "b_mixed": s.mixed if s else False,
            "b_complaint": s.complaint if s else None,
            "b_reason": s.reason[:80] if s and s.reason else None,
        }


# The response columns a Tagging writes, bound by ``Tagging.columns``.
TAGGING_VALUES = {
    "language": bindparam("b_language"),
    "sentiment_polarity": bindparam("b_polarity"),
    "sentiment_label": bindparam("b_label"),
    "sentiment_mixed": bindparam("b_mixed"),
    "sentiment_complaint": bindparam("b_complaint"),
    "sentiment_reason": bindparam("b_reason"),
    "analysis_version": bindparam("b_version"),
}

NO_COMMENT = Tagging(None, None, [])


def tag_comment(comment: str | None, locale: str | None, taxonomy: Taxonomy) -> Tagging:
    """Language, sentiment and themes of one comment, pure (no database).

    The language is the detector's when it is sure, whatever it is: a comment in Estonian is
    stored as "et" and its sentiment is not analysed (label None, with the reason), never a
    silent neutral. When the detector is unsure (very short comments: "Hidas"), the language
    the customer is served in is the best guess.
    """
    if not comment or not comment.strip():
        return NO_COMMENT
    detection = identify(comment)
    language = detection.language if detection.confident else served_language(locale)
    language = language[:8] if language else None
    return Tagging(
        language, analyze(comment, language), extract_themes(comment, language, taxonomy)
    )


@dataclass(frozen=True)
class _Analysis:
    row: object  # the loaded row: id, revision, score, comment, customer_id, ...
    tagging: Tagging
    category: str
    route: Route

    @property
    def themes(self) -> list[str]:
        return self.tagging.themes


def process_response(session: Session, response_id: int, settings: Settings) -> Outcome:
    """Analyse and route one response; flushes, the caller commits."""
    return process_responses(session, [response_id], settings)[0]


def process_responses(
    session: Session, response_ids: list[int], settings: Settings
) -> list[Outcome]:
    """Analyse and route a batch of responses; one Outcome per id, in order. Flushes only."""
    rows = session.execute(
        select(
            Response.id, Response.revision, Response.score, Response.comment,
            Response.customer_id, Response.survey_id, Response.answered_at,
            Response.language, Survey.kind, Customer.locale, Customer.anonymous,
            Customer.external_id, Invitation.sent_at,
        )
        .join(Survey, Survey.id == Response.survey_id)
        .join(Customer, Customer.id == Response.customer_id)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .where(Response.id.in_(response_ids), Response.processed_at.is_(None))
    ).all()  # fmt: skip
    outcomes = _skipped(session, set(response_ids) - {row.id for row in rows})
    if rows:
        now = clock.now()
        taxonomy = load_taxonomy(session)
        version = analysis_version(taxonomy.fingerprint)
        done = _claim(session, [_analyse(row, taxonomy) for row in rows], now, version)
        _store_themes(session, done)
        tasks = open_rescue_tasks(
            session,
            [
                RescueCase(a.row.id, a.row.customer_id, a.row.survey_id, a.row.answered_at,
                           a.route.priority)
                for a in done if a.route.rescue
            ],
            settings,
        )  # fmt: skip
        referrals = invite_promoters(
            session, [(a.row.id, a.row.customer_id) for a in done if a.route.referral]
        )
        answers = [
            Answer(a.row.id, a.row.customer_id, a.row.kind, a.category, a.row.score,
                   a.row.answered_at)
            for a in done if not a.row.anonymous
        ]  # fmt: skip
        apply_feedback(session, answers)
        # A rescued customer's next answer decides the win-back of their resolved tasks.
        on_responses(session, answers)
        claimed = {a.row.id for a in done}
        # Last, so the cells' row locks are held only for the commit that follows.
        mark_stale(session, _cells(done))
        for row in rows:
            outcomes[row.id] = (
                Outcome(row.id, "processed", tasks.get(row.id), referrals.get(row.id))
                if row.id in claimed
                else Outcome(row.id, "superseded")  # the run that change enqueued handles it
            )
        emit_many(session, "response.processed", [_processed_event(a, outcomes[a.row.id])
                                                  for a in done])  # fmt: skip
    return [outcomes[response_id] for response_id in response_ids]


def _processed_event(analysis: "_Analysis", outcome: Outcome) -> dict:
    """The ``response.processed`` webhook's data for one processed answer."""
    row, s = analysis.row, analysis.tagging.sentiment
    return {
        "response_id": row.id,
        "survey_id": row.survey_id,
        "customer": None if row.anonymous else row.external_id,
        "score": row.score,
        "category": analysis.category,
        # The survey's unhappy category (detractor, dissatisfied, high effort).
        "negative": analysis.category == NEGATIVE_CATEGORY[row.kind],
        "comment": row.comment,
        "language": analysis.tagging.language,
        "sentiment": s.label if s else None,
        "themes": analysis.tagging.themes,
        "rescue_task_id": outcome.rescue_task_id,
        "referral_id": outcome.referral_id,
    }


def _cells(done: list[_Analysis]) -> set[tuple[int, date]]:
    """The rollup cells these answers change: their answer's day, and their invitation's
    send day (now answered)."""
    cells = set()
    for a in done:
        cells.add((a.row.survey_id, a.row.answered_at.astimezone(UTC).date()))
        if a.row.sent_at is not None:
            cells.add((a.row.survey_id, a.row.sent_at.astimezone(UTC).date()))
    return cells


def _analyse(row, taxonomy: Taxonomy) -> _Analysis:
    """The anonymous widget visitor's answer is analysed like any other (its language hint is
    the widget's, kept on the response) but routed nowhere: no one to rescue, credit or move
    between stages."""
    locale = row.language if row.anonymous else row.locale
    tagging = tag_comment(row.comment, locale, taxonomy)
    category = categorize(row.kind, row.score)
    s = tagging.sentiment
    if row.anonymous:
        decided = Route()
    elif s:
        decided = route(row.kind, category, s.polarity, s.label, s.mixed, s.complaint)
    else:
        decided = route(row.kind, category, None, None)
    return _Analysis(row=row, tagging=tagging, category=category, route=decided)


def _claim(
    session: Session, analysed: list[_Analysis], now: datetime, version: str
) -> list[_Analysis]:
    """Write the results where the revision is still the one read and no other run has
    written them meanwhile; return those written.

    ``processed_at IS NULL`` in the update, not only in the read: a second run of the same
    answer (a redelivered message beside the first) that read it unprocessed waits on the
    first's row lock, and PostgreSQL then re-checks the condition on the committed row, so only
    one run routes the answer."""
    table = Response.__table__
    session.execute(
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.revision == bindparam("b_revision"),
            table.c.processed_at.is_(None),
        )
        .values(
            **TAGGING_VALUES,
            category=bindparam("b_category"),
            processed_at=bindparam("b_processed_at"),
        ),
        [
            {
                "b_id": a.row.id, "b_revision": a.row.revision, **a.tagging.columns(),
                "b_version": version, "b_category": a.category, "b_processed_at": now,
            }
            for a in analysed
        ],
    )  # fmt: skip
    # Rows written carry this run's timestamp. Nothing can change them between the update and
    # this select: the update holds their locks (the whole database on SQLite) until commit.
    written = set(
        session.scalars(
            select(table.c.id).where(
                table.c.id.in_([a.row.id for a in analysed]), table.c.processed_at == now
            )
        )
    )
    return [a for a in analysed if a.row.id in written]


def _store_themes(session: Session, analysed: list[_Analysis]) -> None:
    if not analysed:
        return
    session.execute(
        delete(ResponseTheme).where(ResponseTheme.response_id.in_([a.row.id for a in analysed]))
    )
    rows = [{"response_id": a.row.id, "theme": theme} for a in analysed for theme in a.themes]
    if rows:
        session.execute(ResponseTheme.__table__.insert(), rows)


def _skipped(session: Session, missing_or_done: set[int]) -> dict[int, Outcome]:
    if not missing_or_done:
        return {}
    existing = set(session.scalars(select(Response.id).where(Response.id.in_(missing_or_done))))
    return {
        rid: Outcome(rid, "already_processed" if rid in existing else "missing")
        for rid in missing_or_done
    }


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
