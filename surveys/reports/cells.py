"""Reading rollup cells for ``surveys.reports.counts``: the rollups of fresh cells, plus the raw
rows of the stale ones through the same slice expressions (``surveys.reports.rollups``), so a
figure is exact whether or not the worker has recounted yet.

A scope here is anything with ``kind``, ``start``, ``end`` (midnight UTC) and ``survey_id``
(``counts.Scope``).
"""

from datetime import UTC, date, time
from typing import Any

from sqlalchemy import case, func, literal, select, tuple_
from sqlalchemy.orm import Session

from surveys.models import AnswerRollup, Response, RollupCell, Survey
from surveys.models.rollups import NOT_RECORDED, utc_day
from surveys.reports import rollups


def days_of(scope: Any) -> tuple[date, date]:
    """The scope's first day and the day after its last; the rollups count whole UTC days."""
    for moment in (scope.start, scope.end):
        if moment.astimezone(UTC).timetz() != time(tzinfo=UTC):
            raise ValueError("A report's range starts and ends at midnight UTC.")
    return scope.start.astimezone(UTC).date(), scope.end.astimezone(UTC).date()


def of_scope(column: Any, scope: Any) -> Any:
    if scope.survey_id is not None:
        return column == scope.survey_id
    return column.in_(select(Survey.id).where(Survey.kind == scope.kind))


def stale_cells(session: Session, scope: Any) -> list[tuple[int, date]]:
    """The scope's cells not recounted since their last change: read from the raw rows."""
    first, end = days_of(scope)
    statement = select(RollupCell.survey_id, RollupCell.day).where(
        RollupCell.stale.is_(True),
        of_scope(RollupCell.survey_id, scope),
        RollupCell.day >= first,
        RollupCell.day < end,
    )
    return [tuple(row) for row in session.execute(statement)]


def in_rollups(table: Any, scope: Any, stale: list[tuple[int, date]]) -> list[Any]:
    first, end = days_of(scope)
    where = [of_scope(table.survey_id, scope), table.day >= first, table.day < end]
    if stale:
        where.append(tuple_(table.survey_id, table.day).not_in(stale))
    return where


def answer_rows(
    session: Session, scope: Any, by: str, *, per_day: bool = False
) -> list[tuple[str | None, date | None, int, int, int]]:
    """(value, day, score, answers, commented) rows: the rollups of fresh cells plus the raw
    rows of stale ones, through the same slice expressions (``rollups.value_of``)."""
    stale = stale_cells(session, scope)
    table = AnswerRollup
    keys = [table.value, table.day] if per_day else [table.value]
    fresh = (
        select(*keys, table.score, func.sum(table.answers), func.sum(table.commented))
        .where(table.dimension == by, *in_rollups(table, scope, stale))
        .group_by(*keys, table.score)
    )
    rows = [_row(row, per_day) for row in session.execute(fresh)]
    if stale:
        value = literal(NOT_RECORDED) if by == rollups.ALL else rollups.value_of(by)
        day = utc_day(Response.answered_at)
        raw_keys = [value, day] if per_day else [value]
        commented = func.sum(case((rollups.has_comment(), 1), else_=0))
        raw = (
            select(*raw_keys, Response.score, func.count(), commented)
            .select_from(Response)
            .where(rollups.in_runs(Response.survey_id, Response.answered_at,
                                   rollups.runs(stale)))
            .group_by(*raw_keys[1:] if by == rollups.ALL else raw_keys, Response.score)
        )  # fmt: skip
        if by != rollups.ALL:
            raw = rollups.joined(raw, by)
        rows += [_row(row, per_day) for row in session.execute(raw)]
    return rows


def _row(row: Any, per_day: bool) -> tuple[str | None, date | None, int, int, int]:
    value = row[0] if row[0] != NOT_RECORDED else None
    day = day_of(row[1]) if per_day else None
    rest = row[2:] if per_day else row[1:]
    return value, day, rest[0], int(rest[1]), int(rest[2] or 0)


def day_of(value: date | str) -> date:
    """SQLite's date() is text, PostgreSQL's a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)
