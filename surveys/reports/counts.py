"""The one place the dashboard counts answers: per score, per day or slice, over a date range.

Everything the dashboard shows (headline, change, distribution, trend, breakdowns, the agent
leaderboard) is arithmetic on what these functions return, done in ``surveys.reports.dashboard``
with ``surveys.reports.stats``. The interface is deliberately narrow so a later change can back
it with rollups (per survey, day, slice value and score) without touching the callers:

- ``Scope``: which answers — one survey or every survey of a kind, answered in ``[start, end)``.
- ``totals(session, scope)`` → one ``Tally``.
- ``by_day(session, scope)`` → ``{date: Tally}`` (UTC days); ``bucket`` folds days into weeks
  (starting Monday) or months, so a rollup per day serves every period.
- ``by_slice(session, scope, by)`` → ``{value: Tally}`` for ``stage``, ``channel``, ``language``,
  ``agent`` (the invitation's ``handled_by``) or ``attribute:<name>`` (the customer's attribute
  as it is now: attributes have no history); None is "not recorded".
- ``by_slice_and_day(session, scope, by)`` → ``{value: {date: Tally}}``.
- ``deliveries(session, scope)`` → ``Delivery``: invitations sent in the range and how many of
  those were answered, for the response rate.

A ``Tally`` holds answers per score; category counts, Σ score and Σ score² follow from it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from surveys.catalog import scoring
from surveys.models import Customer, Invitation, Response, Survey

PERIODS = ("day", "week", "month")
DIMENSIONS = ("stage", "channel", "language", "agent")
ATTRIBUTE_PREFIX = "attribute:"
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


def dimension_column(by: str) -> Any:
    """The column a slice groups on.

    :raises ValueError: not a dimension Kaiku slices by.
    """
    if by == "stage":
        return Response.stage
    if by == "channel":
        return Response.channel
    if by == "language":
        return Response.language
    if by == "agent":
        return Invitation.handled_by
    if by.startswith(ATTRIBUTE_PREFIX):
        name = by.removeprefix(ATTRIBUTE_PREFIX)
        if not name or len(name) > MAX_ATTRIBUTE_LENGTH:
            raise ValueError(f"An attribute name has 1 to {MAX_ATTRIBUTE_LENGTH} characters.")
        return Customer.attributes[name].as_string()
    raise ValueError(f"Slice by one of {', '.join(DIMENSIONS)} or attribute:<name>, not {by!r}.")


def _scoped(statement: Select, scope: Scope) -> Select:
    statement = statement.where(
        Response.answered_at >= scope.start, Response.answered_at < scope.end
    )
    if scope.survey_id is not None:
        return statement.where(Response.survey_id == scope.survey_id)
    return statement.where(
        Response.survey_id.in_(select(Survey.id).where(Survey.kind == scope.kind))
    )


def _tallies(kind: str, rows: Iterable[tuple[Any, int, int]]) -> dict[Any, Tally]:
    scores: dict[Any, dict[int, int]] = {}
    for key, score, count in rows:
        scores.setdefault(key, {})[score] = count
    return {key: Tally(kind, per_score) for key, per_score in scores.items()}


def totals(session: Session, scope: Scope) -> Tally:
    """Every answer in the scope, per score."""
    rows = session.execute(
        _scoped(select(Response.score, func.count()), scope).group_by(Response.score)
    ).all()
    return Tally(scope.kind, {score: count for score, count in rows})


def by_day(session: Session, scope: Scope) -> dict[date, Tally]:
    """Answers per UTC day (only days with answers), per score."""
    day = func.date(Response.answered_at)
    rows = session.execute(
        _scoped(select(day, Response.score, func.count()), scope).group_by(day, Response.score)
    ).all()
    return _tallies(scope.kind, ((_day(d), s, c) for d, s, c in rows))


def _joined(statement: Select, by: str) -> Select:
    if by == "agent":
        return statement.join(Invitation, Invitation.id == Response.invitation_id)
    if by.startswith(ATTRIBUTE_PREFIX):
        return statement.join(Customer, Customer.id == Response.customer_id)
    return statement


def by_slice(session: Session, scope: Scope, by: str) -> dict[str | None, Tally]:
    """Answers per value of the dimension ``by`` (see ``dimension_column``), per score."""
    column = dimension_column(by)
    statement = _joined(select(column, Response.score, func.count()), by)
    rows = session.execute(_scoped(statement, scope).group_by(column, Response.score)).all()
    return _tallies(scope.kind, rows)


def by_slice_and_day(
    session: Session, scope: Scope, by: str
) -> dict[str | None, dict[date, Tally]]:
    """Answers per value of ``by`` and UTC day, per score (a trend line per slice value)."""
    column = dimension_column(by)
    day = func.date(Response.answered_at)
    statement = _joined(select(column, day, Response.score, func.count()), by)
    rows = session.execute(_scoped(statement, scope).group_by(column, day, Response.score)).all()
    scores: dict[str | None, dict[date, dict[int, int]]] = {}
    for value, d, score, count in rows:
        scores.setdefault(value, {}).setdefault(_day(d), {})[score] = count
    return {
        value: {d: Tally(scope.kind, per_score) for d, per_score in days.items()}
        for value, days in scores.items()
    }


def _day(value: date | str) -> date:
    """SQLite's date() is text, PostgreSQL's a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def deliveries(session: Session, scope: Scope) -> Delivery:
    """Invitations sent in the range and how many of them were answered (at any time).

    Only sent invitations count as delivered: a link handed out or a widget shown has no send.
    """
    statement = select(func.count(), func.count().filter(Invitation.status == "answered")).where(
        Invitation.sent_at >= scope.start, Invitation.sent_at < scope.end
    )
    if scope.survey_id is not None:
        statement = statement.where(Invitation.survey_id == scope.survey_id)
    else:
        statement = statement.where(
            Invitation.survey_id.in_(select(Survey.id).where(Survey.kind == scope.kind))
        )
    delivered, answered = session.execute(statement).one()
    return Delivery(delivered, answered)


def period_start(day: date, period: str) -> date:
    """The first day of the day's ``period``: itself, its week's Monday, its month's 1st."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"Period is one of {', '.join(PERIODS)}, not {period!r}.")


def bucket(days: Mapping[date, Tally], period: str) -> dict[date, Tally]:
    """Per-day tallies folded into periods, keyed by each period's first day."""
    periods: dict[date, Tally] = {}
    for day, tally in days.items():
        start = period_start(day, period)
        periods[start] = periods[start] + tally if start in periods else tally
    return periods
