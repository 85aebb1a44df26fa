"""The one place the dashboard counts answers: per score, per day or slice, over a date range.

Everything the dashboard shows (headline, change, distribution, trend, breakdowns, the agent
leaderboard) is arithmetic on what these functions return, done in ``surveys.reports.dashboard``
with ``surveys.reports.stats``; the themes report takes ``commented`` and ``theme_mentions``.

They read the rollups (``surveys.models.rollups``: per survey, UTC day, slice value and score),
so a report's cost grows with the days and slice values shown, not with the answers. A cell
(one survey's one day) marked stale and not yet recounted is read from the raw rows instead,
through the same expressions, so a figure is exact even while the worker catches up.

- ``Scope``: which answers — one survey or every survey of a kind, answered in ``[start, end)``
  (both at midnight UTC).
- ``totals(session, scope)`` → one ``Tally``.
- ``by_day(session, scope)`` → ``{date: Tally}`` (UTC days); ``bucket`` folds days into weeks
  (starting Monday) or months, so a rollup per day serves every period.
- ``by_slice(session, scope, by)`` → ``{value: Tally}`` for ``stage``, ``channel``, ``language``,
  ``agent`` (the invitation's ``handled_by``) or ``attribute:<name>`` (the customer's attribute
  as it is now: attributes have no history); None is "not recorded".
- ``by_slice_and_day(session, scope, by)`` → ``{value: {date: Tally}}``.
- ``commented(session, scope)`` → answers with a comment per score;
  ``theme_mentions(session, scope)`` → (theme, score, label, mixed, mentions) rows;
  ``theme_days(session, scope)`` → mentions per theme and day, comments per day.
- ``deliveries(session, scope)`` → ``Delivery``: invitations sent in the range and how many of
  those were answered, for the response rate.

A ``Tally`` holds answers per score; category counts, Σ score and Σ score² follow from it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from surveys.catalog import scoring
from surveys.models import (
    DeliveryRollup,
    Invitation,
    Response,
    ResponseTheme,
    ThemeRollup,
)
from surveys.models.rollups import NOT_RECORDED, utc_day
from surveys.reports import cells, rollups

DIMENSIONS = rollups.DIMENSIONS
ATTRIBUTE_PREFIX = rollups.ATTRIBUTE_PREFIX
ALL_TIME = (datetime(1970, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC))
# An attribute name as customers' attributes are keyed; anything else is refused (422).
MAX_ATTRIBUTE_LENGTH = 64


@dataclass(frozen=True)
class Scope:
    """Answers of survey ``survey_id`` (or every survey of ``kind``) answered in [start, end)."""

    kind: str
    start: datetime
    end: datetime
    survey_id: int | None = None

    def previous(self) -> "Scope":
        """The period of equal length just before this one."""
        length = self.end - self.start
        return Scope(self.kind, self.start - length, self.start, self.survey_id)


def all_time(kind: str, survey_id: int | None = None) -> Scope:
    """Every answer ever given (to one survey, or every survey of ``kind``)."""
    return Scope(kind, ALL_TIME[0], ALL_TIME[1], survey_id)


@dataclass(frozen=True)
class Tally:
    """Answers per score for one kind; the counts every figure is computed from."""

    kind: str
    scores: Mapping[int, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return sum(self.scores.values())

    @property
    def categories(self) -> dict[str, int]:
        """Answers per category of the kind, every category present (0 when none)."""
        counts = dict.fromkeys(scoring.SCALES[self.kind].categories, 0)
        for score, count in self.scores.items():
            counts[scoring.categorize(self.kind, score)] += count
        return counts

    @property
    def score_sum(self) -> int:
        return sum(score * count for score, count in self.scores.items())

    @property
    def score_squares(self) -> int:
        return sum(score * score * count for score, count in self.scores.items())

    def __add__(self, other: "Tally") -> "Tally":
        merged = dict(self.scores)
        for score, count in other.scores.items():
            merged[score] = merged.get(score, 0) + count
        return Tally(self.kind, merged)


@dataclass(frozen=True)
class Delivery:
    """Invitations sent in the range (``delivered``) and how many of those were answered."""

    delivered: int
    answered: int


def check_dimension(by: str) -> None:
    """:raises ValueError: not a dimension Kaiku slices by, or an attribute name too long."""
    if by in DIMENSIONS:
        return
    if by.startswith(ATTRIBUTE_PREFIX):
        name = by.removeprefix(ATTRIBUTE_PREFIX)
        if not name or len(name) > MAX_ATTRIBUTE_LENGTH:
            raise ValueError(f"An attribute name has 1 to {MAX_ATTRIBUTE_LENGTH} characters.")
        return
    raise ValueError(f"Slice by one of {', '.join(DIMENSIONS)} or attribute:<name>, not {by!r}.")


def _tally(kind: str, rows: Iterable[tuple[int, int]]) -> Tally:
    scores: dict[int, int] = {}
    for score, count in rows:
        if count:
            scores[score] = scores.get(score, 0) + count
    return Tally(kind, scores)


def totals(session: Session, scope: Scope) -> Tally:
    """Every answer in the scope, per score."""
    rows = cells.answer_rows(session, scope, rollups.ALL)
    return _tally(scope.kind, ((score, n) for _, _, score, n, _ in rows))


def commented(session: Session, scope: Scope) -> dict[int, int]:
    """Answers with a comment in the scope, per score (scores without one left out)."""
    return totals_and_commented(session, scope)[1]


def totals_and_commented(session: Session, scope: Scope) -> tuple[Tally, dict[int, int]]:
    """``totals`` and ``commented`` from one read."""
    rows = cells.answer_rows(session, scope, rollups.ALL)
    counted: dict[int, int] = {}
    for _, _, score, _, with_comment in rows:
        if with_comment:
            counted[score] = counted.get(score, 0) + with_comment
    return _tally(scope.kind, ((score, n) for _, _, score, n, _ in rows)), counted


def by_day(session: Session, scope: Scope) -> dict[date, Tally]:
    """Answers per UTC day (only days with answers), per score."""
    return {
        day: tally
        for day, tally in _grouped(
            scope.kind,
            ((day, score, n) for _, day, score, n, _ in
             cells.answer_rows(session, scope, rollups.ALL, per_day=True)),
        ).items()
        if tally.n
    }  # fmt: skip


def _grouped(kind: str, rows: Iterable[tuple[Any, int, int]]) -> dict[Any, Tally]:
    scores: dict[Any, list[tuple[int, int]]] = {}
    for key, score, count in rows:
        scores.setdefault(key, []).append((score, count))
    return {key: _tally(kind, pairs) for key, pairs in scores.items()}


def by_slice(session: Session, scope: Scope, by: str) -> dict[str | None, Tally]:
    """Answers per value of the dimension ``by`` (see ``check_dimension``), per score."""
    check_dimension(by)
    rows = cells.answer_rows(session, scope, by)
    grouped = _grouped(scope.kind, ((value, score, n) for value, _, score, n, _ in rows))
    return {value: tally for value, tally in grouped.items() if tally.n}


def by_slice_and_day(
    session: Session, scope: Scope, by: str
) -> dict[str | None, dict[date, Tally]]:
    """Answers per value of ``by`` and UTC day, per score (a trend line per slice value)."""
    check_dimension(by)
    per_value: dict[str | None, list[tuple[date, int, int]]] = {}
    for value, day, score, n, _ in cells.answer_rows(session, scope, by, per_day=True):
        per_value.setdefault(value, []).append((day, score, n))
    result = {}
    for value, rows in per_value.items():
        days = {day: tally for day, tally in _grouped(scope.kind, rows).items() if tally.n}
        if days:
            result[value] = days
    return result


def theme_mentions(session: Session, scope: Scope) -> list[tuple[str, int, str | None, bool, int]]:
    """(theme, score, sentiment label or None, mixed, mentions) over the scope, one row each."""
    stale = cells.stale_cells(session, scope)
    table = ThemeRollup
    fresh = (
        select(table.theme, table.score, table.label, table.mixed, func.sum(table.mentions))
        .where(*cells.in_rollups(table, scope, stale))
        .group_by(table.theme, table.score, table.label, table.mixed)
    )
    rows = list(session.execute(fresh))
    if stale:
        label = func.coalesce(Response.sentiment_label, literal(NOT_RECORDED))
        raw = (
            select(ResponseTheme.theme, Response.score, label, Response.sentiment_mixed,
                   func.count())
            .join(Response, Response.id == ResponseTheme.response_id)
            .where(rollups.in_runs(Response.survey_id, Response.answered_at,
                                   rollups.runs(stale)))
            .group_by(ResponseTheme.theme, Response.score, label, Response.sentiment_mixed)
        )  # fmt: skip
        rows += list(session.execute(raw))
    merged: dict[tuple[str, int, str | None, bool], int] = {}
    for theme, score, label, mixed, n in rows:
        key = (theme, score, label if label != NOT_RECORDED else None, bool(mixed))
        merged[key] = merged.get(key, 0) + int(n)
    return [(*key, n) for key, n in merged.items() if n]


def theme_days(
    session: Session, scope: Scope
) -> tuple[dict[str, dict[date, int]], dict[date, int]]:
    """Mentions per theme and UTC day, and comments per UTC day: a theme's share over time."""
    stale = cells.stale_cells(session, scope)
    table = ThemeRollup
    fresh = (
        select(table.theme, table.day, func.sum(table.mentions))
        .where(*cells.in_rollups(table, scope, stale))
        .group_by(table.theme, table.day)
    )
    rows = list(session.execute(fresh))
    if stale:
        day = utc_day(Response.answered_at)
        raw = (
            select(ResponseTheme.theme, day, func.count())
            .join(Response, Response.id == ResponseTheme.response_id)
            .where(rollups.in_runs(Response.survey_id, Response.answered_at,
                                   rollups.runs(stale)))
            .group_by(ResponseTheme.theme, day)
        )  # fmt: skip
        rows += list(session.execute(raw))
    mentions: dict[str, dict[date, int]] = {}
    for theme, day, n in rows:
        per_day = mentions.setdefault(theme, {})
        per_day[cells.day_of(day)] = per_day.get(cells.day_of(day), 0) + int(n)
    comments: dict[date, int] = {}
    for _, day, _, _, with_comment in cells.answer_rows(session, scope, rollups.ALL, per_day=True):
        comments[day] = comments.get(day, 0) + with_comment
    return mentions, comments


def deliveries(session: Session, scope: Scope) -> Delivery:
    """Invitations sent in the range and how many of them were answered (at any time).

    Only sent invitations count as delivered: a link handed out or a widget shown has no send.
    """
    stale = cells.stale_cells(session, scope)
    table = DeliveryRollup
    delivered, answered = session.execute(
        select(func.sum(table.delivered), func.sum(table.answered)).where(
            *cells.in_rollups(table, scope, stale)
        )
    ).one()
    delivered, answered = int(delivered or 0), int(answered or 0)
    if stale:
        raw_delivered, raw_answered = session.execute(
            select(func.count(), func.count().filter(Invitation.status == "answered")).where(
                rollups.in_runs(Invitation.survey_id, Invitation.sent_at, rollups.runs(stale))
            )
        ).one()
        delivered, answered = delivered + raw_delivered, answered + raw_answered
    return Delivery(delivered, answered)
