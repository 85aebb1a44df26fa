"""Rollups: the dashboard's counts kept per survey and UTC day, and which days need a recount.

A *cell* is one survey's one UTC day. Its rows hold the answers given that day per score and per
value of each slice (``AnswerRollup``), the theme mentions per score and sentiment
(``ThemeRollup``), and the invitations sent that day with how many were answered
(``DeliveryRollup``). A cell is recounted from the raw rows as a whole
(``surveys.reports.rollups``), never incremented, so a recount is exact whatever happened before.

Whatever changes what a cell counts marks it stale in the same transaction (``mark_stale``,
``mark_customers_stale``): the pipeline, re-tagging, a send, a changed customer attribute. The
marking registers the recount to run once the transaction commits; until then, and whenever a
recount is late, reports read a stale cell from the raw rows (``surveys.reports.counts``).
"""

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    literal,
    select,
    true,
    tuple_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from surveys.kernel.aftercommit import run_after_commit
from surveys.kernel.db import insert_for
from surveys.models.base import Base
from surveys.models.invitations import Invitation
from surveys.models.responses import Response
from surveys.models.segments import SegmentAttribute

# The worker's recount of stale cells (worker.report_tasks), sent with the surveys' ids.
REFRESH_TASK = "kaiku.refresh_rollups"
REFRESH_BATCH = 50
# A slice value longer than this is counted by its first characters.
MAX_VALUE_LENGTH = 200
_SEGMENTS = "kaiku.segment_names"
# "Not recorded" (a NULL stage, language, agent or attribute) in a rollup's value.
NOT_RECORDED = ""


class utc_day(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """The UTC calendar day of an aware timestamp column, on PostgreSQL and SQLite alike."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):  # noqa: ANN001
    return f"(timezone('UTC', {compiler.process(element.clauses, **kw)}))::date"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw):  # noqa: ANN001
    return f"date({compiler.process(element.clauses, **kw)})"


class RollupCell(Base):
    """One survey's one day: ``stale`` until its rollups were recounted after the last change."""

    __tablename__ = "rollup_cells"
    __table_args__ = (
        PrimaryKeyConstraint("survey_id", "day"),
        Index("ix_rollup_cells_stale", "stale", "survey_id"),
    )

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    day: Mapped[date]
    stale: Mapped[bool] = mapped_column(default=True)
    refreshed_at: Mapped[datetime | None]


class AnswerRollup(Base):
    """Answers of one cell with one score and one value of a slice.

    ``dimension`` is "all" (value ""), "stage", "channel", "language", "agent" or
    "attribute:<name>" for each segment attribute; ``commented`` counts those with a comment.
    """

    __tablename__ = "answer_rollups"
    __table_args__ = (PrimaryKeyConstraint("survey_id", "dimension", "day", "value", "score"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(80))
    day: Mapped[date]
    value: Mapped[str] = mapped_column(String(MAX_VALUE_LENGTH))
    score: Mapped[int]
    answers: Mapped[int]
    commented: Mapped[int]


class ThemeRollup(Base):
    """Mentions of one theme in one cell by score, sentiment label ("" not analysed), mixed."""

    __tablename__ = "theme_rollups"
    __table_args__ = (PrimaryKeyConstraint("survey_id", "day", "theme", "score", "label", "mixed"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    day: Mapped[date]
    theme: Mapped[str] = mapped_column(String(40))
    score: Mapped[int]
    label: Mapped[str] = mapped_column(String(8))
    mixed: Mapped[bool]
    mentions: Mapped[int]


class DeliveryRollup(Base):
    """Invitations of one survey sent on one day, and how many of them were answered."""

    __tablename__ = "delivery_rollups"
    __table_args__ = (PrimaryKeyConstraint("survey_id", "day"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    day: Mapped[date]
    delivered: Mapped[int]
    answered: Mapped[int]


def _upsert_stale(session: Session):
    statement = insert_for(session, RollupCell)
    return statement.on_conflict_do_update(
        index_elements=["survey_id", "day"], set_={"stale": true()}
    )


def mark_stale(session: Session, cells: Iterable[tuple[int, date]]) -> None:
    """Mark (survey id, day) cells stale and register their recount after the commit.

    Sorted, so two transactions marking the same cells lock them in the same order."""
    unique = sorted(set(cells))
    if not unique:
        return
    session.execute(
        _upsert_stale(session), [{"survey_id": s, "day": d, "stale": True} for s, d in unique]
    )
    _register(session, {s for s, _ in unique})


def touch_stale(session: Session, cells: Iterable[tuple[int, date]]) -> None:
    """Mark cells stale that are not already, registering no recount: for recording an answer,
    whose processing (right after, on the worker) marks them again and registers it.

    Reading first (no lock) keeps the answer path from queueing on the row lock of today's
    cell in the common case, where the cell is still stale from the previous answer. The rare
    answer that reads "stale" just before a recount clears it is counted by that processing."""
    wanted = sorted(set(cells))
    if not wanted:
        return
    stale = {
        tuple(row)
        for row in session.execute(
            select(RollupCell.survey_id, RollupCell.day).where(
                tuple_(RollupCell.survey_id, RollupCell.day).in_(wanted),
                RollupCell.stale.is_(True),
            )
        )
    }
    todo = [cell for cell in wanted if cell not in stale]
    if todo:
        session.execute(
            _upsert_stale(session), [{"survey_id": s, "day": d, "stale": True} for s, d in todo]
        )


def mark_stale_from(session: Session, rows) -> None:
    """Mark stale every cell a select of (survey_id, day) rows names, in one statement; the
    select must have a WHERE clause (SQLite's upsert-from-select needs one)."""
    selected = rows.subquery()
    source = (
        select(selected.c[0], selected.c[1], literal(True))
        .where(true())
        .distinct()
        .order_by(selected.c[0], selected.c[1])
    )
    statement = (
        insert_for(session, RollupCell)
        .from_select(["survey_id", "day", "stale"], source)
        .on_conflict_do_update(index_elements=["survey_id", "day"], set_={"stale": true()})
        .returning(RollupCell.survey_id)
    )
    _register(session, set(session.scalars(statement)))


def mark_customers_stale(session: Session, customer_ids: Iterable[int]) -> None:
    """Mark stale the cells of these customers' answers (their attributes changed: the
    segment slices count the attribute as it is now)."""
    ids = sorted(set(customer_ids))
    if ids:
        mark_stale_from(
            session,
            select(Response.survey_id, utc_day(Response.answered_at)).where(
                Response.customer_id.in_(ids)
            ),
        )


def mark_all_stale(session: Session, survey_id: int | None = None) -> None:
    """Mark stale every cell with an answer or a send (of one survey, or all): after a change
    that touches every cell, such as a new segment, or to rebuild the rollups."""
    answers = select(Response.survey_id, utc_day(Response.answered_at)).where(
        Response.survey_id.is_not(None)
    )
    sends = select(Invitation.survey_id, utc_day(Invitation.sent_at)).where(
        Invitation.sent_at.is_not(None)
    )
    if survey_id is not None:
        answers = answers.where(Response.survey_id == survey_id)
        sends = sends.where(Invitation.survey_id == survey_id)
    mark_stale_from(session, answers.union(sends))


def mark_segments_moved(session: Session, customer_id: int, before: dict, after: dict) -> None:
    """The dashboard slices by a segment attribute as it is now: when one of the customer's
    changes, the cells of their answers are recounted."""
    names = session.info.get(_SEGMENTS)
    if names is None:  # once per session: an import calls this for every row
        names = session.info[_SEGMENTS] = set(session.scalars(select(SegmentAttribute.name)))
    if any(before.get(name) != after.get(name) for name in names):
        mark_customers_stale(session, [customer_id])


def _register(session: Session, survey_ids: set[int]) -> None:
    run_after_commit(session, REFRESH_TASK, sorted(survey_ids), batch_size=REFRESH_BATCH)
