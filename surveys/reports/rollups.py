"""Recounting rollup cells (one survey's one UTC day) from the raw rows.

A recount deletes a cell's rollup rows and counts them again from the responses, their themes
and the invitations, one ``INSERT ... SELECT`` per table and slice: exact whatever the cell held
before, so answers that change score, re-tagging, a customer's new plan or a new segment need
no arithmetic of their own, only the cell marked stale (``surveys.models.rollups``).

Stale cells are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: two workers never
recount the same cell at once, and a transaction that marks a cell stale while it is being
recounted waits for that recount to commit, so its change is counted by the next one.

The slice values are the expressions ``value_of`` gives; ``surveys.reports.counts`` reads a
stale cell's raw rows through the same expressions, so a figure is the same either way.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, delete, func, literal, or_, select, tuple_, update
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.models import (
    AnswerRollup,
    Customer,
    DeliveryRollup,
    Invitation,
    Response,
    ResponseTheme,
    RollupCell,
    ThemeRollup,
)
from surveys.models.rollups import MAX_VALUE_LENGTH, NOT_RECORDED, utc_day
from surveys.reports import segments

ALL = "all"
DIMENSIONS = ("stage", "channel", "identity", "language", "agent")
ATTRIBUTE_PREFIX = "attribute:"
# Cells recounted per transaction: a claim holds their locks until it commits.
CELLS_PER_REFRESH = 200


def value_of(by: str) -> Any:
    """The slice value ``by`` counts an answer under ("" when not recorded)."""
    if by == "stage":
        column = Response.stage
    elif by == "channel":
        column = Response.channel
    elif by == "identity":
        column = Response.identity
    elif by == "language":
        column = Response.language
    elif by == "agent":
        column = Invitation.handled_by
    elif by.startswith(ATTRIBUTE_PREFIX):
        column = Customer.attributes[by.removeprefix(ATTRIBUTE_PREFIX)].as_string()
    else:
        raise ValueError(f"not a slice: {by!r}")
    text = func.substr(cast(column, String), 1, MAX_VALUE_LENGTH)
    return func.coalesce(text, literal(NOT_RECORDED))


def joined(statement: Any, by: str) -> Any:
    """``statement`` over responses, joined to what the slice ``by`` reads."""
    if by == "agent":
        return statement.join(Invitation, Invitation.id == Response.invitation_id)
    if by.startswith(ATTRIBUTE_PREFIX):
        return statement.join(Customer, Customer.id == Response.customer_id)
    return statement


def has_comment() -> Any:
    return and_(Response.comment.is_not(None), Response.comment != "")


def day_bounds(first: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time(), UTC), datetime.combine(end, time(), UTC)


def runs(cells: Iterable[tuple[int, date]]) -> list[tuple[int, date, date]]:
    """Cells folded into runs of consecutive days per survey: (survey, first day, end day)."""
    folded: list[tuple[int, date, date]] = []
    for survey_id, day in sorted(set(cells)):
        if folded and folded[-1][0] == survey_id and folded[-1][2] == day:
            folded[-1] = (survey_id, folded[-1][1], day + timedelta(days=1))
        else:
            folded.append((survey_id, day, day + timedelta(days=1)))
    return folded


def in_runs(survey_column: Any, moment_column: Any, cell_runs: Sequence) -> Any:
    """Rows whose survey and moment fall in one of the runs."""
    return or_(
        *(
            and_(
                survey_column == survey_id,
                moment_column >= day_bounds(first, end)[0],
                moment_column < day_bounds(first, end)[1],
            )
            for survey_id, first, end in cell_runs
        )
    )


def _rollup_in_runs(table: Any, cell_runs: Sequence) -> Any:
    return or_(
        *(
            and_(table.survey_id == survey_id, table.day >= first, table.day < end)
            for survey_id, first, end in cell_runs
        )
    )


def recount(session: Session, cells: Iterable[tuple[int, date]]) -> None:
    """Count these cells again from the raw rows; flushes nothing else, does not commit."""
    cell_runs = runs(cells)
    if not cell_runs:
        return
    for table in (AnswerRollup, ThemeRollup, DeliveryRollup):
        session.execute(delete(table).where(_rollup_in_runs(table, cell_runs)))
    answered = in_runs(Response.survey_id, Response.answered_at, cell_runs)
    day = utc_day(Response.answered_at)
    commented = func.sum(case((has_comment(), 1), else_=0))
    columns = ["survey_id", "dimension", "day", "value", "score", "answers", "commented"]
    slices = [ALL, *DIMENSIONS]
    slices += [ATTRIBUTE_PREFIX + name for name in segments.segment_names(session)]
    for by in slices:
        value = literal(NOT_RECORDED) if by == ALL else value_of(by)
        source = (
            select(Response.survey_id, literal(by), day, value, Response.score, func.count(),
                   commented)
            .select_from(Response)
            .where(answered)
            .group_by(Response.survey_id, day, Response.score,
                      *([] if by == ALL else [value]))
        )  # fmt: skip
        if by != ALL:
            source = joined(source, by)
        session.execute(AnswerRollup.__table__.insert().from_select(columns, source))
    label = func.coalesce(Response.sentiment_label, literal(NOT_RECORDED))
    themes = (
        select(Response.survey_id, day, ResponseTheme.theme, Response.score, label,
               Response.sentiment_mixed, func.count())
        .join(Response, Response.id == ResponseTheme.response_id)
        .where(answered)
        .group_by(Response.survey_id, day, ResponseTheme.theme, Response.score, label,
                  Response.sentiment_mixed)
    )  # fmt: skip
    session.execute(
        ThemeRollup.__table__.insert().from_select(
            ["survey_id", "day", "theme", "score", "label", "mixed", "mentions"], themes
        )
    )
    sent_day = utc_day(Invitation.sent_at)
    sends = (
        select(Invitation.survey_id, sent_day, func.count(),
               func.sum(case((Invitation.status == "answered", 1), else_=0)))
        .where(in_runs(Invitation.survey_id, Invitation.sent_at, cell_runs))
        .group_by(Invitation.survey_id, sent_day)
    )  # fmt: skip
    session.execute(
        DeliveryRollup.__table__.insert().from_select(
            ["survey_id", "day", "delivered", "answered"], sends
        )
    )


def refresh_stale(
    session: Session, survey_ids: Iterable[int] | None = None, limit: int = CELLS_PER_REFRESH
) -> int:
    """Recount up to ``limit`` stale cells (of these surveys, or any) and mark them fresh;
    returns how many. The caller commits, and calls again while it returns ``limit``."""
    claim = (
        select(RollupCell.survey_id, RollupCell.day)
        .where(RollupCell.stale.is_(True))
        .order_by(RollupCell.survey_id, RollupCell.day)
        .limit(limit)
    )
    if survey_ids is not None:
        claim = claim.where(RollupCell.survey_id.in_(sorted(set(survey_ids))))
    if session.get_bind().dialect.name == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    cells = [tuple(row) for row in session.execute(claim)]
    if not cells:
        return 0
    recount(session, cells)
    session.execute(
        update(RollupCell)
        .where(tuple_(RollupCell.survey_id, RollupCell.day).in_(cells))
        .values(stale=False, refreshed_at=clock.now())
    )
    return len(cells)


def refresh_all(session: Session, survey_ids: Iterable[int] | None = None) -> int:
    """Recount every stale cell (of these surveys, or any), committing after each batch so no
    claim holds its locks for long; returns the cells recounted."""
    total = 0
    while True:
        done = refresh_stale(session, survey_ids)
        session.commit()
        total += done
        if done < CELLS_PER_REFRESH:
            return total
